"""Fuzz the course's parsers of untrusted bytes (the buffered reader of
chapter 4 and later) with libFuzzer, clang 14, ASan and UBSan.

The targets are tests/fuzz/: the CMake preset `fuzz` builds them into
build-fuzz/bin/fuzz_<target>_<chNN>. Each run starts from the committed seed
corpus, tests/fuzz/corpus/<target>/, which libFuzzer only reads; what it
finds goes under build-fuzz/fuzz/<program>/: corpus/ (new inputs, kept for
the next run, which starts where this one stopped), crashes/ (the inputs
that failed) and last-run.log.
"""

import argparse
import re
import shutil
import subprocess
import time
from pathlib import Path

from . import output
from .output import CourseError, bold, green, note, red, show

NAME = "fuzz"
USAGE = "./course fuzz [SECONDS]"
DEFAULT_SECONDS = 300
PRESET = "fuzz"
COMPILER = "clang++-14"
# Each target gets at least this much of the time given, however many there are.
MIN_SECONDS_EACH = 10
# libFuzzer's limit for one input: none runs near a second, so an input that
# takes this long is a hang (a read that loops for ever), and fails.
INPUT_TIMEOUT_SECONDS = 10


def _seconds(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if value < 1:
        raise argparse.ArgumentTypeError("SECONDS must be 1 or more")
    return value


def add_arguments(parser):
    parser.add_argument("seconds", nargs="?", type=_seconds, default=DEFAULT_SECONDS)


def check_toolchain():
    """Stops with what to install when clang 14 or libFuzzer is missing."""
    if shutil.which(COMPILER) is None:
        raise CourseError(f"fuzzing needs {COMPILER}, which is missing: run ./course setup "
                          "(or apt-get install clang-14 libclang-rt-14-dev)")
    result = subprocess.run([COMPILER, "-print-runtime-dir"], capture_output=True, text=True)
    runtime = Path(result.stdout.strip())
    if result.returncode != 0 or not any(runtime.glob("libclang_rt.fuzzer-*.a")):
        raise CourseError("fuzzing needs libFuzzer's runtime, which is missing: run ./course setup "
                          "(or apt-get install libclang-rt-14-dev)")


def build(course):
    """Configures build-fuzz/ once (later builds configure again by
    themselves) and builds the fuzz targets; their programs."""
    tree = course.root / "build-fuzz"
    if not (tree / "CMakeCache.txt").is_file():
        output.show_run(["cmake", "--preset", PRESET], cwd=course.root)
    output.show_run(["cmake", "--build", "--preset", PRESET], cwd=course.root)
    # A program left from a chapter since taken out of chapters.txt is skipped.
    chapters = {c.id for c in course.chapters}
    programs = []
    for program in sorted((tree / "bin").glob("fuzz_*_ch[0-9][0-9]")):
        target, chapter = program.name[len("fuzz_"):].rsplit("_", 1)
        if chapter in chapters and _seeds(course, target).is_dir():
            programs.append((program, target))
    if not programs:
        raise CourseError(f"the preset {PRESET} built no fuzz target (build-fuzz/bin/fuzz_*)")
    return programs


def _seeds(course, target):
    return course.root / "tests" / "fuzz" / "corpus" / target


def _summary(log_text):
    """libFuzzer's last status line, in words: runs, speed, coverage."""
    last = None
    for line in log_text.splitlines():
        if re.match(r"#\d+\s+(DONE|NEW|REDUCE|pulse|INITED)", line):
            last = line
    if last is None:
        return "no status line from libFuzzer"
    fields = dict(re.findall(r"(cov|ft|corp|exec/s|rss): (\S+)", last))
    runs = re.match(r"#(\d+)", last).group(1)
    return (f"{runs} inputs run, {fields.get('exec/s', '?')} a second; coverage: "
            f"{fields.get('cov', '?')} edges, {fields.get('ft', '?')} features; "
            f"corpus {fields.get('corp', '?')} (inputs/bytes)")


def _report(log_text):
    """The lines of a failed run's log worth showing: what came after
    libFuzzer's last progress line, without its INFO lines. When the target
    itself reported a mismatch before aborting, its words are the report
    and the stack of the abort is noise; a sanitizer's report keeps its stack."""
    lines = log_text.splitlines()
    first = max((i + 1 for i, line in enumerate(lines) if re.match(r"#\d+\s", line)), default=0)
    lines = [line for line in lines[first:] if not line.startswith("INFO:")]
    signal = next((i for i, line in enumerate(lines) if "ERROR: libFuzzer: deadly signal" in line), None)
    if signal:  # not None, and the target said something first
        return lines[:signal + 1]
    return lines[:40]


def fuzz_one(course, program, target, seconds):
    """Runs one target for a time; whether it found nothing."""
    work = course.root / "build-fuzz" / "fuzz" / program.name
    corpus, crashes = work / "corpus", work / "crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    log = work / "last-run.log"
    before = set(crashes.iterdir())
    rel = course.relative
    print(f"{bold(program.name)} for {output.format_duration(seconds)}: seeds from "
          f"{rel(str(_seeds(course, target)))}/ (read only); new inputs go to {rel(str(corpus))}/, "
          f"crashes to {rel(str(crashes))}/")
    argv = [program, corpus, _seeds(course, target), f"-max_total_time={seconds}",
            f"-timeout={INPUT_TIMEOUT_SECONDS}", f"-artifact_prefix={crashes}/",
            "-print_final_stats=1"]
    show([rel(str(a)) for a in argv], f"  > {rel(str(log))} 2>&1")
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        try:
            # libFuzzer stops itself at max_total_time; the margin covers
            # loading the corpus, and a libFuzzer that does not stop.
            status = subprocess.run([str(a) for a in argv], stdout=out, stderr=subprocess.STDOUT,
                                    cwd=work, timeout=seconds + 120).returncode
        except subprocess.TimeoutExpired:
            status = None
    text = log.read_text(encoding="utf-8", errors="replace")
    found = sorted(set(crashes.iterdir()) - before)
    if status == 0 and not found:
        print(f"  {green('nothing found')} in {output.format_duration(time.monotonic() - started)}: "
              f"{_summary(text)}")
        return True
    if status is None:
        print(red(f"  libFuzzer did not stop within {seconds + 120} s"))
    else:
        print(red(f"  libFuzzer stopped with status {status}") + "; what it said last:")
        for line in _report(text):
            print(f"    {line}")
    for crash in found:
        print(f"  {bold('input that failed')}: {rel(str(crash))}")
        print(f"    again, under libFuzzer:  {rel(str(program))} {rel(str(crash))}")
        print(f"    again, in the g++ build: build/bin/{program.name} {rel(str(crash))}")
    if found:
        print(f"  Once fixed, copy the input to {rel(str(_seeds(course, target)))}/ under a "
              "name that says what it tests: the replay test (ctest -L fuzz) keeps it fixed.")
    print(f"  the whole log: {rel(str(log))}")
    return False


def fuzz_all(course, seconds):
    """Builds and runs every fuzz target within about `seconds` in all;
    0 if none found anything, 1 if one did."""
    check_toolchain()
    programs = build(course)
    each = max(seconds // len(programs), MIN_SECONDS_EACH)
    failed = [program.name for program, target in programs
              if not fuzz_one(course, program, target, each)]
    if failed:
        raise CourseError(f"fuzzing found a problem in {', '.join(failed)} (above)")
    return 0


def run(course, args):
    output.step(f"Fuzz the course's readers of untrusted bytes for {args.seconds} s "
                "(clang 14, libFuzzer, ASan+UBSan; preset fuzz, into build-fuzz/)")
    note("new inputs are kept in build-fuzz/fuzz/ and the next run starts from them; "
         "delete that folder to start again from the seeds alone")
    return fuzz_all(course, args.seconds)
