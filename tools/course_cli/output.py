"""What the course command prints, and how.

Colours only when the output is a terminal, never when NO_COLOR is set
(no-color.org) or the terminal is "dumb". Every command the course runs on
the student's behalf is printed first (`show`), so that nothing is magic:
the student sees what to type by hand.
"""

import os
import shlex
import subprocess
import sys
import time


def _colours_wanted():
    return (sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM", "dumb") != "dumb")


class _Style:
    def __init__(self, on):
        codes = dict(bold="1", dim="2", red="31", green="32", yellow="33", cyan="36")
        for name, code in codes.items():
            setattr(self, name, f"\033[{code}m" if on else "")
        self.reset = "\033[0m" if on else ""
        self.on = on


style = _Style(_colours_wanted())


class UsageError(Exception):
    """The command was typed wrong: exit status 2, as for any tool."""


class CourseError(Exception):
    """Something stopped the command: exit status 1, or that of the
    command that failed under it (ctest's, cmake's)."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def step(text):
    print(f"\n{style.bold}{style.cyan}==> {text}{style.reset}", flush=True)


def note(text, file=None):
    print(f"{style.yellow}note:{style.reset} {text}", file=file, flush=True)


def error(text):
    sys.stdout.flush()  # what came before stays before, when both go to one file
    print(f"{style.red}course: {text}{style.reset}", file=sys.stderr, flush=True)


def bold(text):
    return f"{style.bold}{text}{style.reset}"


def dim(text):
    return f"{style.dim}{text}{style.reset}"


def green(text):
    return f"{style.green}{text}{style.reset}"


def red(text):
    return f"{style.red}{text}{style.reset}"


def yellow(text):
    return f"{style.yellow}{text}{style.reset}"


def show(argv, suffix=""):
    """Prints a command the way a student would type it."""
    print(dim(f"$ {shlex.join(str(a) for a in argv)}") + suffix, flush=True)


class Timings:
    """What each command cost, for a summary at the end (./course setup)."""

    def __init__(self):
        self.entries = []

    def add(self, what, seconds):
        self.entries.append((what, seconds))

    def report(self):
        width = max((len(what) for what, _ in self.entries), default=0)
        for what, seconds in self.entries:
            print(f"  {what.ljust(width)}  {format_duration(seconds)}")


def format_duration(seconds):
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def show_run(argv, timings=None, check=True, **kwargs):
    """Prints a command, then runs it with the terminal as its output.

    With check, a failure stops the course command (exit 1) naming the
    command; without, the exit status is returned.
    """
    show(argv)
    started = time.monotonic()
    try:
        status = subprocess.run([str(a) for a in argv], **kwargs).returncode
    except FileNotFoundError:
        raise CourseError(f"'{argv[0]}' is missing: run ./course setup") from None
    if timings is not None:
        timings.add(shlex.join(str(a) for a in argv), time.monotonic() - started)
    if check and status != 0:
        raise CourseError(f"this failed (exit status {status}): {shlex.join(str(a) for a in argv)}",
                          status)
    return status
