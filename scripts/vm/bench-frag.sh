#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-frag`: fragmentation after churn, buddy against LLFree, in one
# boot of the non-debug hook kernel under QEMU (tools/vm/frag-test.sh).
# FRAG_MB (managed MiB, default 1024), FRAG_WORK (peak churn MiB, 768),
# FRAG_ROUNDS (20), FRAG_SEED (12345).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=$REPO/build/bench-frag

kout=$("$HERE/build-kernel.sh" "$HERE/bench-kernel.config")
mkdir -p "$OUT/kbench"
make -s -C "$REPO" modules KDIR="$kout" KMOD_OUT="${OUT#"$REPO"/}/kmod" >&2
cp "$REPO/tools/kbench/Kbuild" "$REPO/tools/kbench/"*.[ch] "$OUT/kbench/"
"$REPO/scripts/kbuild-lock.sh" make -s -C "$kout" M="$OUT/kbench" modules >&2
gcc -static -O2 -Wall -Wextra -Werror "$REPO/tools/vm/fragchurn.c" -o "$OUT/fragchurn"
"$HERE/initramfs.sh" "$OUT/frag.cpio.gz" "$REPO/tools/vm/frag-test.sh" \
	"$OUT/kmod/llfree.ko" "$OUT/kbench/llfree_frag.ko" "$OUT/fragchurn"
"$HERE/run.sh" bench-frag "$kout/arch/x86/boot/bzImage" "$OUT/frag.cpio.gz" \
	"$OUT/frag.log" --smp 2 --paging 5 --mem 3072 --timeout 3600 --append \
	"frag_mb=${FRAG_MB:-1024} frag_work=${FRAG_WORK:-768} frag_rounds=${FRAG_ROUNDS:-20} frag_seed=${FRAG_SEED:-12345}" >&2 || {
	echo "bench-frag: the boot failed, see $OUT/frag.log" >&2
	exit 1
}

python3 - "$OUT/frag.log" <<'PY'
import re, sys
res = {}
for line in open(sys.argv[1], errors='replace'):
    m = re.search(r'^RESULT (\S+) (.*)$', line)
    if m:
        f = m.group(2).split()
        res[m.group(1)] = dict(zip(f[::2], f[1::2]))
print("\n### Free 2 MiB frames after the same churn, same managed memory\n")
print("| allocator | on free lists / free_huge | handed out by allocating | cached frames |")
print("|---|--:|--:|--:|")
if 'buddy' in res:
    b = res['buddy']
    print(f"| buddy | {b['buddyinfo']} (buddyinfo orders >= 9) | {b['allocated']} | - |")
for v in ('llfree', 'llfree-nopcp'):
    if v in res:
        r = res[v]
        print(f"| {v} | {r['free_huge']} (free_huge) | {r['allocated']} | {r['cached']} |")
if 'buddy' in res and 'llfree' in res:
    b, l = int(res['buddy']['allocated']), int(res['llfree']['allocated'])
    print(f"\nLLFree / buddy, 2 MiB frames handed out: {l}/{b}" +
          (f" = {l / b:.2f}" if b else ""))
sys.exit(0 if res else 1)
PY
