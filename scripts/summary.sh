#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Count the `PASS <name>` / `FAIL <name>: why` lines of every step log in DIR
# (default build/check), repeat the failures, and print `N passed, N failed`
# as the last line. Exits 1 if anything failed or no log exists.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${1:-build/check}

shopt -s nullglob
logs=("$dir"/*.log)
if [ ${#logs[@]} -eq 0 ]; then
	echo "summary: no logs in $dir"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0 failed=0
for f in "${logs[@]}"; do
	p=$(grep -c '^PASS ' "$f" || true)
	n=$(grep -c '^FAIL ' "$f" || true)
	passed=$((passed + p))
	failed=$((failed + n))
	if [ "$n" -ne 0 ]; then
		grep '^FAIL ' "$f" | sed "s|^|$(basename "$f" .log): |"
	fi
done

echo "summary: ${#logs[@]} logs in $dir"
# Wall time per step (step-time.sh) and the parts steps report as
# `TIME <part> <seconds>` lines in their logs.
if [ -s "$dir/times.txt" ]; then
	total=0
	echo "step times (seconds):"
	while read -r step secs; do
		printf '  %-34s %6d\n' "$step" "$secs"
		total=$((total + secs))
		if [ -f "$dir/$step.log" ]; then
			{ grep '^TIME ' "$dir/$step.log" || true; } | while read -r _ part psecs; do
				printf '    %-32s %6d\n' "$part" "$psecs"
			done
		fi
	done <"$dir/times.txt"
	printf '  %-34s %6d\n' total "$total"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
