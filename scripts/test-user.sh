#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and run the user-space tests for every compiler and variant; one log
# per build and per program under build/check/.
# Usage (from the Makefile): CCS=... VARIANTS=... TESTS=... test-user.sh MAKE
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
make=("$@")
# Builds in parallel unless the caller's make already hands out job slots.
if [[ "${MAKEFLAGS:-}" != *jobserver* && "${MAKEFLAGS:-}" != *-j* ]]; then
	make+=(-j"$(nproc)")
fi
logs=build/check
# Stop at the first report: a sanitizer finding is a failure, not a warning.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

rc=0
for cc in $CCS; do
	for v in $VARIANTS; do
		# A failed build must not leave older programs behind to be run.
		for t in $TESTS; do
			rm -f "build/$cc/$v/$t"
		done
		if ! scripts/run-step.sh "build.$cc.$v" "$logs/build-$cc-$v.log" \
			"${make[@]}" "user-$cc-$v"; then
			rc=1
		fi
		run=()
		# TSan needs its shadow memory at fixed addresses, which older
		# runtimes fail to get under high ASLR entropy; run it without ASLR.
		[ "$v" = tsan ] && run=(setarch "$(uname -m)" -R)
		for t in $TESTS; do
			if ! scripts/run-step.sh --expect-results "user.$cc.$v.$t" "$logs/user-$cc-$v-$t.log" \
				"${run[@]}" "build/$cc/$v/$t"; then
				rc=1
			fi
		done
	done
done
exit $rc
