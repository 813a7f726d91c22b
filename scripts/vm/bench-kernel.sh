#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-kernel`: LLFree against buddy through alloc_pages() in one boot
# per mode, with tools/kbench/llfree_bench.ko, rounds alternating between
# buddy, llfree.ko and llfree.ko pcp_frames=0 (tools/vm/bench-test.sh); the
# first round is discarded and the median of the others printed with
# LLFree/buddy ratios (scripts/vm/bench-table.py).
#
# Modes (MODE=..., default "uml icount tcg"):
#   uml     User-Mode Linux, native speed, 1 CPU, host thread CPU time
#   icount  QEMU -icount shift=0,sleep=off, 1 vCPU: guest instructions/op
#   tcg     QEMU TCG with VCPUS vCPUs (default 2): scaling ratios only
# ROUNDS (default 6, round 0 is the warm-up).
#
# Usage: bench-kernel.sh [MODE...]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/bench-kernel
modes=${*:-${MODE:-uml icount tcg}}
rounds=${ROUNDS:-6}
vcpus=${VCPUS:-2}

# Build llfree.ko and llfree_bench.ko against KOUT (ARCH as given).
build_modules() {
	local kout=$1 arch=$2 dir=$3

	# Callers run this inside ||, where set -e does not apply.
	mkdir -p "$dir/kbench" &&
	make -s -C "$REPO" modules KDIR="$kout" ARCH="$arch" \
		KMOD_OUT="${dir#"$REPO"/}/kmod" >&2 &&
	cp "$REPO/tools/kbench/Kbuild" "$REPO/tools/kbench/"*.[ch] "$dir/kbench/" &&
	"$REPO/scripts/kbuild-lock.sh" make -s -C "$kout" M="$dir/kbench" \
		ARCH="$arch" modules >&2 &&
	"$HERE/initramfs.sh" "$dir/bench.cpio.gz" "$REPO/tools/vm/bench-test.sh" \
		"$dir/kmod/llfree.ko" "$dir/kbench/llfree_bench.ko"
}

run_uml() {
	local dir=$OUT/uml kout

	kout=$("$HERE/build-kernel.sh" --uml) || return 1
	build_modules "$kout" um "$dir" || return 1
	# UML keeps guest RAM in a file under TMPDIR; /dev/shm is memory.
	TMPDIR=/dev/shm timeout 3600 "$kout/linux" mem=3G \
		initrd="$dir/bench.cpio.gz" con=null con0=fd:0,fd:1 ssl=null \
		bench_rounds="$rounds" bench_mb=1536 bench_poweroff=1 \
		</dev/null >"$dir/bench.log" 2>&1 || true
	grep -q '^PASS bench.rounds' "$dir/bench.log" || {
		echo "bench-kernel: the UML boot failed, see $dir/bench.log" >&2
		return 1
	}
	"$HERE/bench-table.py" "$dir/bench.log" \
		"User-Mode Linux, 1 CPU, native speed" "host thread CPU ns"
}

run_qemu() {
	local name=$1 smp=$2 mem=$3 mb=$4 qemu_args=$5 title=$6 unit=$7
	local dir=$OUT/$name kout

	kout=$("$HERE/build-kernel.sh" "$HERE/bench-kernel.config") || return 1
	build_modules "$kout" x86_64 "$dir" || return 1
	"$HERE/run.sh" "bench-$name" "$kout/arch/x86/boot/bzImage" \
		"$dir/bench.cpio.gz" "$dir/bench.log" --smp "$smp" --paging 5 \
		--mem "$mem" --timeout 3600 --qemu-args "$qemu_args" \
		--append "bench_rounds=$rounds bench_mb=$mb" >&2 || {
		echo "bench-kernel: the $name boot failed, see $dir/bench.log" >&2
		return 1
	}
	"$HERE/bench-table.py" "$dir/bench.log" "$title" "$unit"
}

status=0
for mode in $modes; do
	case $mode in
	uml) run_uml || status=1 ;;
	icount) run_qemu icount 1 3072 1536 "-icount shift=0,sleep=off" \
		"QEMU -icount, 1 vCPU: exact guest instructions" "instructions" ||
		status=1 ;;
	tcg) run_qemu tcg "$vcpus" $((1024 + vcpus * 1280)) $((vcpus * 1280)) "" \
		"QEMU TCG, $vcpus vCPUs: ratios only" "TCG ns" || status=1 ;;
	*) echo "bench-kernel: unknown mode $mode (uml, icount, tcg)" >&2
		status=1 ;;
	esac
done
exit $status
