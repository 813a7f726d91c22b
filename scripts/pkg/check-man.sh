#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man pages (man/) against what they document. Prints PASS/FAIL lines
# (pkg.man.*); exits 1 on any failure.
#  - each page formats without a groff/man warning (what lintian runs);
#  - morsel(4), ERRORS: for every ioctl and mapping call, the same errno
#    names as the tables of docs/morsel.md, "Errors" (and no call more or
#    less);
#  - libmorsel(3): every function of libmorsel.map in NAME and SYNOPSIS,
#    and its EXAMPLES program compiles and links against libmorsel;
#  - morselctl(1): every command morselctl.c accepts under COMMANDS;
#  - README.md links all three.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
rc=0
pass() { echo "PASS pkg.man.$1"; }
fail() {
	echo "FAIL pkg.man.$1: $2"
	rc=1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for page in man/morselctl.1 man/libmorsel.3 man/morsel.4; do
	name=$(basename "$page")
	if ! command -v man >/dev/null; then
		fail "$name.format" "man (man-db) missing"
		continue
	fi
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
		"$page" 2>&1 >/dev/null) || warn="man failed: $warn"
	if [ -z "$warn" ]; then
		pass "$name.format"
	else
		fail "$name.format" "$(echo "$warn" | head -n 3 | tr '\n' ' ')"
	fi
done

# --------------------------------------------------- morsel(4) vs docs
# One line per call: "KEY: ERRNO ERRNO ..." (sorted, unique).
errnos() { grep -oE '(^|[^A-Za-z0-9_])E[A-Z0-9]{2,}([^A-Za-z0-9_]|$)' | grep -oE 'E[A-Z0-9]+' | sort -u | tr '\n' ' '; }
# docs/morsel.md, "## Errors": table rows "| `CALL` | ... |".
sed -n '/^## Errors/,/^## /p' docs/morsel.md | grep -E '^\| `' | while IFS= read -r row; do
	key=$(echo "$row" | cut -d'|' -f2 | tr -d '`' | sed 's/^ *//; s/ *$//')
	echo "$key: $(echo "$row" | cut -d'|' -f3- | errnos)"
done | sort >"$tmp/docs"
# morsel.4, ".SH ERRORS": one ".SS MORSEL_IOC_CALL" (or ".SS call") each.
awk '/^\.SH /{ in_err = ($0 ~ /^\.SH ERRORS/) } in_err' man/morsel.4 |
	awk -v dir="$tmp" '/^\.SS /{ key = substr($0, 5); sub(/^MORSEL_IOC_/, "", key); n++; print key > (dir "/keys"); next }
		key != "" { print > (dir "/sec." n) }'
n=0
while IFS= read -r key; do
	n=$((n + 1))
	echo "$key: $(errnos <"$tmp/sec.$n" 2>/dev/null || true)"
done <"$tmp/keys" | sort >"$tmp/man"
if [ ! -s "$tmp/docs" ] || [ ! -s "$tmp/man" ]; then
	fail morsel.4.errors "no errno tables found (docs: $(wc -l <"$tmp/docs"), man: $(wc -l <"$tmp/man"))"
elif diff=$(diff "$tmp/docs" "$tmp/man"); then
	pass "morsel.4.errors ($(wc -l <"$tmp/man") calls, same errnos as docs/morsel.md)"
else
	fail morsel.4.errors "docs/morsel.md (<) and man/morsel.4 (>) differ: $(echo "$diff" | grep '^[<>]' | tr '\n' ' ')"
fi

# ------------------------------------------------------------ libmorsel(3)
exports=$(sed -n 's/^[[:space:]]*\(morsel_[a-z0-9_]*\);$/\1/p' tools/morsel/libmorsel.map)
name_sec=$(sed -n '/^\.SH NAME/,/^\.SH /p' man/libmorsel.3)
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' man/libmorsel.3)
missing=()
for f in $exports; do
	grep -qE "(^|[ ,])$f(,|\$| )" <<<"$name_sec" && grep -qE "[ *]$f\(" <<<"$synopsis" ||
		missing+=("$f")
done
if [ ${#missing[@]} -eq 0 ] && [ -n "$exports" ]; then
	pass "libmorsel.3.functions ($(wc -w <<<"$exports") in NAME and SYNOPSIS)"
else
	fail libmorsel.3.functions "not in NAME or SYNOPSIS: ${missing[*]:-no exports found}"
fi
# The example, as a reader would copy it: roff escapes undone.
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' man/libmorsel.3 | sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' |
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' >"$tmp/example.c"
if [ -s "$tmp/example.c" ] &&
	cc -std=gnu11 -Wall -Wextra -Werror -Itools/morsel -Iinclude/uapi -fsyntax-only \
		"$tmp/example.c" 2>"$tmp/example.log"; then
	pass "libmorsel.3.example-compiles"
else
	fail libmorsel.3.example-compiles "$(head -n 3 "$tmp/example.log" 2>/dev/null | tr '\n' ' ')"
fi

# ------------------------------------------------------------ morselctl(1)
cmds=$(grep -oE 'strcmp\((cmd|argv\[0\]), "[a-z]+"\)' tools/morsel/morselctl.c |
	sed 's/.*"\(.*\)")/\1/' | sort -u)
commands=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' man/morselctl.1 | grep -E '^\.BR? ')
missing=()
for c in $cmds; do
	grep -qE "^\.BR? (\"?)$c(\"| |\$)" <<<"$commands" || missing+=("$c")
done
if [ ${#missing[@]} -eq 0 ] && [ -n "$cmds" ]; then
	pass "morselctl.1.commands ($(wc -w <<<"$cmds") commands)"
else
	fail morselctl.1.commands "not under COMMANDS: ${missing[*]:-no commands found in morselctl.c}"
fi

# ------------------------------------------------------------ README
missing=()
for page in man/morselctl.1 man/libmorsel.3 man/morsel.4; do
	grep -q "]($page)" README.md || missing+=("$page")
done
if [ ${#missing[@]} -eq 0 ]; then
	pass readme-links
else
	fail readme-links "README.md does not link ${missing[*]}"
fi
exit $rc
