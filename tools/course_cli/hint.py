"""Reveal one more line of an exercise's hint each time you ask."""

from . import book
from .output import bold, dim

NAME = "hint"
USAGE = "./course hint chNN [NAME]"


def add_arguments(parser):
    parser.add_argument("chapter")
    parser.add_argument("name", nargs="?")


def run(course, args):
    chapter = course.chapter(args.chapter)
    exercises = course.exercises_of(chapter)
    if args.name is not None:
        exercise = course.exercise(chapter, args.name)
    else:
        if not exercises:
            print(f"{chapter.id} has no exercises yet.")
            return 0
        unsolved = [e for e in exercises if course.progress.status(e) != "pass"]
        if not unsolved:
            print(f"Every exercise of {chapter.id} passed at your last ./course check.")
            print(f"For a particular one: ./course hint {chapter.id} NAME "
                  f"({' '.join(e.name for e in exercises)})")
            return 0
        exercise = unsolved[0]

    total = len(exercise.hints)
    before = min(course.progress.hints_shown(exercise), total)
    shown = min(before + 1, total)
    if shown != before:
        course.progress.set_hints_shown(exercise, shown)

    print(f"{bold(f'{chapter.id} {exercise.name}')} — {exercise.title}")
    print(f"  {bold('Edit:')} {' '.join(exercise.paths())}")
    if total == 0:
        print("  This exercise has no hint: its book section is the help there is.")
    else:
        print(f"  {bold(f'Hint ({shown} of {total}):')}")
        for number, line in enumerate(exercise.hints[:shown], 1):
            new = dim("   (new)") if number == shown and shown != before else ""
            print(f"    {number}. {line}{new}")
    print(f"  {bold('Read:')} {book.describe(book.find(course.root, exercise.book, course.build.dir))}")
    again = f"./course hint {chapter.id} {exercise.name}"
    if shown < total:
        print(f"Still stuck? Ask again for the next line: {again}")
    elif total:
        already = " were already" if before == total else " are now"
        print(f"All {total} lines of this hint{already} shown. The last resort: "
              f"./course solution {chapter.id} {exercise.name}")
    return 0
