"""Time each chapter's TCPServer against a hand-written C server."""

from . import output
from .output import CourseError, UsageError

NAME = "bench"
USAGE = "./course bench [chNN]"


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
    build.build(*targets)
    output.step("Each chapter's TCPServer against a hand-written C server (bench/c_echo_server.c)")
    output.note("timings need a quiet machine: close what else is running, and compare runs, "
                "not single numbers")
    return output.show_run([build.dir / "bin" / "echo_load", "--benchmark_repetitions=5",
                            "--benchmark_report_aggregates_only=true", *servers],
                           check=False, cwd=course.root)
