# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The cache rules, written once, for every script that keeps something in
# the cache (sourced, not run):
#
#   CACHE           $LLFREE_CACHE, default ~/.cache/llfree-morsel.
#   An entry        is a directory (or file) CACHE/<kind>/<key>, where the key
#                   says what it was made from (versions, hashes of patches,
#                   configs, recipes).
#   Making one      happens in CACHE/<kind>/.tmp.* and ends with one rename
#                   (or a "ready" marker written last), so a run that is
#                   killed halfway leaves a .tmp.* directory or an entry
#                   without its marker, never something that looks finished.
#   Using one       touches it: the modification time is "last used".
#   Pruning         keeps the KEEP most recently used entries of a kind,
#                   never one used within the last hour (another run may be
#                   reading it), removes .tmp.* left by killed runs after an
#                   hour, and works on kinds that do not exist yet.
#
# scripts/test-cache.sh runs these paths against an empty cache in every
# `make check`.

CACHE=${LLFREE_CACHE:-$HOME/.cache/llfree-morsel}

# cache_prune DIR KEEP [MARKER]: keep the KEEP most recently used entries of
# DIR. With MARKER, an entry counts only once DIR/<entry>/MARKER exists (an
# unfinished one is left to the run making it, or to the .tmp rule) and the
# marker's time is its "last used"; without, the entry's own time. Prints
# what it removes.
cache_prune() {
	local dir=$1 keep=$2 marker=${3:-} entry stamp
	local -a stamps=()

	[ -d "$dir" ] || return 0
	while IFS= read -r -d '' entry; do
		stamp=$entry${marker:+/$marker}
		[ -e "$stamp" ] && stamps+=("$stamp")
	done < <(find "$dir" -mindepth 1 -maxdepth 1 ! -name '.*' -print0)
	if [ ${#stamps[@]} -gt "$keep" ]; then
		# Most recently used first (-d: a directory or link itself).
		ls -1dt "${stamps[@]}" | tail -n +$((keep + 1)) | while IFS= read -r stamp; do
			[ -z "$(find "$stamp" -maxdepth 0 -mmin -60)" ] || continue
			entry=${stamp%"${marker:+/$marker}"}
			echo "cache: pruning $entry" >&2
			rm -rf --one-file-system "$entry"
		done
	fi
	find "$dir" -mindepth 1 -maxdepth 1 -name '.tmp.*' -mmin +60 \
		-exec rm -rf --one-file-system {} + 2>/dev/null || true
}
