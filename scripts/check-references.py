#!/usr/bin/env python3
"""Lists section references (the '§' sign) in lib/, cli/, tests/ and docs/ whose target is not a
file of this repository.

Usage: check-references.py [ROOT]      (default: the repository this script is in)

A reference resolves when the text before the '§' on its line names a Markdown file that exists
in the repository (`docs/planning.md §2`, or `planning.md §2` for a file under docs/). Each
dangling reference is printed as `path:line: text`; the exit status is 1 when there is any.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
FILE = re.compile(r"([\w./-]+\.md)\b")
DIRS = ("lib", "cli", "tests", "docs")


def resolves(name):
    name = name.lstrip("./")
    return (ROOT / name).is_file() or (ROOT / "docs" / name).is_file()


def main():
    dangling = 0
    for top in DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file():
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            for number, line in enumerate(lines, 1):
                start = 0
                while (at := line.find("§", start)) >= 0:
                    start = at + 1
                    names = FILE.findall(line[:at])
                    if names and resolves(names[-1]):
                        continue
                    dangling += 1
                    print(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    if dangling:
        print(f"check-references: {dangling} references name no file of this repository", file=sys.stderr)
    return 1 if dangling else 0


if __name__ == "__main__":
    sys.exit(main())
