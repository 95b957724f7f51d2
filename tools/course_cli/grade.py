"""Grade every exercise (or a chapter's, or one) and write DIR/results.json
in the format of Gradescope's autograder.

Partial credit, exercise by exercise: an exercise is worth its points
(exercises/exercises.json) times the share of the work done, measured by
its test cases: of the cases the untouched stub fails, the share that
pass now. A case the stub passes already (a stub that returns 0 is right
for add(0, 0)) earns nothing by itself, and one that passed with the stub
and fails now takes a case back. All cases passing is full marks; not
compiling is 0; a case GoogleTest skipped counts neither way. An
exercise never costs another one its points. The stub's results are
measured once (the stub built in the student's place) and kept in
.course/grade/stubs.json.

The grade comes from the tests as released: the course is put together in
.course/grade/src from pristine copies (pristine.py) plus the students'
own files, and built in .course/grade/build, so editing a test changes
nothing but a note in the output. The exit status is 0 when every graded
exercise passes all of its tests, which is what a GitHub Classroom step
counts.
"""

import json
import subprocess
from pathlib import Path

from . import metadata, pristine, results
from .chapters import parse as parse_chapter, load as load_chapters
from .output import CourseError, UsageError, bold, green, note, red

NAME = "grade"
USAGE = "./course grade DIR [chNN [NAME]] [--submission FOLDER]"

GRADE_DIR = Path(".course") / "grade"


def add_arguments(parser):
    parser.add_argument("dir")
    parser.add_argument("chapter", nargs="?")
    parser.add_argument("name", nargs="?")
    parser.add_argument("--submission", metavar="FOLDER",
                        help="take the students' files from FOLDER, not from this tree")


def _configure(source, build):
    if (build / "CMakeCache.txt").is_file():
        return ""  # the build configures again by itself when a file changed
    result = subprocess.run(["cmake", "-S", str(source), "-B", str(build), "-G", "Ninja",
                             "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DCOURSE_SANITIZERS=OFF"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return result.stdout + result.stderr
    return ""


def score(result):
    return round(result.exercise.points * result.fraction, 2)


def _output(result):
    """What a student reads under the exercise's score."""
    if result.status == "error":
        return "It does not compile:\n" + result.message
    lines = []
    counted = result.counted
    passing = sum(t.status == "pass" for t in counted)
    stub = f" (the untouched stub passes {result.baseline})" if result.baseline else ""
    lines.append(f"{passing} of {len(counted)} tests pass{stub}.")
    for test in result.tests:
        mark = {"pass": "✓", "fail": "✗"}.get(test.status, "-")
        lines.append(f"{mark} {test.name}" + (" (skipped)" if test.status == "skipped" else ""))
        if test.status == "fail" and test.message:
            lines.extend("    " + line for line in test.message.splitlines()[:20])
    return "\n".join(lines)


def gradescope_results(graded, changed, source):
    tests = []
    for result in graded:
        e = result.exercise
        tests.append({
            "name": f"{e.chapter} {e.name}: {e.title}",
            "score": score(result),
            "max_score": e.points,
            "status": "passed" if result.status == "pass" else "failed",
            "output": _output(result),
            "visibility": "visible",
        })
    summary = [f"Graded with the tests as released: {source}."]
    if changed:
        summary.append("These files differ from the release and were NOT used: "
                       + " ".join(changed))
    return {
        "score": round(sum(t["score"] for t in tests), 2),
        "output": "\n".join(summary),
        "stdout_visibility": "visible",
        "tests": tests,
    }


def _stub_baseline(course, exercise, source, build, scratch, submission):
    """How many cases the untouched stub passes: built once in the
    student's place (then the student's file is put back), and cached by
    the contents of the stub and the test."""
    paths = exercise.paths()
    stubs = [pristine.stub_copy(course.root, path, submission) for path in paths]
    if any(stub is None for stub in stubs):
        return 0
    test = (source / exercise.test).read_bytes() if (source / exercise.test).is_file() else b""
    key = pristine.sha256(b"\0".join(stubs + [test]))
    cache_file = source.parent / "stubs.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if key not in cache:
        theirs = [(source / path).read_bytes() for path in paths]
        try:
            for path, stub in zip(paths, stubs):
                pristine.write_file(source / path, stub)
            stub_result = results.run_exercise(build, exercise, scratch)
            cache[key] = stub_result.passing if stub_result.status != "error" else 0
        finally:
            # The student's file back: newer than its object, so the next
            # build compiles it again.
            for path, data in zip(paths, theirs):
                pristine.write_file(source / path, data)
        cache_file.write_text(json.dumps(cache, indent=1) + "\n", encoding="utf-8")
    return cache[key]


def run(course, args):
    if args.name is not None and args.chapter is None:
        raise UsageError("name a chapter before the exercise")
    work = course.root / GRADE_DIR
    source, build = work / "src", work / "build"
    source.mkdir(parents=True, exist_ok=True)
    changed, origin = pristine.assemble(course.root, course.exercises, source, args.submission)
    print(f"Grading with the tests as released: {origin}.")
    if changed:
        note("these files differ from the release; grading uses the released copies instead: "
             + " ".join(changed))

    # The exercises, their points and tests as released, not as edited here.
    exercises = metadata.load(source)
    if args.chapter is not None:
        chapter = parse_chapter(args.chapter, load_chapters(source))
        exercises = metadata.of_chapter(exercises, chapter.id)
        if args.name is not None:
            exercises = [metadata.find(exercises, chapter.id, args.name)]
    if not exercises:
        raise CourseError("there is no exercise to grade")

    failure = _configure(source, build)
    scratch = course.temp_dir()
    relative = lambda text: text.replace(f"{source}/", "")  # noqa: E731
    graded = []
    for exercise in exercises:
        if failure:
            result = results.ExerciseResult(exercise, "error", "The configure step failed:\n"
                                            + relative(failure[-3000:]))
        else:
            result = results.run_exercise(build, exercise, scratch, relative)
            if result.status == "fail":
                result.baseline = _stub_baseline(course, exercise, source, build, scratch,
                                                 args.submission)
        graded.append(result)
        mark = green("✓") if result.status == "pass" else red("✗")
        print(f"  {mark} {exercise.chapter} {exercise.name:<20} {score(result):>6g} / "
              f"{exercise.points:<3g} ({result.status})", flush=True)

    document = gradescope_results(graded, changed, origin)
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    total = sum(e.points for e in exercises)
    print(bold(f"Score: {document['score']:g} / {total:g}") + f", written to {out / 'results.json'}")
    return 0 if all(r.status == "pass" for r in graded) else 1
