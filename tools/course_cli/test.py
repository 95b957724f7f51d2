"""Every check the project has, as CI runs it."""

import shutil
import subprocess
from pathlib import Path

from . import fuzz, output
from .output import CourseError, note

NAME = "test"
USAGE = "./course test"

# Long enough for libFuzzer to get past the seeds (a planted off-by-one in
# readline(limit) is found in 2 to 3 s from no seeds at all), short beside
# the rest of the run. ./course fuzz runs longer.
FUZZ_SECONDS = 30

# The course built a third time, by clang 14 with ThreadSanitizer, into
# build-tsan/; its tests (the label filter of the preset's test step:
# the socket layer and every chapter) run there for data races.
TSAN_PRESET = "tsan"
TSAN_TREE = "build-tsan"
TSAN_COMPILER = "clang++-14"


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


def _check_tsan_toolchain():
    """Stops with what to install when clang 14 or its TSan runtime is missing."""
    if shutil.which(TSAN_COMPILER) is None:
        raise CourseError(f"the ThreadSanitizer build needs {TSAN_COMPILER}, which is missing: "
                          "run ./course setup (or apt-get install clang-14 libclang-rt-14-dev)")
    result = subprocess.run([TSAN_COMPILER, "-print-runtime-dir"], capture_output=True, text=True)
    runtime = Path(result.stdout.strip())
    if result.returncode != 0 or not any(runtime.glob("libclang_rt.tsan-*.a")):
        raise CourseError("the ThreadSanitizer build needs clang's TSan runtime, which is "
                          "missing: run ./course setup (or apt-get install libclang-rt-14-dev)")


def run_tsan(course, with_exercises):
    """Configures build-tsan/ once (later builds configure again by
    themselves), builds it as the default tree is built (by the other
    compiler, so clang's warnings are errors too), and runs its tests;
    ctest's status. Without clang 14 or its TSan runtime it fails rather
    than being skipped: ./course setup installs both."""
    _check_tsan_toolchain()
    if not (course.root / TSAN_TREE / "CMakeCache.txt").is_file():
        output.show_run(["cmake", "--preset", TSAN_PRESET], cwd=course.root)
    targets = ["--target", "all"] + (["--target", "exercises"] if with_exercises else [])
    output.show_run(["cmake", "--build", "--preset", TSAN_PRESET, *targets], cwd=course.root)
    return output.show_run(["ctest", "--preset", TSAN_PRESET], check=False, cwd=course.root)


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
    output.step("Build everything again with clang 14 and ThreadSanitizer (build-tsan/), "
                "and run the tests of the socket layer and of every chapter for data races")
    tsan_status = 0
    try:
        tsan_status = run_tsan(course, build.has_target("exercises"))
    except CourseError as e:
        output.error(str(e))
        tsan_status = e.status
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
          f"ThreadSanitizer: {'passed' if tsan_status == 0 else 'failed (above)'}; "
          f"fuzzing: {'nothing found' if fuzz_status == 0 else 'failed (above)'}")
    return status or tsan_status or fuzz_status
