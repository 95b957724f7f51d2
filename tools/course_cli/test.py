"""Every check the project has, as CI runs it."""

import shutil
import subprocess

from . import output
from .output import note

NAME = "test"
USAGE = "./course test"


def add_arguments(parser):
    pass


def _warn_if_exercises_changed(course):
    """The stub proofs build exercises/ as it is: a student's work fails them."""
    if shutil.which("git") is None:
        return
    result = subprocess.run(["git", "-C", str(course.root), "diff", "--name-only", "HEAD", "--",
                             "exercises/"], capture_output=True, text=True)
    changed = result.stdout.split()
    if result.returncode == 0 and changed:
        note(f"you have changed files under exercises/ ({' '.join(changed)}). The proof tests "
             "(proof.*.stub_fails) expect the untouched stubs and will fail; "
             "./course reset chNN puts the stubs back (saving your work first).")


def run(course, args):
    build = course.build
    output.step("Configure and build everything, exercise stubs included")
    build.configure()
    build.build("all")
    if build.has_target("exercises"):
        build.build("exercises")
    output.step("Run every test: chapters, solutions, stub proofs, docs, demos, "
                "this command's own (plain and ASan+UBSan)")
    _warn_if_exercises_changed(course)
    # Your own exercise tests are left out (label exercise): ./course check runs them.
    return output.show_run(["ctest", "--preset", build.preset, "-LE", "^exercise$"],
                           check=False, cwd=course.root)
