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

mkdir -p "$OUT"
"$HERE/perf-root.sh" "$OUT/observe-root.tar" perf trace-cmd bpftrace

"$HERE/morsel-tools.sh" "$OUT/tools" >/dev/null
kout=$("$HERE/image.sh" "$OUT" observe "$REPO/tools/vm/observe.sh" \
	"$OUT/tools/morselctl" "$OUT/observe-root.tar")
status=0
"$HERE/run.sh" observe "$kout/arch/x86/boot/bzImage" "$OUT/observe.cpio.gz" \
	"$OUT/observe.log" --smp 2 --paging 5 --mem 3072 >"$OUT/verdict" || status=$?
sed -n '/^VM-START/,/^VM-DONE/p' "$OUT/observe.log" | grep -av '^\[ *[0-9]*\.[0-9]*\]'
cat "$OUT/verdict"
exit $status
