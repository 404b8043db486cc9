#!/usr/bin/env python3
"""Fails when a public Swift declaration under Sources/ has no `///` doc comment.

A declaration is a line whose first keyword is `public` or `open` (after attributes such as
`@inlinable` or `@c(...)`), declaring a type, function, initializer, property, subscript, case or
typealias. Its documentation is the `///` block right above it; attribute lines (`@...`) between the
two are allowed. Members of a `public enum` written as `case a, b` count once. `public` in an
`extension` header line is not a declaration of its own.

Usage: tools/check_public_docs.py [SOURCES_DIR]   (default: Sources). Exit status 1 lists them.
"""
import os
import re
import sys

DECL = re.compile(
    r'^\s*(?:@[\w().,: "]+\s+)*(?:public|open)\s+(?:(?:static|final|class|override|mutating|nonisolated|'
    r'convenience|required|indirect|lazy|(?:private|fileprivate|internal)\(set\))\s+)*'
    r'(?:func|init|var|let|struct|enum|class|protocol|typealias|case|subscript|actor)\b')


def undocumented(path):
    missing = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for i, line in enumerate(lines):
        if not DECL.match(line):
            continue
        j = i - 1
        while j >= 0 and lines[j].strip().startswith('@'):
            j -= 1
        if j >= 0 and lines[j].strip().startswith('///'):
            continue
        # A trailing `///<` style or an inline doc on the same line does not exist in Swift; report.
        missing.append((i + 1, line.strip()))
    return missing


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else 'Sources'
    total = 0
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith('.swift'):
                continue
            path = os.path.join(dirpath, name)
            for line, text in undocumented(path):
                print(f'{path}:{line}: undocumented public declaration: {text[:100]}')
                total += 1
    if total:
        print(f'check_public_docs: {total} public declaration(s) without a /// doc comment', file=sys.stderr)
        return 1
    print('check_public_docs: every public declaration is documented')
    return 0


if __name__ == '__main__':
    sys.exit(main())
