#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check` step "cache": every cache script's make / look up / prune
# paths (scripts/cache.sh), run against a new, empty LLFREE_CACHE on every
# run, so that what a fresh machine goes through is tested even where the
# real cache is warm. Prints PASS/FAIL lines.
#
# Seeded into the empty cache, as links into the real one, only what takes
# many minutes to make: the patched kernel tree, the test-kernel build and
# the Debian root tarball (made in the real cache first if missing, as the
# later steps need them anyway). Everything else starts from nothing:
# kernel-tree.sh extracts a tree of its own, kernel-deb.sh packs the hook
# kernel with no kernel-deb directory at all, and each kind gets stale,
# half-written and killed-run entries to prune or ignore.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"
# shellcheck source=scripts/cache.sh
. scripts/cache.sh
real=$CACHE
tmp=$(mktemp -d "${TMPDIR:-/tmp}/llfree-cache-test.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT
nfail=0
pass() { echo "PASS cache.$1"; }
fail() {
	echo "FAIL cache.$1: $2"
	nfail=$((nfail + 1))
}
expect() { # NAME CONDITION-STATUS WHY
	if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi
}
# Entries NAME... of DIR, each a minute newer than the one before and all
# over two hours old (with MARKER inside, if set).
stale() { # DIR MARKER NAME...
	local dir=$1 marker=$2 age=$((120 + $# - 2)) n
	shift 2
	for n in "$@"; do
		mkdir -p "$dir/$n"
		if [ -n "$marker" ]; then
			touch -d "$age minutes ago" "$dir/$n/$marker"
		fi
		touch -d "$age minutes ago" "$dir/$n"
		age=$((age - 1))
	done
}
count() { # DIR MARKER: entries with the marker (entries may be links)
	find -L "$1" -mindepth 2 -maxdepth 2 -name "$2" | wc -l
}

# ------------------------------------------------ what is seeded (real cache)
tree=$(scripts/kernel-tree.sh --no-stage)
build=$(scripts/vm/build-kernel.sh)
tarball=$(scripts/pkg/debroot.sh)
echo "test-cache: seeding links to $tree, $build, $tarball"

# ------------------------------------------------ kernel-tree.sh, extraction
t=$tmp/extract
mkdir -p "$t/trees"
stale "$t/trees" .llfree-tree-ready 6.12-old1 6.12-old2 6.12-old3
stale "$t/trees" "" .tmp.killed 6.12-half
rc=0
got=$(LLFREE_CACHE=$t scripts/kernel-tree.sh --no-stage 2>"$tmp/extract.log") || rc=$?
if [ "$rc" = 0 ] && [ -f "$got/.llfree-tree-ready" ] && [ -f "$got/include/linux/morsel_hooks.h" ]; then
	pass kernel-tree.extract
else
	fail kernel-tree.extract "exit $rc, tree '$got': $(tail -n 2 "$tmp/extract.log" | tr '\n' ' ')"
fi
if [ "$(basename "$got")" = "$(basename "$tree")" ]; then
	pass kernel-tree.same-key
else
	fail kernel-tree.same-key "key $(basename "$got") differs from $(basename "$tree")"
fi
expect kernel-tree.prune $(($(count "$t/trees" .llfree-tree-ready) != 3 ||
	$(find "$t/trees" -maxdepth 1 -name 6.12-old1 | wc -l) != 0)) \
	"$(ls "$t/trees" | tr '\n' ' ')"
expect kernel-tree.killed-run-swept $(($(find "$t/trees" -maxdepth 1 -name '.tmp.*' | wc -l) != 0)) \
	"a .tmp.* directory of a killed run is still there"
expect kernel-tree.half-kept $(($(find "$t/trees" -maxdepth 1 -name 6.12-half | wc -l) != 1)) \
	"an unfinished entry was pruned as if finished"
rm -rf --one-file-system "$t"

# ------------------------------------------- the empty cache for the rest
t=$tmp/cache
mkdir -p "$t/trees" "$t/build" "$t/debroot"
ln -s "$tree" "$t/trees/$(basename "$tree")"
ln -s "$build" "$t/build/$(basename "$build")"
ln -s "$tarball" "$t/debroot/$(basename "$tarball")"
export LLFREE_CACHE=$t

# kernel-tree.sh: look-up only.
rc=0
got=$(scripts/kernel-tree.sh --no-stage 2>"$tmp/tree.log") || rc=$?
if [ "$rc" = 0 ] && [ "$got" = "$t/trees/$(basename "$tree")" ]; then
	pass kernel-tree.lookup
else
	fail kernel-tree.lookup "exit $rc, printed '$got'"
fi

# build-kernel.sh: look-up of a ready build, pruning of old ones.
stale "$t/build" .llfree-build-ready test-old1 test-old2 test-old3 test-old4
stale "$t/build" "" test-killed
rc=0
got=$(scripts/vm/build-kernel.sh 2>"$tmp/build.log") || rc=$?
if [ "$rc" = 0 ] && [ "$got" = "$t/build/$(basename "$build")" ]; then
	pass build-kernel.lookup
else
	fail build-kernel.lookup "exit $rc, printed '$got': $(tail -n 2 "$tmp/build.log" | tr '\n' ' ')"
fi
expect build-kernel.prune $(($(count "$t/build" .llfree-build-ready) != 4 ||
	$(find "$t/build" -maxdepth 1 -name test-old1 | wc -l) != 0)) \
	"$(ls "$t/build" | tr '\n' ' ')"
expect build-kernel.half-kept $(($(find "$t/build" -maxdepth 1 -name test-killed | wc -l) != 1)) \
	"an unfinished build was pruned as if finished"

# kernel-deb.sh: a cache with no kernel-deb/obj (which made the old script
# fail), stale entries, a half-written entry of the very key it needs (a run
# killed before .ready) and a killed run's .tmp: it must pack the kernel,
# replace the half-written entry, and prune. One pack (two minutes).
key=$(basename "$build")
stale "$t/kernel-deb" .ready old1 old2 old3 old4 old5 old6
stale "$t/kernel-deb" "" .tmp.killed "$key"
echo junk >"$t/kernel-deb/$key/linux-image-junk.deb"
rc=0
scripts/pkg/kernel-deb.sh --out "$tmp/debs" >"$tmp/kdeb1.out" 2>"$tmp/kdeb1.log" || rc=$?
image=$(grep '/linux-image-' "$tmp/kdeb1.out" || true)
headers=$(grep '/linux-headers-' "$tmp/kdeb1.out" || true)
if [ "$rc" = 0 ] && [ -n "$image" ] && dpkg-deb -I "$image" >/dev/null 2>&1 &&
	dpkg-deb -c "$headers" | grep '/\.config$' >/dev/null &&
	cmp -s "$image" "$tmp/debs/$(basename "$image")"; then
	pass kernel-deb.packs
else
	fail kernel-deb.packs "exit $rc, or no .debs (also in --out): $(tail -n 3 "$tmp/kdeb1.log" | tr '\n' ' ')"
fi
if [ -f "$t/kernel-deb/$key/.ready" ] && [ ! -e "$t/kernel-deb/$key/linux-image-junk.deb" ]; then
	pass kernel-deb.half-written-replaced
else
	fail kernel-deb.half-written-replaced "$(ls -a "$t/kernel-deb/$key" | tr '\n' ' ')"
fi
expect kernel-deb.prune $(($(count "$t/kernel-deb" .ready) != 6 ||
	$(find "$t/kernel-deb" -maxdepth 1 -name old1 | wc -l) != 0)) \
	"$(ls "$t/kernel-deb" | tr '\n' ' ')"
expect kernel-deb.killed-run-swept $(($(find "$t/kernel-deb" -maxdepth 1 -name '.tmp.*' | wc -l) != 0)) \
	"a .tmp.* directory of a killed run is still there"
before=$(stat -c %i:%Y "$image" 2>/dev/null || echo none)
rc=0
scripts/pkg/kernel-deb.sh >"$tmp/kdeb3.out" 2>"$tmp/kdeb3.log" || rc=$?
if [ "$rc" = 0 ] && ! grep -q bindeb-pkg "$tmp/kdeb3.log" &&
	[ "$(stat -c %i:%Y "$image" 2>/dev/null || echo gone)" = "$before" ]; then
	pass kernel-deb.lookup
else
	fail kernel-deb.lookup "exit $rc, or it packed again: $(tail -n 2 "$tmp/kdeb3.log" | tr '\n' ' ')"
fi

# debroot.sh: look-up of this month's root; old months and recipes pruned.
stale "$t/debroot" "" bookworm-oldrecipe-202601.tar.zst bookworm-oldrecipe-202602.tar.zst
stale "$t/debroot" "" .tmp.killed
rc=0
got=$(scripts/pkg/debroot.sh 2>"$tmp/debroot.log") || rc=$?
if [ "$rc" = 0 ] && [ "$got" = "$t/debroot/$(basename "$tarball")" ]; then
	pass debroot.lookup
else
	fail debroot.lookup "exit $rc, printed '$got'"
fi
expect debroot.prune $(($(find "$t/debroot" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l) != 2)) \
	"$(ls -a "$t/debroot" | tr '\n' ' ')"

[ "$nfail" = 0 ]
