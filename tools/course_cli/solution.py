"""The reference answer of an exercise, as a diff against your file."""

import difflib

from . import output
from .output import bold

NAME = "solution"
USAGE = "./course solution chNN NAME (try ./course hint first)"


def add_arguments(parser):
    parser.add_argument("chapter")
    parser.add_argument("name")


def _colour(line):
    if line.startswith(("+++", "---")):
        return output.bold(line)
    if line.startswith("@@"):
        return f"{output.style.cyan}{line}{output.style.reset}"
    if line.startswith("+"):
        return output.green(line)
    if line.startswith("-"):
        return output.red(line)
    return line


def _read(path):
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    except FileNotFoundError:
        return []


def run(course, args):
    chapter = course.chapter(args.chapter)
    exercise = course.exercise(chapter, args.name)
    if not (course.root / "solutions").is_dir():
        print(f"This copy of the course has no solutions: it is the students' release, and the "
              f"reference answers stay with your instructor.\n"
              f"For {chapter.id} {exercise.name}, try ./course hint {chapter.id} {exercise.name} "
              f"(one more line each time you ask), and the book's section on it.")
        return 0
    print(f"The reference solution of {chapter.id} {exercise.name}, since you asked:")
    for path in exercise.paths("solutions"):
        print(f"  {bold(path)}")
    print("How your file differs from it (- yours, + the reference):")
    for mine, reference in zip(exercise.paths("exercises"), exercise.paths("solutions")):
        lines = list(difflib.unified_diff(_read(course.root / mine), _read(course.root / reference),
                                          fromfile=mine, tofile=reference))
        if not lines:
            print(f"  {mine} is identical to the reference.")
            continue
        for line in lines:
            line = line.rstrip("\n")
            print(_colour(line))
    return 0
