"""Put the original stubs back, after saving your versions in .course/backup/."""

import shutil
import subprocess
import sys

from .context import need_tool
from .output import CourseError

NAME = "reset"
USAGE = "./course reset chNN [NAME] [--yes]"


def add_arguments(parser):
    parser.add_argument("chapter")
    parser.add_argument("name", nargs="?")
    parser.add_argument("--yes", "-y", action="store_true")


def _git(course, *argv):
    return subprocess.run(["git", "-C", str(course.root), *argv], capture_output=True, text=True)


def _confirm(question):
    """Yes only for y or yes, typed on a terminal."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def run(course, args):
    chapter = course.chapter(args.chapter)
    need_tool("git", "git")
    if args.name is not None:
        exercises = [course.exercise(chapter, args.name)]
    else:
        exercises = course.exercises_of(chapter)
    files = list(dict.fromkeys(path for e in exercises for path in e.paths()))
    if not files:
        print(f"{chapter.id} has no exercises yet.")
        return 0

    changed = []
    for path in files:
        if _git(course, "cat-file", "-e", f"HEAD:{path}").returncode != 0:
            raise CourseError(f"{path} is not in git's HEAD, so there is no stub to restore")
        if _git(course, "diff", "--quiet", "HEAD", "--", path).returncode != 0:
            changed.append(path)
    if not changed:
        print(f"Nothing to reset: {' '.join(files)} already hold the original stub.")
        return 0

    print(f"These files differ from the original stub: {' '.join(changed)}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise CourseError("refusing to overwrite your work without a terminal to ask: add --yes")
        if not _confirm("Save a backup and put the stub back?"):
            print("Nothing changed.")
            return 1

    backup = course.progress.new_backup_dir()
    for path in changed:
        source = course.root / path
        if source.exists():
            (backup / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, backup / path)
        result = _git(course, "checkout", "HEAD", "--", path)
        if result.returncode != 0:
            raise CourseError(f"git could not restore {path}: {result.stderr.strip()}")
        print(f"  restored {path}")
    print(f"Your versions are saved in {backup.relative_to(course.root)}/.")
    # The last check said nothing about the stubs.
    for exercise in exercises:
        course.progress.record(exercise, None)
    return 0
