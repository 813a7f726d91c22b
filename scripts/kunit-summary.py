#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn kunit.py's --json output (one file per module) into the `make check`
result protocol.

Prints one line per suite, `PASS kunit.<suite>.<case>` / `FAIL ...` /
`SKIP ...` per case (parameterised cases get their parameter as a third
part), each failed case followed by its own KTAP diagnostics (KUnit's
expectation messages, indented, so that a CI log says why without the
console; read from the .ktap beside each .json), and `N passed, N failed`
last. Exit status 1 if anything failed or
nothing passed at all (an empty run must not look like a green one).
"""
import json
import re
import sys


def cases(group, path):
    """Yield (dotted name, status) for every leaf test below group."""
    for case in group.get('test_cases', []):
        yield '.'.join(path + [case['name']]), case['status']
    for sub in group.get('sub_groups', []):
        yield from cases(sub, path + [sub['name']])


# Diagnostic lines kept per failed case: the expectations, not a whole trace.
DETAIL_LINES = 16
RESULT = re.compile(r'^\s*(not )?ok \d+ (\S+)')


def ktap_details(path):
    """Map each failed case's name in a KTAP file to its diagnostic lines."""
    details, pending = {}, []
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                # kunit.py strips the console's timestamps the same way.
                line = re.sub(r'^\[\s*[0-9.]+\]\s?', '', line.rstrip())
                result = RESULT.match(line)
                if result:
                    if result.group(1):
                        details[result.group(2)] = pending[-DETAIL_LINES:]
                    pending = []
                elif line.strip().startswith('#'):
                    pending.append(line.strip())
                elif pending and line.strip():
                    # The lines an expectation message continues on.
                    pending.append(line.strip())
    except OSError:
        pass
    return details


def main():
    suites = []
    details = {}
    for path in sys.argv[1:]:
        details.update(ktap_details(re.sub(r'\.json$', '.ktap', path)))
        with open(path, encoding='utf-8') as f:
            top = json.load(f)
        # Suites are the top-level groups; a top-level leaf is a suite that
        # produced no cases (it failed to initialise, or crashed early).
        suites += [(s['name'], list(cases(s, [s['name']])))
                   for s in top.get('sub_groups', [])]
        suites += [(c['name'], [(c['name'], c['status'])])
                   for c in top.get('test_cases', [])]

    passed = failed = 0
    lines = []
    for suite, results in suites:
        count = {'PASS': 0, 'SKIP': 0, 'FAIL': 0}
        for name, status in results:
            why = ''
            detail = []
            if status not in ('PASS', 'SKIP'):
                why = f': {status} (see build/kunit/console.log)'
                status = 'FAIL'
                detail = details.get(name.split('.')[-1], [])
            count[status] += 1
            name = re.sub(r'\s+', '_', name)
            lines.append(f'{status} kunit.{name}{why}')
            lines += ['    | ' + line for line in detail]
        if not results:
            count['FAIL'] += 1
            lines.append(f'FAIL kunit.{suite}: suite ran no test cases')
        passed += count['PASS']
        failed += count['FAIL']
        print(f"suite {suite}: {count['PASS']} passed, {count['FAIL']} failed, "
              f"{count['SKIP']} skipped")
    for line in lines:
        print(line)
    if passed == 0 and failed == 0:
        print('FAIL kunit: no test case passed (did any suite run?)')
        failed = 1
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
