#!/usr/bin/env python3
"""Every program the course builds answers --help and a bad argument.

    programs_cli.py BIN_DIR

For each program in BIN_DIR (build/bin) that the course wrote itself:
`--help` prints a usage on stdout and exits 0, at once, without binding
anything; an argument it does not know gets one line on stderr that
starts with the program's name and says what was wrong, nothing on
stdout, and exit status 2. GoogleTest programs (the tests, the exercises,
the solutions) are left out: their command line is GoogleTest's, and
--help there is GoogleTest's own.
"""

import os
import subprocess
import sys
import unittest

TIMEOUT = 30.0  # generous: the ASan twins start slowly on a busy machine
BIN_DIR = ""


def run(program, *arguments):
    result = subprocess.run([program, *arguments], stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=TIMEOUT)
    return result.returncode, result.stdout.decode(errors="replace"), \
        result.stderr.decode(errors="replace")


def is_googletest(program):
    # Asked to list its tests, a GoogleTest program does; any other
    # program of the course refuses the option.
    status, out, _ = run(program, "--gtest_list_tests")
    return status == 0 and out.strip() != ""


def course_programs():
    programs = []
    for name in sorted(os.listdir(BIN_DIR)):
        path = os.path.join(BIN_DIR, name)
        if os.path.isfile(path) and os.access(path, os.X_OK) and not is_googletest(path):
            programs.append(path)
    return programs


class EveryProgram(unittest.TestCase):
    def setUp(self):
        self.programs = course_programs()
        self.assertTrue(self.programs, f"no program of the course in {BIN_DIR}")

    def test_help_prints_usage_and_exits_0(self):
        for program in self.programs:
            name = os.path.basename(program)
            with self.subTest(program=name):
                status, out, err = run(program, "--help")
                self.assertEqual(status, 0, f"{name} --help: stderr {err!r}")
                self.assertIn("usage", out.lower(), f"{name} --help printed no usage on stdout")
                self.assertNotRegex(out, r"(?m)^listening on ", f"{name} --help started serving")

    def test_an_unknown_argument_is_one_line_and_exit_2(self):
        for program in self.programs:
            name = os.path.basename(program)
            with self.subTest(program=name):
                status, out, err = run(program, "--no-such-option")
                self.assertEqual(status, 2, f"{name} --no-such-option: stderr {err!r}")
                self.assertEqual(out, "", f"{name}: a mistake printed on stdout")
                first = err.splitlines()[0] if err else ""
                stem = name.removesuffix("_asan")
                self.assertRegex(first, rf"^{stem}(_asan)?: \S",
                                 f"{name}: the first stderr line does not name the program")
                self.assertIn("--no-such-option", first,
                              f"{name}: the first stderr line does not say what was wrong")


if __name__ == "__main__":
    BIN_DIR = sys.argv[1]
    unittest.main(argv=sys.argv[:1], verbosity=2)
