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
            print(f"    {mark} {exercise.name:<18} {exercise.difficulty:<6} "
                  f"{exercise.points:>2} pts  {exercise.title}")
    print()
    print("✓ passed, ✗ failed, · not checked: as of your last ./course check chNN.")
    print("Difficulty: easy, medium or hard; pts: what the exercise is worth when graded.")
    return 0
