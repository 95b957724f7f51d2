"""An exercise's results as data: built or not, and each GoogleTest case's
status and failure text. `check --json` prints them; `grade` scores them.

The results come from the test program itself, run with GoogleTest's
--gtest_output=json:FILE, never from the text it prints for people. A
program that crashes or hangs writes no such file: then each case is run
on its own (one program per case, as ctest does), so that one crash costs
one case, not the exercise.
"""

import json
import re
import signal
import subprocess
from dataclasses import dataclass, field

# A whole test program's run, and one case's when the cases run one by
# one; ctest's limit per case is the same 60 s (cmake/CourseTargets.cmake).
PROGRAM_SECONDS = 180
CASE_SECONDS = 60


@dataclass
class CaseResult:
    name: str        # Suite.Case, as GoogleTest names it
    status: str      # "pass", "fail" or "skipped" (GTEST_SKIP: counts neither way)
    message: str     # GoogleTest's failure text, or why the case did not finish

    def as_json(self):
        return {"name": self.name, "status": self.status, "message": self.message}


@dataclass
class ExerciseResult:
    exercise: object
    status: str                      # "pass", "fail" or "error" (did not compile)
    message: str = ""                # for "error": the compiler's complaint
    tests: list = field(default_factory=list)
    # How many of its counted cases the untouched stub passes already
    # (grade measures it; 0 when unknown).
    baseline: int = 0

    @property
    def counted(self):
        """The cases that count: a skipped case says nothing of the code."""
        return [t for t in self.tests if t.status != "skipped"]

    @property
    def passing(self):
        return sum(t.status == "pass" for t in self.counted)

    @property
    def fraction(self):
        """The share of the work done: of the cases the untouched stub
        fails, how many pass now (a case the stub passed and this version
        fails takes one back); 0 when it does not compile."""
        counted = self.counted
        if self.status == "error" or not counted:
            return 0.0
        if self.status == "pass":
            return 1.0
        baseline = min(self.baseline, len(counted) - 1)
        return max(0, self.passing - baseline) / (len(counted) - baseline)

    def as_json(self):
        e = self.exercise
        return {"chapter": e.chapter, "name": e.name, "title": e.title,
                "files": e.paths(), "difficulty": e.difficulty, "points": e.points,
                "status": self.status, "message": self.message,
                "tests": [t.as_json() for t in self.tests]}


def compile_errors(log_text, relative=lambda text: text):
    """The compiler's complaint, trimmed to the errors and the lines around them."""
    lines = log_text.splitlines()
    picked = []
    for i, line in enumerate(lines):
        if re.search(r": (fatal )?error:|undefined reference", line):
            for j in range(max(0, i - 1), min(len(lines), i + 4)):
                if j not in picked:
                    picked.append(j)
    noise = re.compile(r"^(FAILED: |ninja: |/usr/bin/)")
    kept = [lines[j] for j in picked if not noise.match(lines[j])][:30]
    if not kept:
        kept = lines[-30:]
    return "\n".join(relative(line) for line in kept)


def _read_gtest_json(path):
    """[CaseResult] from a --gtest_output=json file; None if there is none
    (the program died before GoogleTest could write it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    cases = []
    for suite in data.get("testsuites", []):
        for case in suite.get("testsuite", []):
            if case.get("status") == "NOTRUN":  # DISABLED_ cases
                continue
            failures = [f.get("failure", "") for f in case.get("failures", [])]
            if failures:
                status = "fail"
            elif case.get("result") == "SKIPPED":
                status = "skipped"
            else:
                status = "pass"
            cases.append(CaseResult(f"{suite.get('name')}.{case.get('name')}", status,
                                    "\n".join(failures).strip()))
    return cases


def _list_cases(program, cwd):
    result = subprocess.run([str(program), "--gtest_list_tests"], cwd=cwd, capture_output=True,
                            text=True, timeout=CASE_SECONDS)
    cases, suite = [], ""
    for line in result.stdout.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        else:
            name = line.split("#")[0].strip()
            if not name.startswith("DISABLED_") and not suite.startswith("DISABLED_"):
                cases.append(suite + name)
    return cases


def _how_it_ended(status, seconds=None):
    if status is None:
        return f"it did not finish in {seconds} s: an endless loop, or waiting for data that never comes"
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = str(-status)
        return f"it was killed by signal {name} before GoogleTest could report"
    return f"it exited with status {status} before GoogleTest could report: a call to exit()?"


def _run(argv, cwd, seconds):
    """The exit status, or None when the time ran out."""
    try:
        return subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=seconds).returncode
    except subprocess.TimeoutExpired:
        return None


def run_program(program, cwd, scratch):
    """[CaseResult] of a built GoogleTest program."""
    out = scratch / f"{program.name}.json"
    out.unlink(missing_ok=True)
    status = _run([str(program), f"--gtest_output=json:{out}"], cwd, PROGRAM_SECONDS)
    cases = _read_gtest_json(out)
    if cases is not None and status is not None:
        return cases
    # It crashed or hung: one case at a time.
    results = []
    for index, name in enumerate(_list_cases(program, cwd)):
        one = scratch / f"{program.name}.{index}.json"
        one.unlink(missing_ok=True)
        status = _run([str(program), f"--gtest_filter={name}", f"--gtest_output=json:{one}"],
                      cwd, CASE_SECONDS)
        found = _read_gtest_json(one) if status is not None else None
        if found:
            results.extend(found)
        else:
            results.append(CaseResult(name, "fail", _how_it_ended(status, CASE_SECONDS)))
    return results


def run_exercise(build_dir, exercise, scratch, relative=lambda text: text):
    """Builds an exercise's program in a configured tree and runs it."""
    log = scratch / f"{exercise.chapter}_{exercise.name}.build"
    with open(log, "w", encoding="utf-8") as out:
        built = subprocess.run(["cmake", "--build", str(build_dir), "--target", exercise.target],
                               stdout=out, stderr=subprocess.STDOUT).returncode == 0
    if not built:
        text = log.read_text(encoding="utf-8", errors="replace")
        return ExerciseResult(exercise, "error", compile_errors(text, relative))
    cases = run_program(build_dir / "bin" / exercise.target, build_dir, scratch)
    for case in cases:
        case.message = relative(case.message)
    failed = any(c.status == "fail" for c in cases)
    passed = any(c.status == "pass" for c in cases)
    return ExerciseResult(exercise, "pass" if passed and not failed else "fail", "", cases)
