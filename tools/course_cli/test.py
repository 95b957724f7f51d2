"""Every check the project has, as CI runs it."""

import shutil
import subprocess

from . import fuzz, output
from .output import CourseError, note

NAME = "test"
USAGE = "./course test"

# Long enough for libFuzzer to get past the seeds (a planted off-by-one in
# readline(limit) is found in 2 to 3 s from no seeds at all), short beside
# the rest of the run. ./course fuzz runs longer.
FUZZ_SECONDS = 30


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
    status = output.show_run(["ctest", "--preset", build.preset, "-LE", "^exercise$"],
                             check=False, cwd=course.root)
    # ctest replayed the seed corpus (label fuzz); this searches beyond it.
    # Without clang 14 or libFuzzer the step fails rather than being skipped:
    # ./course setup installs both, and a skipped step would read as passed.
    output.step(f"Fuzz the buffered reader for {FUZZ_SECONDS} s: clang 14, libFuzzer, "
                "ASan+UBSan (./course fuzz runs it longer)")
    fuzz_status = 0
    try:
        fuzz.fuzz_all(course, FUZZ_SECONDS)
    except CourseError as e:
        output.error(str(e))
        fuzz_status = e.status
    print()
    print(f"ctest: {'passed' if status == 0 else f'failed (status {status})'}; "
          f"fuzzing: {'nothing found' if fuzz_status == 0 else 'failed (above)'}")
    return status or fuzz_status
