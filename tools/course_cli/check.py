"""Build your exercises of a chapter (or one of them), run their tests, and
explain what went wrong with the first that fails."""

import contextlib
import json
import re
import signal
import subprocess
import sys

from . import book, output, pristine, results
from .chapters import next_after
from .output import bold, dim, green, red, yellow

NAME = "check"
USAGE = "./course check chNN [NAME] [--json]"


def add_arguments(parser):
    parser.add_argument("chapter")
    parser.add_argument("name", nargs="?")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document: each exercise, its status and its tests")


class Outcome:
    """How one exercise fared: built or not, and its test results."""

    def __init__(self, exercise, build_log, built, results):
        self.exercise = exercise
        self.build_log = build_log
        self.built = built
        self.results = results

    @property
    def failed(self):
        return [r for r in self.results if not r.passed]

    @property
    def passed(self):
        return self.built and bool(self.results) and not self.failed

    @property
    def verdict(self):
        if not self.built:
            return "does not compile"
        if not self.results:
            return "has no tests"
        return "pass" if self.passed else "fails its tests"


def run(course, args):
    chapter = course.chapter(args.chapter)
    exercises = course.exercises_of(chapter)
    if args.name is not None:
        exercises = [course.exercise(chapter, args.name)]
    if args.json:
        return _run_json(course, chapter, exercises)
    _warn_if_tests_changed(course)
    if not exercises:
        print(f"{chapter.id} has no exercises yet.")
        return 0

    if args.name is not None:
        print(f"Checking {chapter.id} {args.name} (your {', '.join(exercises[0].paths())})…",
              flush=True)
    else:
        print(f"Checking {len(exercises)} exercises of {chapter.id} "
              f"(your files in exercises/{chapter.id}/)…", flush=True)
    if not course.build.is_configured():
        print("(The first check configures build/ and compiles the chapter: a minute or two.)",
              flush=True)
        course.build.configure(quiet=True)

    logs = course.temp_dir()
    outcomes = []
    for exercise in exercises:
        outcome = _check_one(course, exercise, logs)
        outcomes.append(outcome)
        course.progress.record(exercise, "pass" if outcome.passed else "fail")
        if outcome.passed:
            print(f"  {green('✓')} {exercise.title}", flush=True)
        else:
            print(f"  {red('✗')} {exercise.title}  {dim(f'({outcome.verdict})')}", flush=True)

    failing = [o for o in outcomes if not o.passed]
    if failing:
        _explain(course, chapter, failing[0], one=args.name is not None)
    elif args.name is None:
        _congratulate(course, chapter)

    passed = len(outcomes) - len(failing)
    print()
    if args.name is not None:
        verdict = "passes" if not failing else failing[0].verdict
        print(bold(f"{chapter.id} {args.name}: {verdict}"))
    else:
        print(bold(f"{chapter.id}: {passed}/{len(outcomes)} exercises pass"))
    return 0 if not failing else 1


def _warn_if_tests_changed(course, file=None):
    """In a student release, says which of the files it was released with
    differ now: ./course grade runs the released copies, not these."""
    changed = pristine.changed_files(course.root)
    if changed:
        shown = " ".join(changed[:10]) + (f" (and {len(changed) - 10} more)" if len(changed) > 10 else "")
        output.note(f"these files differ from the release: {shown}. This check runs them as they "
                    "are; ./course grade runs the released copies.", file=file)


def _run_json(course, chapter, exercises):
    """One JSON document on stdout and nothing else: everything a person
    would read (cmake's words on a failed configure, notes) goes to stderr."""
    document = {"chapter": chapter.id, "title": chapter.title, "exercises": []}
    with contextlib.redirect_stdout(sys.stderr):
        _warn_if_tests_changed(course, file=sys.stderr)
        if exercises:
            course.build.ensure_configured(quiet=True)
        scratch = course.temp_dir()
        for exercise in exercises:
            result = results.run_exercise(course.build.dir, exercise, scratch, course.relative)
            course.progress.record(exercise, "pass" if result.status == "pass" else "fail")
            document["exercises"].append(result.as_json())
    statuses = [e["status"] for e in document["exercises"]]
    document["passed"] = statuses.count("pass")
    document["total"] = len(statuses)
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0 if document["passed"] == document["total"] else 1


def _check_one(course, exercise, logs):
    log = logs / f"{exercise.name}.build"
    if not course.build.build_quietly(exercise.target, log):
        return Outcome(exercise, log, False, [])
    results = course.build.run_tests(exercise.label, logs / f"{exercise.name}.xml")
    return Outcome(exercise, log, True, results)


def _explain(course, chapter, outcome, one):
    exercise = outcome.exercise
    print()
    first = "To fix" if one else "First to fix"
    print(f"{bold(f'{first}: {exercise.name}')}  ({' '.join(exercise.paths())})")
    if not outcome.built:
        print("  It does not compile:")
        print(_compile_errors(course, outcome.build_log))
    elif not outcome.results:
        print(f"  ctest found no test labelled {exercise.label}: is the build tree up to date?"
              f" Try: cmake --preset {course.build.preset}")
    else:
        _explain_test(course, exercise, outcome.failed)
    _point_to_help(course, exercise)
    again = f"./course check {chapter.id}" + (f" {exercise.name}" if one else "")
    print(f"  Fix it, then run {again} again.")


def _compile_errors(course, log):
    text = results.compile_errors(log.read_text(encoding="utf-8", errors="replace"),
                                  course.relative)
    return "\n".join("    " + line for line in text.splitlines())


# GoogleTest's banner and summary lines, which say nothing the student needs.
_GTEST_NOISE = re.compile(
    r"^(Running main\(\)|Note: Google Test filter|\[(==========|----------|  PASSED  |"
    r"       OK | RUN      |  FAILED  )\]| *[0-9]+ FAILED TESTS?$|$)")


def _explain_test(course, exercise, failed):
    first = failed[0]
    case = first.name.removeprefix(exercise.test_prefix)
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    print(f"  Test {case} failed{more}:")
    reason = _reason(course, exercise, first)
    if reason:
        print(f"    {yellow(reason)}")
    shown = [line for line in first.output.splitlines() if not _GTEST_NOISE.match(line)][:40]
    if shown:
        print("\n".join("    " + course.relative(line) for line in shown))
    else:
        print("    (it printed nothing more; to watch it in a debugger:")
        print(f"     gdb --args build/bin/{exercise.target} --gtest_filter={case})")


def _reason(course, exercise, result):
    """Why a test failed, in words for someone who wrote the code; "" for an
    ordinary failed assertion, which GoogleTest's own output explains."""
    if result.status == "notrun":
        return f"it was not run: {result.message or 'its program was not built'}"
    if "[  FAILED  ]" in result.output or "[  PASSED  ]" in result.output:
        return ""  # GoogleTest finished and gave its verdict
    # The program stopped before GoogleTest could say anything: see how.
    command, timeout, cwd = course.build.test_details(exercise.label).get(result.name,
                                                                          ([], None, None))
    if timeout and result.seconds >= timeout * 0.95:
        return "it did not finish in time: an endless loop, or waiting for data that never comes"
    if not command:
        return ""
    try:
        status = subprocess.run(command, cwd=cwd, capture_output=True,
                                timeout=timeout or 60).returncode
    except subprocess.TimeoutExpired:
        return "it did not finish in time: an endless loop, or waiting for data that never comes"
    except OSError:
        return ""
    if status in (-signal.SIGSEGV, -signal.SIGBUS):
        return "it crashed with a segmentation fault: a bad pointer, or an access out of bounds"
    if status == -signal.SIGABRT:
        return ("it aborted: std::abort(), a failed assert, or an exception that escaped "
                "a thread or a destructor")
    if status < 0:
        return f"it was killed by signal {signal.Signals(-status).name}"
    if status == 0:
        return "it failed under ctest but passed when run again: does it depend on timing?"
    return f"it exited with status {status} before GoogleTest could report: a call to exit()?"


def _point_to_help(course, exercise):
    shown = course.progress.hints_shown(exercise)
    total = len(exercise.hints)
    if total:
        if shown == 0:
            seen = f" ({total} lines, one at a time)" if total > 1 else ""
        else:
            seen = f" (you have seen {min(shown, total)} of its {total} lines)"
        print(f"  {bold('Stuck?')} There is a hint{seen}: "
              f"./course hint {exercise.chapter} {exercise.name}")
    print(f"  {bold('Read:')} {book.describe(book.find(course.root, exercise.book, course.build.dir))}")


def _congratulate(course, chapter):
    after = next_after(chapter, course.chapters)
    print()
    print(f"{output.style.green}{output.style.bold}All of {chapter.id} is solved. "
          f"Well done!{output.style.reset}")
    if after is None:
        print("That was the last chapter so far.")
        return
    print(f"Next: {book.describe(book.find(course.root, f'part-{after.id}', course.build.dir))}")
    if chapter.is_snapshot:
        print(f"      then ./course demo {after.id} and ./course diff {chapter.id} {after.id}")
    else:
        print(f"      then ./course demo {after.id}")
