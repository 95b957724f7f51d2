"""What one chapter changed in the server: the lesson, as one diff."""

import re
import shutil
import subprocess
import sys

from . import output
from .context import need_tool
from .output import CourseError, UsageError

NAME = "diff"
USAGE = "./course diff chNN chMM"


def add_arguments(parser):
    parser.add_argument("first")
    parser.add_argument("second")


def _rename(folder, old, new):
    """Each chapter names itself (include/ch01/, namespace sockserv::ch01), so
    a plain diff would show every file as changed. Calling the first
    chapter's copy by the second's name leaves only what really changed.
    The book's anchors are left alone (`\\ref part-ch03`, `\\ref
    ch03-lifecycle`): those name a part of the book, which a later chapter
    still cites, not the chapter's code."""
    if (folder / "include" / old).is_dir():
        (folder / "include" / old).rename(folder / "include" / new)
    own_name = re.compile(rb"(?<!part-)" + re.escape(old.encode()) + rb"(?!-)")
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            renamed = own_name.sub(new.encode(), data)
            if renamed != data:
                path.write_bytes(renamed)


def run(course, args):
    first, second = course.chapter(args.first), course.chapter(args.second)
    for chapter in (first, second):
        if not chapter.is_snapshot:
            raise UsageError(f"{chapter.part_0()}, and takes no part in diff: diff compares two "
                             "stages of the server (ch01 on), and every stage uses common/ as "
                             "it is")
    for chapter in (first, second):
        if not (course.root / chapter.dir).is_dir():
            raise CourseError(f"{chapter.dir} does not exist: chapters/chapters.txt lists it, "
                              "but its folder is missing")
    need_tool("diff", "diffutils")
    work = course.temp_dir()
    a, b = work / first.dir.rsplit("/", 1)[-1], work / second.dir.rsplit("/", 1)[-1]
    if a == b:  # the same chapter twice
        b = work / "same" / b.name
    shutil.copytree(course.root / first.dir, a)
    shutil.copytree(course.root / second.dir, b)
    _rename(a, first.id, second.id)

    left, right = str(a.relative_to(work)), str(b.relative_to(work))
    if subprocess.run(["diff", "-rq", left, right], cwd=work, capture_output=True).returncode == 0:
        print(f"{first.dir} and {second.dir} are the same, but for the chapter's name.")
        return 0
    argv = ["diff", "-ruN", left, right]
    if output.style.on:
        argv.insert(1, "--color=always")  # always: it goes through a pager
    if sys.stdout.isatty() and shutil.which("less"):
        with subprocess.Popen(argv, cwd=work, stdout=subprocess.PIPE) as differ:
            subprocess.run(["less", "-FRX"], stdin=differ.stdout)
            differ.stdout.close()
    else:
        sys.stdout.flush()
        status = subprocess.run(argv, cwd=work).returncode
        if status > 1:  # 1 only says that the files differ
            return status
    return 0
