#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the 6.12 tree's checkpatch.pl on every C file under src/ include/ kunit/
# and record one PASS/FAIL line per file in build/check/checkpatch.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
log=build/check/checkpatch.log
mkdir -p build/check
: >"$log"

if ! tree=$(scripts/kernel-tree.sh --no-stage); then
	echo "FAIL checkpatch: no kernel tree" | tee -a "$log"
	exit 1
fi

pass=0 fail=0
while IFS= read -r -d '' f; do
	if out=$(perl "$tree/scripts/checkpatch.pl" --no-tree --quiet --show-types -f "$f" 2>&1); then
		echo "PASS checkpatch.$f" >>"$log"
		pass=$((pass + 1))
	else
		printf '%s\n' "$out" >>"$log"
		echo "FAIL checkpatch.$f: $(printf '%s\n' "$out" | grep -E '^total:' || echo 'see log')" >>"$log"
		printf '%s\n' "$out" | grep -E '^(ERROR|WARNING|CHECK)' | sed "s|^|  $f: |" || true
		fail=$((fail + 1))
	fi
done < <(find src include kunit -type f -name '*.[ch]' -print0 | sort -z)

printf '%-7s %-40s %4d passed, %d failed\n' "$([ $fail -eq 0 ] && echo '[ok]' || echo '[FAILED]')" \
	checkpatch "$pass" "$fail"
[ "$fail" -eq 0 ]
