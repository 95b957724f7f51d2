"""Time each chapter's TCPServer against a hand-written C server, and run
the benchmarks a chapter brings of its own (chapter 4: its files, line by
line, against raw recv/send)."""

from . import output
from .output import CourseError, UsageError

NAME = "bench"
USAGE = "./course bench [chNN]"

# A chapter's own benchmark: the target (a program in build/bin), what it
# times, and its arguments (line_bench's defaults: 20 rounds, the variants
# in turns, so that a change in the machine's load hits them all alike).
CHAPTER_BENCHMARKS = {
    "ch04": ("line_bench",
             "Chapter 4's rfile and wfile, line by line, against raw recv/send (bench/line_bench.cpp)",
             []),
}


def add_arguments(parser):
    parser.add_argument("chapter", nargs="?")


def run(course, args):
    build = course.build
    if args.chapter is not None:
        chapter = course.chapter(args.chapter)
        if not chapter.is_snapshot:
            raise UsageError(f"{chapter.part_0()}: it has no echo server to time "
                             "(the chapters from ch01 on have one)")
        chapters = [chapter]
    else:
        chapters = [c for c in course.chapters if c.is_snapshot]
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
    targets += [target for target, _, _ in own]
    build.build(*targets)
    output.step("Each chapter's TCPServer against a hand-written C server (bench/c_echo_server.c)")
    output.note("timings need a quiet machine: close what else is running, and compare runs, "
                "not single numbers")
    status = output.show_run([build.dir / "bin" / "echo_load", "--benchmark_repetitions=5",
                              "--benchmark_report_aggregates_only=true", *servers],
                             check=False, cwd=course.root)
    for target, what, arguments in own:
        output.step(what)
        status = output.show_run([build.dir / "bin" / target, *arguments],
                                 check=False, cwd=course.root) or status
    return status
