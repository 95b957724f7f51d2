"""Time a chapter's TCPServer against a hand-written C server, and run the
benchmarks a chapter brings of its own (chapter 4: its files, line by
line, against raw recv/send; chapter 5: its Threading servers, 8 clients
at once, against a C server with a thread per client and CPython's;
chapter 6: its Forking servers against a C server with a process per
client and CPython's, and with a parent carrying 100 MiB). Without a
chapter: the whole picture, every model (synchronous, a thread per
request, a process per request) of the newest chapter beside its C
counterpart and CPython's, in one run."""

import os
import shutil
import sys

from . import output
from .output import CourseError, UsageError

NAME = "bench"
USAGE = "./course bench [chNN]"


def _system_python():
    # CPython's socketserver as Debian ships it, not a version manager's.
    return "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


def _cpython(course):
    """CPython's socketserver classes serving the echo (--class NAME)."""
    return f"{_system_python()} {course.root / 'bench' / 'cpython_threading_server.py'}"


def _thread_load_arguments(course, build):
    """thread_load's servers: C first (the yardstick), the demo, CPython;
    each over TCP, then over a Unix socket. The figures go to build/bench/."""
    bin_dir = build.dir / "bin"
    script = _cpython(course)
    servers = []
    for family, name in (("tcp", "ThreadingTCPServer"), ("unix", "ThreadingUnixStreamServer")):
        servers += [f"--{family}", f"c={bin_dir / 'c_threaded_echo_server'}",
                    f"--{family}", f"ch05={bin_dir / 'ch05_echo_server'} --class {name}",
                    f"--{family}", f"cpython={script} --class {name}"]
    return [f"--data={build.dir / 'bench' / 'ch05.dat'}", *servers]


# Chapter 6's loads, and the whole picture's: a connection per request with
# one client (what one request costs, nothing side by side) and with 8, and
# 8 persistent connections.
LOADS = "--load=connection:1,connection:8,persistent:8"


def _fork_load_arguments(course, build):
    """thread_load's servers for chapter 6: C, the demo, the demo carrying
    100 MiB (bench/fork_ballast.c, loaded with LD_PRELOAD: the demo's
    command line stays the contract's), CPython; TCP, then Unix."""
    bin_dir = build.dir / "bin"
    ballast = f"env LD_PRELOAD={build.dir / 'lib' / 'libfork_ballast.so'}"
    servers = []
    for family, name in (("tcp", "ForkingTCPServer"), ("unix", "ForkingUnixStreamServer")):
        demo = f"{bin_dir / 'ch06_echo_server'} --class {name}"
        servers += [f"--{family}", f"c={bin_dir / 'c_forking_echo_server'}",
                    f"--{family}", f"ch06={demo}",
                    f"--{family}", f"ch06+100MiB={ballast} {demo}",
                    f"--{family}", f"cpython={_cpython(course)} --class {name}"]
    return [LOADS, f"--data={build.dir / 'bench' / 'ch06.dat'}", *servers]


# Every model: its class, its C counterpart, and the first chapter whose
# demo serves it.
MODELS = (("TCPServer", "c_echo_server", "ch01"),
          ("ThreadingTCPServer", "c_threaded_echo_server", "ch05"),
          ("ForkingTCPServer", "c_forking_echo_server", "ch06"))


def _whole_picture(course, build):
    """Every model the newest chapter's demo serves, each in a group of
    three (GROUP/NAME: C, the demo, CPython), over TCP, in one run."""
    newest = [c for c in course.chapters if c.is_snapshot][-1]
    models = [m for m in MODELS if m[2] <= newest.id]
    targets = ["thread_load", f"{newest.id}_echo_server", *(m[1] for m in models)]
    build.build(*targets)
    bin_dir = build.dir / "bin"
    servers = []
    for name, c_server, _ in models:
        servers += ["--tcp", f"{name}/c={bin_dir / c_server}",
                    "--tcp", f"{name}/{newest.id}={bin_dir / newest.id}_echo_server --class {name}",
                    "--tcp", f"{name}/cpython={_cpython(course)} --class {name}"]
    output.step(f"Every model side by side: {newest.id}'s demo as "
                + ", ".join(m[0] for m in models)
                + ", each beside its C counterpart (bench/c_*echo_server.c) and CPython's")
    output.note("timings need a quiet machine: close what else is running, and compare "
                "ratios within a run, not single numbers")
    status = output.show_run([bin_dir / "thread_load", LOADS,
                              f"--data={build.dir / 'bench' / 'models.dat'}", *servers],
                             check=False, cwd=course.root)
    if status == 0:
        _plot(course, build, "models", "loads.gp")
    return status


def _plot(course, build, stem, script="plot.gp"):
    """Draws the figures just measured as the book's plot is drawn."""
    data = build.dir / "bench" / f"{stem}.dat"
    svg = build.dir / "bench" / f"{stem}-latest.svg"
    gnuplot = shutil.which("gnuplot")
    if not data.exists() or gnuplot is None:
        return
    status = output.show_run([gnuplot, "-e", f"data='{data}'; output='{svg}'",
                              course.root / "bench" / "results" / script],
                             check=False, cwd=course.root)
    if status == 0:
        print(f"The plot of this run: {svg}\n"
              f"The book's figures are bench/results/{stem}.dat: copy {data} there to "
              "show yours instead.")


# A chapter's own benchmark: the target (a program in build/bin), what it
# times, the other targets it runs, and its arguments, a list or a function
# of (course, build) (line_bench's defaults: 20 rounds, the variants in
# turns, so that a change in the machine's load hits them all alike;
# thread_load's: 20 rounds, the servers in turns), then what to do after.
CHAPTER_BENCHMARKS = {
    "ch04": ("line_bench",
             "Chapter 4's rfile and wfile, line by line, against raw recv/send (bench/line_bench.cpp)",
             [], [], None),
    "ch05": ("thread_load",
             "Chapter 5's Threading servers, 8 clients at once, against a C server with a thread "
             "per client (bench/c_threaded_echo_server.c) and CPython's "
             "(bench/cpython_threading_server.py)",
             ["c_threaded_echo_server", "ch05_echo_server"], _thread_load_arguments,
             lambda course, build: _plot(course, build, "ch05")),
    "ch06": ("thread_load",
             "Chapter 6's Forking servers (and the demo with a parent carrying 100 MiB, "
             "bench/fork_ballast.c) against a C server with a process per client "
             "(bench/c_forking_echo_server.c) and CPython's (bench/cpython_threading_server.py)",
             ["c_forking_echo_server", "ch06_echo_server", "fork_ballast"], _fork_load_arguments,
             lambda course, build: _plot(course, build, "ch06", "loads.gp")),
}


def add_arguments(parser):
    parser.add_argument("chapter", nargs="?")


def run(course, args):
    build = course.build
    if args.chapter is None:
        build.ensure_configured()
        return _whole_picture(course, build)
    chapter = course.chapter(args.chapter)
    if not chapter.is_snapshot:
        raise UsageError(f"{chapter.part_0()}: it has no echo server to time "
                         "(the chapters from ch01 on have one)")
    chapters = [chapter]
    build.ensure_configured()
    if not build.has_target("echo_load"):
        raise CourseError("the benchmarks need Google Benchmark: run ./course setup")
    targets = ["c_echo_server", "echo_load"]
    servers = [f"c={build.dir}/bin/c_echo_server"]
    for chapter in chapters:
        if build.has_target(f"{chapter.id}_echo_server"):
            targets.append(f"{chapter.id}_echo_server")
            servers.append(f"{chapter.id}={build.dir}/bin/{chapter.id}_echo_server")
    own = [CHAPTER_BENCHMARKS[c.id] for c in chapters
           if c.id in CHAPTER_BENCHMARKS and build.has_target(CHAPTER_BENCHMARKS[c.id][0])]
    for target, _, others, _, _ in own:
        targets += [target, *others]
    build.build(*dict.fromkeys(targets))
    output.step("Each chapter's TCPServer against a hand-written C server (bench/c_echo_server.c)")
    output.note("timings need a quiet machine: close what else is running, and compare runs, "
                "not single numbers")
    status = output.show_run([build.dir / "bin" / "echo_load", "--benchmark_repetitions=5",
                              "--benchmark_report_aggregates_only=true", *servers],
                             check=False, cwd=course.root)
    for target, what, _, arguments, after in own:
        output.step(what)
        if callable(arguments):
            arguments = arguments(course, build)
        own_status = output.show_run([build.dir / "bin" / target, *arguments],
                                     check=False, cwd=course.root)
        if own_status == 0 and after is not None:
            after(course, build)
        status = own_status or status
    return status
