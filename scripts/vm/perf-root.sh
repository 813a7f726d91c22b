#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack host programs (perf, trace-cmd, bpftrace) with every library they
# load, at the same paths, into a tar a guest unpacks to / (make observe).
# With bpftrace, also the uAPI headers it compiles its programs against.
#
# Usage: perf-root.sh OUT.tar PROGRAM...
set -euo pipefail

out=$1
shift
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for prog in "$@"; do
	bin=$(command -v "$prog")
	for f in "$bin" $(ldd "$bin" | grep -oE '/[^ ]+'); do
		mkdir -p "$stage$(dirname "$f")"
		cp -L "$f" "$stage$f"
	done
	if [ "$prog" = bpftrace ]; then
		for d in /usr/include/linux /usr/include/asm-generic \
			/usr/include/x86_64-linux-gnu/asm; do
			mkdir -p "$stage$(dirname "$d")"
			cp -rL "$d" "$stage$d"
		done
	fi
done
tar -C "$stage" -cf "$out" .
