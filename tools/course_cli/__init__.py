"""The `course` command (./course at the root runs it).

One module per command: setup, test, check, hint, solution, reset, demo,
diff, docs, bench, list. Each has NAME and USAGE, add_arguments(parser)
for its argparse parser, and run(course, args), which returns the exit
status; cli.py reads the command line and maps errors to exit statuses.
Shared modules: chapters (chapters/chapters.txt), metadata
(exercises/exercises.json), book (where a section is, in the book and on
the site), build (cmake and ctest), progress (.course/), output (colours,
and printing each command before it runs), context (the course's root).

Standard library only: the command must run before `./course setup` has
installed anything but Python.
"""

from .cli import main  # noqa: F401
