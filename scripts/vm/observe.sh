#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make observe`: boot the hook test kernel under QEMU with llfree.ko and
# morsel.ko and run the perf, trace-cmd and bpftrace one-liners of
# docs/observing.md (tools/vm/observe.sh in the guest), with the host's
# programs.
# Prints what the guest printed; its full log is build/observe/observe.log.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/observe

"$REPO/scripts/deps.sh"
missing=()
command -v perf >/dev/null || missing+=(linux-perf)
command -v trace-cmd >/dev/null || missing+=(trace-cmd)
command -v bpftrace >/dev/null || missing+=(bpftrace)
if [ ${#missing[@]} -gt 0 ]; then
	apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

# The three programs and every library they load, at the same paths.
mkdir -p "$OUT"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for bin in "$(command -v perf)" "$(command -v trace-cmd)" "$(command -v bpftrace)"; do
	for f in "$bin" $(ldd "$bin" | grep -oE '/[^ ]+'); do
		mkdir -p "$stage$(dirname "$f")"
		cp -L "$f" "$stage$f"
	done
done
# bpftrace compiles its programs with clang against the uAPI headers.
for d in /usr/include/linux /usr/include/asm-generic /usr/include/x86_64-linux-gnu/asm; do
	mkdir -p "$stage$(dirname "$d")"
	cp -rL "$d" "$stage$d"
done
tar -C "$stage" -cf "$OUT/observe-root.tar" .

"$HERE/morsel-tools.sh" "$OUT/tools" >/dev/null
kout=$("$HERE/image.sh" "$OUT" observe "$REPO/tools/vm/observe.sh" \
	"$OUT/tools/morselctl" "$OUT/observe-root.tar")
status=0
"$HERE/run.sh" observe "$kout/arch/x86/boot/bzImage" "$OUT/observe.cpio.gz" \
	"$OUT/observe.log" --smp 2 --paging 5 --mem 3072 >"$OUT/verdict" || status=$?
sed -n '/^VM-START/,/^VM-DONE/p' "$OUT/observe.log" | grep -av '^\[ *[0-9]*\.[0-9]*\]'
cat "$OUT/verdict"
exit $status
