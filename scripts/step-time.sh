#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one step of `make check` and record its wall time as "NAME SECONDS"
# in build/check/times.txt, for the table scripts/summary.sh prints.
# Usage: step-time.sh NAME CMD [ARGS...]; exits with CMD's status.
set -uo pipefail

name=$1
shift
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)/build/check
mkdir -p "$dir"
start=$SECONDS
"$@"
rc=$?
echo "$name $((SECONDS - start))" >>"$dir/times.txt"
exit "$rc"
