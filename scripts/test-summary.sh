#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/summary.sh against made-up step logs: whatever the logs hold
# (a step without TIME lines, a failure), it prints the time table and
# ends with the `N passed, N failed` line, exiting 1 on a failure.
# Prints PASS/FAIL lines (summary.*).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
check() {
	if [ "$2" = "$3" ]; then
		echo "PASS summary.$1"
	else
		echo "FAIL summary.$1: got '$2', want '$3'"
		rc=1
	fi
}

mkdir "$tmp/red" "$tmp/green"
printf 'PASS a\n' >"$tmp/red/deps.log"
printf 'PASS b\nTIME part 3\nFAIL c: why\n' >"$tmp/red/kunit.log"
printf 'deps 1\nkunit 5\nvm-test 7\n' >"$tmp/red/times.txt"
out=$(scripts/summary.sh "$tmp/red")
check red.status "$?" 1
check red.last-line "$(echo "$out" | tail -n 1)" "2 passed, 1 failed"
check red.failure-repeated "$(echo "$out" | grep -c '^kunit: FAIL c: why$')" 1
check red.table "$(echo "$out" | grep -cE '^  (deps|kunit|vm-test) +[0-9]+$')" 3
check red.part "$(echo "$out" | grep -cE '^    part +3$')" 1
check red.total "$(echo "$out" | grep -E '^  total ' | tr -s ' ')" " total 13"

printf 'PASS a\n' >"$tmp/green/deps.log"
printf 'deps 2\n' >"$tmp/green/times.txt"
out=$(scripts/summary.sh "$tmp/green")
check green.status "$?" 0
check green.last-line "$(echo "$out" | tail -n 1)" "1 passed, 0 failed"
exit "$rc"
