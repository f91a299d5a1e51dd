#!/usr/bin/env python3
"""Lists reads of the process environment in lib/ and cli/ that bypass lib/config/environment.hpp.

Usage: check-environment.py [ROOT]      (default: the repository this script is in)
       check-environment.py --self-test   (checks that a stray read is found and the allowed ones are not)

Every variable tailor reads is listed in lib/config/environment_list.hpp or the key registry, and
lib/config/environment.cpp is the one place that reads them (docs/config.md, "Environment
variables"). A call of getenv or secure_getenv anywhere else in lib/ or cli/ is reported, and so is
a use of `environ` outside environment.cpp and lib/util/process.cpp (which hands the environment to
child processes). Each is printed as `path:line: text`; the exit status is 1 when there is any.
"""
import pathlib
import re
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIRS = ("lib", "cli")
GETENV = re.compile(r"\b(?:secure_)?getenv\s*\(")
ENVIRON = re.compile(r"\benviron\b")
READER = "lib/config/environment.cpp"
ALLOWED = {GETENV: {READER}, ENVIRON: {READER, "lib/util/process.cpp"}}


def stray_reads(root):
    found = []
    for folder in DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in (".cpp", ".hpp") or not path.is_file():
                continue
            name = path.relative_to(root).as_posix()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for pattern, allowed in ALLOWED.items():
                    if name not in allowed and pattern.search(line):
                        found.append(f"{name}:{number}: {line.strip()}")
                        break
    return found


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        files = {
            READER: 'extern char** environ;\nconst char* v = std::getenv("X");\n',
            "lib/util/process.cpp": "char** env = environ;\n",
            "lib/fetch/stray.cpp": 'const char* v = std::getenv ("TAILOR_X");\n',
            "cli/stray.hpp": "auto v = ::secure_getenv(name);\n",
            "lib/platform/scan.cpp": "for (char** e = environ; *e; ++e) {}\n",
            "lib/platform/fine.cpp": "auto v = config::env_value(config::EnvVar::path);\n",
        }
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        found = sorted(line.split(":")[0] for line in stray_reads(root))
        expected = ["cli/stray.hpp", "lib/fetch/stray.cpp", "lib/platform/scan.cpp"]
        if found != expected:
            print(f"self-test: found {found}, expected {expected}")
            return 1
    print("self-test: ok")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(argv[1]).resolve() if len(argv) > 1 else ROOT
    found = stray_reads(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} read(s) of the environment outside {READER}; use config::env_value "
              "(lib/config/environment.hpp) and list the variable in lib/config/environment_list.hpp")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
