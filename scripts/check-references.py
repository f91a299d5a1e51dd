#!/usr/bin/env python3
"""Lists references in lib/, cli/, tests/, docs/, recipes/, testdata/ and bench/ whose target is
not in this repository.

Usage: check-references.py [ROOT]      (default: the repository this script is in)
       check-references.py --self-test   (checks that each kind of dangling reference is found)

Code and docs cite the project's own pages, as `(docs/recipe-authoring.md, "Limits")`. Three
kinds of reference are checked:

* a section sign: it resolves when the text before the '§' on its line names a Markdown file
  that exists in the repository (`docs/planning.md §2`, or `planning.md §2` for a file under
  docs/);
* a Markdown file name (`docs/planning.md`, `planning.md` beside it, `../README.md`): the file
  must exist, under ROOT, under docs/ or relative to the citing file;
* a heading cited after a docs page (`docs/planning.md, "Golden files"`): some heading of that
  page must contain the quoted text (case and backticks ignored); a quotation that the line
  break cuts off must begin a heading.

Each dangling reference is printed as `path:line: text`; the exit status is 1 when there is any.
"""
import io
import pathlib
import re
import sys
import tempfile
from contextlib import redirect_stdout

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILE = re.compile(r"([\w./-]+\.md)\b")
# A file name as written in prose or a link; roff font escapes (\fI...\fR) are removed first.
NAME = re.compile(r"(?<![\w/.-])((?:\.\./|\./)*[\w./-]*?[\w-]+\.md)\b")
ROFF = re.compile(r"\\f[BIRP]")
URL = re.compile(r"\w+://\S+")
# `docs/x.md, "Heading"` or `[x.md](x.md), "Heading"`: the quoted text up to its closing quote,
# or to the end of the line.
CITED = re.compile(r"([\w-]+\.md)\)?,\s*\"([^\"]*)(\"?)")
DIRS = ("lib", "cli", "tests", "docs", "recipes", "testdata", "bench")


def resolve(name, citing=None):
    """The file a name refers to, or None."""
    candidates = [ROOT / name.lstrip("./"), ROOT / "docs" / name.lstrip("./")]
    if citing is not None:
        candidates.append(citing.parent / name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    return None


def normal(text):
    return text.replace("`", "").strip().lower()


HEADINGS = {}


def headings(page):
    if page not in HEADINGS:
        found, fenced = [], False
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced and line.startswith("#"):
                found.append(normal(line.lstrip("#")))
        HEADINGS[page] = found
    return HEADINGS[page]


def problems(path, line):
    """Why each reference on one line dangles (empty when none does)."""
    found = []
    start = 0
    while (at := line.find("§", start)) >= 0:
        start = at + 1
        names = FILE.findall(line[:at])
        if not (names and resolve(names[-1])):
            found.append("section sign without a file of this repository")
    plain = URL.sub("", ROFF.sub("", line))
    for name in NAME.findall(plain):
        if resolve(name, path) is None:
            found.append(f"{name} is not a file of this repository")
    for name, heading, closed in CITED.findall(plain):
        page = resolve(name, path)
        if page is None or page.suffix != ".md" or not heading.strip():
            continue
        wanted = normal(heading)
        if closed:
            ok = any(wanted in h for h in headings(page))
        else:
            ok = any(h.startswith(wanted) for h in headings(page))
        if not ok:
            found.append(f'{name} has no heading "{heading}"')
    return found


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
                for why in problems(path, line):
                    dangling += 1
                    print(f"{path.relative_to(ROOT)}:{number}: {why}: {line.strip()}")
    if dangling:
        print(f"check-references: {dangling} references name nothing in this repository", file=sys.stderr)
    return 1 if dangling else 0


SELF_TEST_PAGE = "# Page\n\n## Golden files\n\n```sh\n# not a heading\n```\n"
SELF_TEST_CODE = {
    # line: whether it must be reported
    "// the family policy of §7.3": True,
    "// see recipes-and-plans.md for the rules": True,
    "// (docs/missing.md, \"Golden files\")": True,
    "// (docs/page.md, \"Nope\")": True,
    "// (docs/page.md, \"not a heading\")": True,
    "// (docs/page.md, \"Gold files\")": True,
    "// (docs/page.md §2)": False,
    "// (docs/page.md, \"Golden files\")": False,
    "// (docs/page.md, \"`golden` FILES\")": False,
    "// (docs/page.md, \"Golden": False,
    "// [page.md](page.md), \"Golden files\"": False,
    "// https://example.org/raw/README.md": False,
}


def self_test():
    global ROOT
    with tempfile.TemporaryDirectory() as scratch:
        ROOT = pathlib.Path(scratch)
        (ROOT / "docs").mkdir()
        (ROOT / "lib").mkdir()
        (ROOT / "docs" / "page.md").write_text(SELF_TEST_PAGE, encoding="utf-8")
        (ROOT / "lib" / "a.cpp").write_text("\n".join(SELF_TEST_CODE) + "\n", encoding="utf-8")
        out = io.StringIO()
        with redirect_stdout(out):
            status = main()
        reported = {int(line.split(":")[1]) for line in out.getvalue().splitlines()}
    failures = 0
    for number, (line, expected) in enumerate(SELF_TEST_CODE.items(), 1):
        if (number in reported) != expected:
            failures += 1
            print(f"self-test: {'missed' if expected else 'wrongly reported'}: {line}")
    if status != 1:
        failures += 1
        print(f"self-test: exit status {status}, expected 1")
    print(f"self-test: {len(SELF_TEST_CODE) - failures} of {len(SELF_TEST_CODE)} cases as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if len(sys.argv) > 1:
        ROOT = pathlib.Path(sys.argv[1])
    sys.exit(main())
