"""The chapters and their exercises, with what your last checks said."""

from .output import CourseError, bold, dim, green, red

NAME = "list"
USAGE = "./course list"


def add_arguments(parser):
    pass


def run(course, args):
    try:
        exercises = course.exercises
    except CourseError:
        exercises = None  # the chapters are still worth listing
    for chapter in course.chapters:
        print(f"{bold(chapter.id)}  {chapter.dir}  {chapter.title}")
        if exercises is None:
            continue
        mine = [e for e in exercises if e.chapter == chapter.id]
        if not mine:
            print("    (no exercises yet)")
        for exercise in mine:
            mark = {"pass": green("✓"), "fail": red("✗")}.get(course.progress.status(exercise), dim("·"))
            print(f"    {mark} {exercise.name:<16} {exercise.title}")
    print()
    print("✓ passed, ✗ failed, · not checked: as of your last ./course check chNN.")
    return 0
