"""Install what is missing (Debian 12), then build what a newcomer needs:
the course, its exercise stubs, the docs; then run the chapter 1 demo.

The sanitizer twins (every test again under ASan+UBSan) are not built
here: they double the build, and `./course test` builds them when it needs
them.
"""

import os
import shutil
import subprocess
import time

from . import output
from .demo import demo_chapter
from .output import CourseError, Timings, bold, note, step

NAME = "setup"
USAGE = "./course setup"

# What the course needs from Debian 12, by package name.
PACKAGES = [
    "g++", "cmake", "ninja-build", "libgtest-dev",        # compiler, build, tests
    "doxygen", "graphviz", "doxygen-awesome-css",         # the docs site
    "python3", "netcat-openbsd", "socat",                 # this command, the demos' clients
    "git",                                                # reset
    "libbenchmark-dev", "gnuplot-nox",                    # ./course bench, its plots in the book
    "clang-14", "libclang-rt-14-dev", "libfuzzer-14-dev",  # ./course fuzz, and its 30 s in test
]


def add_arguments(parser):
    pass


def _missing_packages():
    missing = []
    for package in PACKAGES:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True)
        if result.stdout != "install ok installed":
            missing.append(package)
    return missing


def _install_packages(timings):
    step("Debian packages")
    if shutil.which("dpkg-query") is None:
        raise CourseError("setup installs Debian packages, and this is not Debian; "
                          f"install by hand: {' '.join(PACKAGES)}")
    missing = _missing_packages()
    if not missing:
        print(f"All {len(PACKAGES)} packages the course needs are installed.")
        return
    print(f"Missing: {' '.join(missing)}")
    as_root = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            raise CourseError("installing packages needs root: run this as root, or install sudo")
        as_root = ["sudo"]
    output.show_run([*as_root, "apt-get", "update"], timings=timings)
    output.show_run([*as_root, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
                     "-y", "--no-install-recommends", *missing], timings=timings)


def run(course, args):
    build = course.build
    timings = Timings()
    started = time.monotonic()
    _install_packages(timings)

    step(f"Configure and build the course (preset '{build.preset}', into build/; "
         "the ASan+UBSan twins are left to ./course test)")
    build.configure(timings=timings)
    if build.has_target("plain"):
        build.build("plain", timings=timings)
    else:
        note("this build has no 'plain' target: building 'all', sanitizer twins included")
        build.build("all", timings=timings)

    step("Build the exercise stubs (they compile, and fail their tests until you solve them)")
    if build.has_target("exercises"):
        build.build("exercises", timings=timings)
    else:
        note("this build has no 'exercises' target yet")

    step("Build the docs site")
    if build.has_target("docs"):
        build.build("docs", timings=timings)
    else:
        note("no 'docs' target: the docs need doxygen and graphviz")

    step("A first look: the chapter 1 server answering a real client")
    demo_started = time.monotonic()
    first = next((c for c in course.chapters if c.is_snapshot), None)
    if first is not None:
        status = demo_chapter(course, first)
        timings.add(f"./course demo {first.id}", time.monotonic() - demo_started)
        if status != 0:
            raise CourseError(f"the {first.id} demo did not work (above)", status)

    step("Ready")
    try:
        start = next(c for c in course.chapters if course.exercises_of(c))
    except (CourseError, StopIteration):
        start = first
    html = build.dir / "docs" / "html" / "index.html"
    print(f"""\
Everything is built. Where to go next:
  {bold("book.md")}                          the course text; start at the preface
  {bold("build/docs/html/index.html")}       the same book as a site, with the API beside it
                                   (file://{html})
  {bold(f"./course check {start.id}")}              your first exercises (exercises/{start.id}/)
  ./course demo {first.id}               the demo again, and try it yourself with nc
  ./course help                    every command""")
    print()
    print(bold("What each step cost") + " (this machine, this time; later runs are incremental):")
    timings.report()
    print(f"  {'total'.ljust(max(len(w) for w, _ in timings.entries))}  "
          f"{output.format_duration(time.monotonic() - started)}")
    print("Left for ./course test: the test programs and their ASan+UBSan twins, the")
    print("longest build of the course (the first time only).")
    return 0
