"""A repository for students: the course as committed, without its
solutions, with a history of its own.

Why a new repository rather than a branch or a fork: solutions leak
through whatever shares history with the instructor's repository (an old
commit, a branch, a fork's network). The release is one commit, made here,
from HEAD's files minus solutions/; nothing in it was ever a solution.

What it adds: a README for students, release.json (the checksums grading
compares against, and the digests of the solutions' distinctive lines, see
leaks.py), a GitHub Classroom workflow with a grading step per exercise,
and Gradescope's two scripts in gradescope/.
"""

import json
import shutil
import subprocess
from pathlib import Path

from . import leaks, pristine, setup
from .context import Course, need_tool
from .output import CourseError, UsageError, bold

NAME = "release"
USAGE = "./course release DIR | ./course release --check-site HTML_DIR"

# Never released: the answers, the instructor's own automation (the
# release brings its own workflow), and the book check that compares the
# book with the answers (its self-test quotes pieces of them).
LEFT_OUT = ("solutions", ".github", "tests/book/exercises_not_given_away.py")

GIT_IDENTITY = ["-c", "user.name=course release", "-c", "user.email=release@course.invalid",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]

# The first grading step builds the course's libraries; later ones only
# their own exercise's program.
FIRST_STEP_MINUTES = 30
STEP_MINUTES = 10


def add_arguments(parser):
    parser.add_argument("dir")
    parser.add_argument("--check-site", action="store_true",
                        help="in a release: check its built site (DIR) for the solutions' lines")


def _head_tree(root, into):
    need_tool("git", "git")
    if subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "-q", "HEAD"],
                      capture_output=True).returncode != 0:
        raise CourseError("release packs the course's last commit, and this folder has none: "
                          "is it a git repository with a commit?")
    pristine.unpack_commit(root, "HEAD", into)


def student_readme(course, original):
    """The README of a release: what it is and the two commands first, then
    the course's own README without its lines about solutions/."""
    first = next((c for c in course.chapters if course.exercises_of(c)), None)
    example = first.id if first else "ch00"
    kept = [line for line in original.splitlines() if "solutions/" not in line]
    return f"""\
# Student release

This repository is the course for you to work in: the book, every
chapter's code and tests, and the exercises, whose files you edit. The
reference solutions are not in it (`./course solution` says so); your
instructor has them. It has a history of its own, which starts with this
release.

```
./course setup                 # installs what is missing (Debian 12), builds everything
./course check {example:<14} # builds your exercises of one part and runs their tests
```

Edit the files in `exercises/chNN/`, then `./course check chNN`. Leave
the rest as it is: grading (`./course grade`, the GitHub Classroom
workflow in `.github/workflows/classroom.yml`) runs the tests as they
were released, whatever is changed here, and `release.json` records them.

---

""" + "\n".join(kept) + "\n"


def _step_id(exercise):
    return f"{exercise.chapter}-{exercise.name}".replace("_", "-")


def _yaml_string(text):
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def classroom_workflow(course):
    """.github/workflows/classroom.yml: GitHub Classroom's autograding,
    a step per exercise worth its points, all of them when every test of
    the exercise passes (the command grader counts a step by its exit
    status; Gradescope's results.json gives partial credit instead)."""
    exercises = [e for c in course.chapters for e in course.exercises_of(c)]
    packages = " ".join(setup.PACKAGES)
    lines = [
        "# Made by ./course release from exercises/exercises.json: a grading step",
        "# per exercise, worth its points. Each step runs ./course grade on one",
        "# exercise, which builds the tests as released (release.json), not as",
        "# edited here.",
        "name: Autograding Tests",
        "'on':",
        "  - push",
        "  - repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    # The course is made for Debian 12, as ./course setup says.",
        "    container: debian:12",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - name: Install what the course needs",
        f"        run: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates {packages}",
        "      - name: Checkout code",
        "        uses: actions/checkout@v4",
        "        with:",
        "          # The whole history: its first commit holds the pristine tests.",
        "          fetch-depth: 0",
        "      - name: Trust the checkout",
        "        run: git config --global --add safe.directory \"$GITHUB_WORKSPACE\"",
    ]
    for index, exercise in enumerate(exercises):
        step = _step_id(exercise)
        minutes = FIRST_STEP_MINUTES if index == 0 else STEP_MINUTES
        lines += [
            f"      - name: {_yaml_string(f'{exercise.chapter} {exercise.name}')}",
            f"        id: {step}",
            "        uses: classroom-resources/autograding-command-grader@v1",
            "        with:",
            f"          test-name: {_yaml_string(f'{exercise.chapter} {exercise.name}: {exercise.title}')}",
            f"          command: ./course grade .course/classroom {exercise.chapter} {exercise.name}",
            f"          timeout: {minutes}",
            f"          max-score: {exercise.points}",
        ]
    lines += [
        "      - name: Autograding Reporter",
        "        uses: classroom-resources/autograding-grading-reporter@v1",
        "        env:",
    ]
    for exercise in exercises:
        step = _step_id(exercise)
        lines.append(f"          {step.upper()}_RESULTS: \"${{{{steps.{step}.outputs.result}}}}\"")
    lines += [
        "        with:",
        f"          runners: {','.join(_step_id(e) for e in exercises)}",
    ]
    return "\n".join(lines) + "\n"


GRADESCOPE_SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image
# (Debian 12 base image): what the course needs from Debian.
set -euo pipefail
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {packages}
"""

GRADESCOPE_RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission. /autograder/source is this
# release as it was published (the autograder's zip); only the students'
# exercise files are taken from the submission, and the results go where
# Gradescope reads them.
set -euo pipefail
cd /autograder/source
# A failing exercise makes grade exit 1; its results.json says so, and is
# what Gradescope reads.
./course grade /autograder/results --submission /autograder/submission || true
test -s /autograder/results/results.json
"""


def _write(path, text, executable=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if executable:
        path.chmod(0o755)


def check_site(course, html):
    """In a release, after its docs are built: the site holds none of the
    solutions' distinctive lines (release.json keeps their digests)."""
    data = pristine.manifest(course.root)
    if data is None:
        raise CourseError("--check-site checks a student release, and this is none "
                          "(no release.json)")
    if not html.is_dir():
        raise CourseError(f"{html} does not exist: build the site first (./course docs)")
    hits = leaks.find(html, set(data.get("answer_digests", [])), site=True)
    for path, number, _ in hits[:20]:
        print(f"  {html / path}:{number}: a line of a solution")
    if hits:
        raise CourseError(f"the site gives a solution away in {len(hits)} lines")
    pages = sum(1 for p in html.rglob("*.html"))
    print(f"{pages} pages of {html}: no line of a solution "
          f"({len(data.get('answer_digests', []))} looked for).")
    return 0


def run(course, args):
    if args.check_site:
        return check_site(course, Path(args.dir).resolve())
    target = Path(args.dir).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{args.dir} exists and is not empty: release writes a new repository")
    if target == course.root or course.root in target.parents:
        raise UsageError("the release must go outside the course's own folder")

    work = course.temp_dir()
    source = work / "head"
    source.mkdir()
    _head_tree(course.root, source)
    answers = leaks.distinctive_lines(source)
    print(f"The course's last commit, without {', '.join(LEFT_OUT)}; "
          f"{len(answers)} distinctive lines of its solutions to keep out.")

    # What is released is the last commit: its exercises, not the working tree's.
    head = Course(source)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        _fill(head, source, target, answers)
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise
    print(f"{bold('Released')} into {target}: one commit, no solutions.")
    print(f"Next: cd {target} && ./course setup && ./course check ch01")
    return 0


def _fill(course, source, target, answers):
    for entry in source.iterdir():
        if entry.name in LEFT_OUT:
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, target / entry.name, follow_symlinks=False)
    for left_out in LEFT_OUT:
        if "/" in left_out:
            (target / left_out).unlink(missing_ok=True)

    readme = target / "README.md"
    original = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    _write(readme, student_readme(course, original))
    _write(target / ".github" / "workflows" / "classroom.yml", classroom_workflow(course))
    packages = " ".join(setup.PACKAGES)
    _write(target / "gradescope" / "setup.sh", GRADESCOPE_SETUP.format(packages=packages), True)
    _write(target / "gradescope" / "run_autograder", GRADESCOPE_RUN, True)

    digests = sorted({leaks.digest(line) for line in answers})
    hits = leaks.find(target, set(digests))
    if hits:
        by_digest = {leaks.digest(line): (line, where) for line, where in answers.items()}
        shown = "\n".join(f"  {path}:{number}: {by_digest[d][0]}  (from {by_digest[d][1]})"
                          for path, number, d in hits[:20])
        raise CourseError(f"{len(hits)} lines of the release give a solution away "
                          f"(nothing was released):\n{shown}")

    mine = set(pristine.student_files(target, course.exercises))
    checksums = {}
    for path in sorted(target.rglob("*")):
        relative = path.relative_to(target).as_posix()
        if path.is_file() and relative not in mine and relative != pristine.MANIFEST:
            checksums[relative] = pristine.sha256(path.read_bytes())
    manifest = {
        "what": "A student release of the course (./course release): the files grading "
                "runs as they are here, by SHA-256; the students' own files are left out.",
        "student_files": sorted(mine),
        "checksums": checksums,
        "answer_digests": digests,
    }
    _write(target / pristine.MANIFEST, json.dumps(manifest, indent=1) + "\n")

    git = ["git", *GIT_IDENTITY, "-C", str(target)]
    for argv in (["init", "-q"], ["add", "-A"],
                 ["commit", "-q", "-m", "The course, released for students"]):
        result = subprocess.run(git + argv, capture_output=True, text=True)
        if result.returncode != 0:
            raise CourseError(f"git {argv[0]} failed in {target}:\n{result.stdout}{result.stderr}")
