#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command under the machine-wide kernel-build lock: this 2-core box
# builds one kernel at a time. Usage: kbuild-lock.sh CMD [ARGS...]
#
# A caller that already holds the lock (for example `flock LOCK make kunit`,
# or this script further up the process tree) passes its descriptor down;
# locking that same descriptor again succeeds at once instead of deadlocking.
set -euo pipefail

LOCK=/tmp/llfree-kbuild.lock

fd=
for f in /proc/"$$"/fd/*; do
	if [ "$(readlink "$f" 2>/dev/null)" = "$LOCK" ]; then
		fd=${f##*/}
		break
	fi
done
if [ -z "$fd" ]; then
	exec 8>>"$LOCK"
	fd=8
fi
if ! flock -n "$fd"; then
	echo "kbuild-lock: waiting for $LOCK (another kernel build is running)" >&2
	flock "$fd"
fi
exec "$@"
