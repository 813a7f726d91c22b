#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KUnit suites with kunit.py in a Debian 6.12 tree (+ patches/6.12)
# that has this checkout staged as mm/llfree_morsel, under QEMU (TCG, 2 vCPUs).
# Prints per-suite and per-case results and `N passed, N failed` last; the
# same lines go to build/check/kunit.log, kunit.py's output to
# build/kunit/kunit.py.log.
#
# The kernel build is cached in <cache>/kunit-build/<key>, key =
# tree (version + patch hash) + .kunitconfig hash, so reruns are incremental.
# Environment: LLFREE_KUNIT_TIMEOUT (seconds for the test run, default 900),
# LLFREE_KUNIT_FILTER (kunit.py filter_glob, e.g. 'llfree_bitfield*').
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=scripts/cache.sh
. "$REPO/scripts/cache.sh"

# Staging re-points the tree's link at this checkout: hold the kernel-build
# lock from before staging until kunit.py is done.
if [ -z "${LLFREE_KUNIT_LOCKED:-}" ]; then
	LLFREE_KUNIT_LOCKED=1 exec "$REPO/scripts/kbuild-lock.sh" "$0" "$@"
fi

out=$REPO/build/kunit
log=$REPO/build/check/kunit.log
json=$out/results.json
mkdir -p "$out" "$REPO/build/check"
rm -f "$json"

fail() {
	echo "FAIL kunit: $*" | tee "$log"
	echo "0 passed, 1 failed" | tee -a "$log"
	exit 1
}

tree=$("$REPO/scripts/kernel-tree.sh") || fail "could not prepare the kernel tree"
key=$(basename "$tree")-$(sha256sum <"$REPO/kunit/.kunitconfig" | cut -c1-12)
build_dir=$CACHE/kunit-build/$key
mkdir -p "$build_dir"
touch "$build_dir"
# Each tree or .kunitconfig change starts a new 0.5 GiB build: keep three.
# kunit.py itself resumes a build that was killed halfway.
cache_prune "$CACHE/kunit-build" 3

args=(run --arch=x86_64
	--kunitconfig="$REPO/kunit"
	--build_dir="$build_dir"
	--json="$json"
	--jobs=2
	--timeout="${LLFREE_KUNIT_TIMEOUT:-900}"
	--qemu_args='-accel tcg -smp 2')
[ -n "${LLFREE_KUNIT_FILTER:-}" ] && args+=("$LLFREE_KUNIT_FILTER")

echo "kunit: tree $tree"
echo "kunit: build $build_dir"
start=$SECONDS
rc=0
python3 "$tree/tools/testing/kunit/kunit.py" "${args[@]}" 2>&1 | tee "$out/kunit.py.log" ||
	rc=${PIPESTATUS[0]}
echo "kunit: kunit.py exited $rc after $((SECONDS - start))s"

[ -s "$json" ] || fail "kunit.py exited $rc without results (see build/kunit/kunit.py.log)"
src=0
python3 "$REPO/scripts/kunit-summary.py" "$json" >"$log" || src=$?
if [ "$rc" -ne 0 ] && [ "$src" -eq 0 ]; then
	# Every case passed, yet kunit.py failed: a crash after the last case,
	# a timeout or a parse error. Keep the last line the summary.
	last=$(tail -n 1 "$log")
	sed -i '$d' "$log"
	echo "FAIL kunit.run: kunit.py exited $rc (see build/kunit/kunit.py.log)" >>"$log"
	echo "${last%, 0 failed}, 1 failed" >>"$log"
	src=1
fi
# The build and run times kunit.py reports, for make check's table.
sed -n 's/.*Elapsed time: [0-9.]*s total, \([0-9.]*\)s configuring, \([0-9.]*\)s building, \([0-9.]*\)s running.*/TIME kunit.build \2\nTIME kunit.run \3/p' \
	"$out/kunit.py.log" | sed 's/\.[0-9]*$//' | cat - "$log" >"$log.tmp"
mv "$log.tmp" "$log"
cat "$log"
exit "$src"
