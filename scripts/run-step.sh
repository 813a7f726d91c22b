#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one step of `make check` and record its result in LOG.
# Usage: run-step.sh [--expect-results] NAME LOG CMD [ARGS...]
#
# The command's output goes to LOG. Test programs print their own
# `PASS <name>` / `FAIL <name>: why` lines; this script adds
#   `FAIL NAME: ...` when the command exits non-zero without a FAIL line
#   (crash, sanitizer abort, timeout, build error), and
#   `PASS NAME` when it succeeds without printing any result line (builds),
#   or, with --expect-results (test programs), `FAIL NAME: no results`.
# The console gets one line per step, plus the log's tail on failure.
# STEP_TIMEOUT (seconds, default 1800) bounds each step. Exits 1 if the step
# failed.
set -euo pipefail

expect=0
if [ "$1" = --expect-results ]; then
	expect=1
	shift
fi
name=$1
log=$2
shift 2
timeout=${STEP_TIMEOUT:-1800}

mkdir -p "$(dirname "$log")"
start=$SECONDS
rc=0
timeout --kill-after=30 "$timeout" "$@" >"$log" 2>&1 </dev/null || rc=$?

npass=$(grep -c '^PASS ' "$log" || true)
nfail=$(grep -c '^FAIL ' "$log" || true)
if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL $name: timed out after ${timeout}s" >>"$log"
	else
		echo "FAIL $name: exited with status $rc" >>"$log"
	fi
	nfail=1
elif [ "$npass" -eq 0 ] && [ "$nfail" -eq 0 ]; then
	if [ "$expect" -eq 1 ]; then
		echo "FAIL $name: no results (no PASS/FAIL line)" >>"$log"
		nfail=1
	else
		echo "PASS $name" >>"$log"
		npass=1
	fi
fi

status=ok
[ "$nfail" -eq 0 ] || status=FAILED
printf '%-7s %-40s %4d passed, %d failed (%ds)\n' \
	"[$status]" "$name" "$npass" "$nfail" $((SECONDS - start))
if [ "$nfail" -ne 0 ]; then
	echo "        --- last lines of $log:"
	tail -n 25 "$log" | sed 's/^/        | /'
fi
[ "$nfail" -eq 0 ]
