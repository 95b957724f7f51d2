"""The command line: `./course COMMAND [ARGUMENTS]`.

A mistake in how the command was typed (an unknown command, chapter or
exercise, a missing argument) exits with status 2, as for any tool; a
failure of the work itself with 1 (or the status of the cmake or ctest
call that failed).
"""

import argparse
import os
import signal
import sys

from . import (bench, check, demo, diff, docs, fuzz, grade, guide, hint, list as list_command, release,
               reset, setup, solution, test)
from .context import Course, default_root
from .output import CourseError, UsageError, bold, error

COMMANDS = {module.NAME: module for module in (
    setup, test, check, hint, solution, reset, demo, diff, docs, bench, fuzz, list_command,
    release, grade, guide)}

HELP_WORDS = ("help", "-h", "--help")


def help_text():
    return f"""\
{bold("./course")} — Python's socketserver, rebuilt in C++, one chapter at a time.

{bold("Getting started")}
  ./course setup             install what is missing (Debian 12), build the course,
                             its exercises and the docs, and run the chapter 1 demo
  ./course test              every check the project has (CI runs exactly this)

{bold("Working through a chapter")}
  ./course demo chNN [CLASS] start the chapter's echo server and talk to it
  ./course check chNN [NAME] build your exercises/chNN (or one exercise) and say
                             which pass; explains the first that does not
  ./course hint chNN [NAME]  one more line of the hint for the first unsolved (or
                             the named) exercise, each time you ask
  ./course solution chNN NAME
                             the reference answer, compared with your file
                             (only when you ask: try the hints first)
  ./course reset chNN [NAME] [--yes]
                             put the original stub(s) back; your version is
                             saved under .course/backup/ first
  ./course diff chNN chMM    what changed from one chapter to another: the lesson
  ./course docs              build the docs site and print where to open it
  ./course bench [chNN]      every server model beside its C counterpart and CPython;
                             with chNN, that chapter's own benchmarks
  ./course fuzz [SECONDS]    fuzz the buffered reader (chapter 4 on) with libFuzzer for
                             SECONDS (300 unless told); ./course test runs it for 30
  ./course list              the chapters and exercises (difficulty, points), with your progress
  ./course check chNN --json the same check as one JSON document: each exercise pass, fail
                             or error (does not compile), each test's status and message

{bold("Teaching with the course")}
  ./course release DIR       a repository for students in DIR: no solutions, one commit,
                             a README, a GitHub Classroom workflow, Gradescope's scripts
  ./course grade DIR [chNN [NAME]] [--submission FOLDER]
                             grade the exercises with the tests as released; writes
                             DIR/results.json for Gradescope (partial credit per exercise)
  ./course guide             each part's objectives, time, exercises and prerequisites

Chapters can be written ch01, ch1, 01 or 1; ch00 is Part 0, the socket layer in
common/. Set NO_COLOR=1 for plain output.
Start with book.md, or the docs site (./course docs)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is the course's usage error (exit 2)."""

    def error(self, message):
        raise UsageError(f"{message}\nusage: {self.usage}")


def _parsers():
    """The command line's parser, and each command's own."""
    parser = _Parser(prog="./course", usage="./course COMMAND [ARGUMENTS]", add_help=False)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    subs = {}
    for name, module in COMMANDS.items():
        subs[name] = commands.add_parser(name, usage=module.USAGE, help=module.__doc__)
        module.add_arguments(subs[name])
    return parser, subs


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # A `kill` ends the command as Ctrl-C does: through the cleanup below,
    # so that no demo server or temporary folder outlives it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    course = None
    try:
        if not argv or argv[0] in HELP_WORDS:
            print(help_text())
            return 0
        if argv[0] not in COMMANDS:
            raise UsageError(f"unknown command '{argv[0]}'")
        # The command's own parser reads its arguments, so that a mistake
        # is reported with that command's usage.
        _, subs = _parsers()
        args = subs[argv[0]].parse_args(argv[1:])
        course = Course(default_root())
        return COMMANDS[argv[0]].run(course, args) or 0
    except UsageError as e:
        error(str(e))
        print("Run ./course help for the list of commands.", file=sys.stderr)
        return 2
    except CourseError as e:
        error(str(e))
        return e.status
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`./course list | head`): not an error of
        # ours. Point stdout at nothing, so that Python's own flush at exit
        # does not fail on the closed pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    finally:
        if course is not None:
            course.cleanup()
