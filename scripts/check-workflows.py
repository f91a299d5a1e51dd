#!/usr/bin/env python3
"""Checks GitHub Actions workflow files for the mistakes that otherwise surface only on GitHub.

Usage: check-workflows.py [DIR]      (default: .github/workflows)
       check-workflows.py --self-test

Each problem is printed as `file: job/step: message`; the exit status is 1 when there is any.
Beyond parsing the YAML it checks: required keys, every step has exactly one of run/uses,
pinned action references, balanced ${{ }} expressions, `needs` naming real jobs, `inputs.X`,
`matrix.X` and `steps.ID.outputs` naming things that exist, workflow input types, and that
the CMake/CTest presets and repository scripts the commands use exist.
Exit status 77 (CTest's skip code) when PyYAML is not installed.
"""
import json
import pathlib
import re
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("check-workflows: python3-yaml is not installed; skipping", file=sys.stderr)
    sys.exit(77)

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
INPUT_TYPES = {"string", "boolean", "number", "choice", "environment"}


def load_presets(root):
    path = root / "CMakePresets.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return {kind: {p["name"] for p in data.get(kind, [])}
            for kind in ("configurePresets", "buildPresets", "testPresets")}


def strings_in(node):
    """Yields every string value below node."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def matrix_keys(strategy):
    """Dotted names a matrix defines (top-level keys and keys of dict entries)."""
    keys = set()
    matrix = (strategy or {}).get("matrix") or {}
    if not isinstance(matrix, dict):
        return None  # a matrix from an expression: nothing to check against
    for key, value in matrix.items():
        entries = value if isinstance(value, list) else [value]
        if key == "include":
            for entry in entries:
                if isinstance(entry, dict):
                    keys.update(entry.keys())
            continue
        if key == "exclude":
            continue
        keys.add(key)
        for entry in entries:
            if isinstance(entry, dict):
                keys.update(f"{key}.{sub}" for sub in entry)
    return keys


def check_commands(text, where, presets, root, problems):
    for kind, option in (("configurePresets", r"cmake\s+--preset"), ("buildPresets", r"cmake\s+--build\s+--preset"),
                         ("testPresets", r"ctest\s+--preset")):
        for name in re.findall(option + r"\s+([\w.-]+)", text):
            if presets is not None and name not in presets[kind]:
                problems.append(f"{where}: preset '{name}' is not a {kind[:-1]} in CMakePresets.json")
    for script in re.findall(r"(?:^|\s)(?:bash|python3|sh)\s+((?:\./)?(?:scripts|\.ci|bench)/[\w./-]+)", text):
        if not (root / script).exists():
            problems.append(f"{where}: '{script}' does not exist in the repository")


def check_inputs(inputs, where, problems):
    for name, spec in (inputs or {}).items():
        if not isinstance(spec, dict):
            problems.append(f"{where}: input '{name}' must be a mapping")
            continue
        kind = spec.get("type")
        if kind not in INPUT_TYPES:
            problems.append(f"{where}: input '{name}' has type {kind!r}, expected one of {sorted(INPUT_TYPES)}")
        if "default" in spec and kind == "boolean" and not isinstance(spec["default"], bool):
            problems.append(f"{where}: boolean input '{name}' has a non-boolean default")
        if "required" in spec and not isinstance(spec["required"], bool):
            problems.append(f"{where}: input '{name}': required must be true or false")


def check_workflow(path, presets, root):
    problems = []
    name = path.name
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        return [f"{name}: not valid YAML: {error}"]
    if not isinstance(doc, dict):
        return [f"{name}: a workflow must be a mapping"]
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as true
    if triggers is None:
        problems.append(f"{name}: no 'on' triggers")
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        return problems + [f"{name}: no jobs"]

    declared_inputs = set()
    if isinstance(triggers, dict):
        for event in ("workflow_call", "workflow_dispatch"):
            spec = triggers.get(event) or {}
            check_inputs(spec.get("inputs"), f"{name}: on.{event}", problems)
            declared_inputs.update((spec.get("inputs") or {}).keys())

    for text in strings_in(doc):
        if text.count("${{") != text.count("}}"):
            problems.append(f"{name}: unbalanced expression in {text.strip()[:60]!r}")
        for expr in EXPR.findall(text):
            for used in re.findall(r"\binputs\.([\w-]+)", expr):
                if used not in declared_inputs:
                    problems.append(f"{name}: inputs.{used} is used but not declared")

    for job_id, job in jobs.items():
        where = f"{name}: {job_id}"
        if not isinstance(job, dict):
            problems.append(f"{where}: a job must be a mapping")
            continue
        if "runs-on" not in job and "uses" not in job:
            problems.append(f"{where}: needs 'runs-on' (or 'uses' for a reusable workflow)")
        needs = job.get("needs", [])
        for needed in [needs] if isinstance(needs, str) else needs:
            if needed not in jobs:
                problems.append(f"{where}: needs unknown job '{needed}'")
        keys = matrix_keys(job.get("strategy"))
        step_ids = {step.get("id") for step in job.get("steps", []) if isinstance(step, dict)}
        for text in strings_in(job):
            for expr in EXPR.findall(text):
                for used in re.findall(r"\bmatrix\.([\w.-]+)", expr):
                    if keys is not None and used not in keys:
                        problems.append(f"{where}: matrix.{used} is not defined by the job's matrix")
                for used in re.findall(r"\bsteps\.([\w-]+)\.", expr):
                    if used not in step_ids:
                        problems.append(f"{where}: steps.{used} refers to no step id of this job")
        for index, step in enumerate(job.get("steps", [])):
            step_where = f"{where}/step {index + 1}"
            if not isinstance(step, dict):
                problems.append(f"{step_where}: a step must be a mapping")
                continue
            if ("run" in step) == ("uses" in step):
                problems.append(f"{step_where}: needs exactly one of 'run' and 'uses'")
            uses = step.get("uses")
            if isinstance(uses, str) and not uses.startswith("./") and "@" not in uses:
                problems.append(f"{step_where}: '{uses}' is not pinned to a version (add @ref)")
            if isinstance(step.get("run"), str):
                check_commands(step["run"], step_where, presets, root, problems)
    return problems


def check_directory(directory, root):
    presets = load_presets(root)
    files = sorted(list(directory.glob("*.yml")) + list(directory.glob("*.yaml")))
    if not files:
        return [f"{directory}: no workflow files"], 0
    problems = []
    for path in files:
        problems.extend(check_workflow(path, presets, root))
    return problems, len(files)


def self_test():
    """Feeds known-bad workflows through the checks and expects each problem to be found."""
    cases = {
        "no-runs-on": ("on: push\njobs:\n  a:\n    steps:\n      - run: true\n", "needs 'runs-on'"),
        "both": ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: true\n        uses: a/b@v1\n",
                 "exactly one of"),
        "unpinned": ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout\n",
                     "not pinned"),
        "needs": ("on: push\njobs:\n  a:\n    runs-on: x\n    needs: b\n    steps:\n      - run: true\n",
                  "needs unknown job 'b'"),
        "input": ("on:\n  workflow_call:\n    inputs:\n      p: {type: string}\njobs:\n  a:\n    runs-on: x\n"
                  "    steps:\n      - run: echo ${{ inputs.q }}\n", "inputs.q is used but not declared"),
        "matrix": ("on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        cc: [gcc]\n"
                   "    steps:\n      - run: echo ${{ matrix.cxx }}\n", "matrix.cxx is not defined"),
        "preset": ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: cmake --preset nope\n",
                   "preset 'nope'"),
        "script": ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: bash scripts/nope.sh\n",
                   "'scripts/nope.sh' does not exist"),
        "yaml": ("on: push\njobs: [\n", "not valid YAML"),
        "type": ("on:\n  workflow_dispatch:\n    inputs:\n      p: {type: text}\njobs:\n  a:\n    runs-on: x\n"
                 "    steps:\n      - run: true\n", "has type 'text'"),
    }
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case, (text, expected) in cases.items():
            path = pathlib.Path(tmp) / f"{case}.yml"
            path.write_text(text)
            problems = check_workflow(path, load_presets(ROOT), ROOT)
            if not any(expected in p for p in problems):
                failures += 1
                print(f"self-test {case}: expected a problem containing {expected!r}, got {problems}")
        good = pathlib.Path(tmp) / "good.yml"
        good.write_text("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
                        "      - run: cmake --preset ci && ctest --preset ci\n")
        problems = check_workflow(good, load_presets(ROOT), ROOT)
        if problems:
            failures += 1
            print(f"self-test good: expected no problems, got {problems}")
    print(f"self-test: {len(cases) + 1 - failures} of {len(cases) + 1} cases passed")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    directory = pathlib.Path(argv[1]) if len(argv) > 1 else ROOT / ".github" / "workflows"
    problems, count = check_directory(directory, ROOT)
    for problem in problems:
        print(problem)
    print(f"{count} workflow files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
