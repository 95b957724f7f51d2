"""Build the docs site (the book and the API reference) and say where it is."""

from .output import CourseError

NAME = "docs"
USAGE = "./course docs"


def add_arguments(parser):
    pass


def run(course, args):
    course.build.ensure_configured()
    if not course.build.has_target("docs"):
        raise CourseError("the docs need doxygen and graphviz: run ./course setup")
    course.build.build("docs")
    print()
    print(f"Open: file://{course.build.dir}/docs/html/index.html")
    return 0
