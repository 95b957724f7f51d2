"""Tests of the ./course command itself.

They run the real ./course over small fake courses: temporary copies of
fixture/ (two chapters and Part 0, three tiny GoogleTest exercises, their
stubs and solutions) with COURSE_ROOT pointing at the copy, so that the
real tree's build/ and .course/ are never touched. The fixture's exercise
targets come from the real cmake/ folder, copied in beside it, so the
command is tested against the real target and label names.

CheckTest and ReleaseTest build; each configures its copy once.
RealReleaseTest releases the real repository (no build).
"""

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
COURSE = REPO / "course"
FIXTURE = HERE / "fixture"

# Every call of the command or a tool gets a time limit: a hang fails the
# test instead of stalling ctest.
COMMAND_SECONDS = 300

# The command's own modules, for the rule of what a release must not hold.
sys.path.insert(0, str(REPO / "tools"))
from course_cli import leaks  # noqa: E402

GIT_IDENTITY = ["-c", "user.name=course test", "-c", "user.email=test@example.invalid",
                "-c", "commit.gpgsign=false"]


def git(root, *args):
    return subprocess.run(["git", *GIT_IDENTITY, "-C", str(root), *args], check=True,
                          timeout=60, capture_output=True, text=True).stdout


class FakeCourse:
    """A temporary copy of the fixture, committed to a git repository of its
    own (reset restores stubs from git's HEAD)."""

    def __init__(self, with_cmake=False):
        self._temp = tempfile.TemporaryDirectory(prefix="course-test.")
        self.root = Path(self._temp.name) / "course"
        shutil.copytree(FIXTURE, self.root)
        if with_cmake:
            shutil.copytree(REPO / "cmake", self.root / "cmake")
        for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "fixture"]):
            git(self.root, *argv)

    def close(self):
        self._temp.cleanup()

    def run(self, *args, env=None):
        """./course ARGS on this copy, with no terminal: (status, stdout, stderr)."""
        environment = dict(os.environ, COURSE_ROOT=str(self.root), NO_COLOR="1")
        environment.update(env or {})
        result = subprocess.run([str(COURSE), *args], cwd=self.root, env=environment,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=COMMAND_SECONDS)
        return result.returncode, result.stdout, result.stderr

    def run_on_terminal(self, *args, answer=None, env=None):
        """./course ARGS with a terminal as its input and output, as a student
        runs it; answer is typed once it asks a question. (status, output)"""
        environment = dict(os.environ, COURSE_ROOT=str(self.root), TERM="xterm")
        environment.pop("NO_COLOR", None)
        environment.update(env or {})
        leader, follower = pty.openpty()
        try:
            process = subprocess.Popen([str(COURSE), *args], cwd=self.root, env=environment,
                                       stdin=follower, stdout=follower, stderr=follower)
        finally:
            os.close(follower)
        text = b""
        try:
            while True:
                readable, _, _ = select.select([leader], [], [], COMMAND_SECONDS)
                if not readable:
                    process.kill()
                    raise AssertionError(f"./course {' '.join(args)} hung; it printed: {text!r}")
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # every copy of the terminal's other end is closed
                    break
                if not chunk:
                    break
                text += chunk
                if answer is not None and b"[y/N]" in text:
                    os.write(leader, answer)
                    answer = None
            return process.wait(timeout=COMMAND_SECONDS), text.decode("utf-8", "replace")
        finally:
            os.close(leader)

    def path(self, relative):
        return self.root / relative

    def use(self, chapter, name, version):
        """Puts one version of an exercise's file in the student's place:
        stub (the original), solution, broken (does not compile) or crash."""
        mine = self.path(f"exercises/{chapter}/{name}.cpp")
        if version == "partial":  # only add: right but for negative numbers (2 of 3 cases)
            text = '#include "add.hpp"\nint add(int a, int b) { return a < 0 ? 0 : a + b; }\n'
        elif version == "stub":
            text = (FIXTURE / f"exercises/{chapter}/{name}.cpp").read_text()
        elif version == "solution":
            text = (FIXTURE / f"solutions/{chapter}/{name}.cpp").read_text()
        elif version == "broken":
            text = f'#include "{name}.hpp"\nint {name}(int a, int b) {{ return a + ; }}\n'
        elif version == "crash":  # only add: dies on the first test's call
            text = ('#include "add.hpp"\n'
                    'int add(int a, int b) {\n'
                    '    volatile int* nowhere = nullptr;\n'
                    '    return a == 2 ? *nowhere : a + b;\n'
                    '}\n')
        else:
            raise ValueError(version)
        mine.write_text(text)


class CheckTest(unittest.TestCase):
    """./course check over exercises that pass, fail, crash or do not compile."""

    @classmethod
    def setUpClass(cls):
        cls.course = FakeCourse(with_cmake=True)
        subprocess.run(["cmake", "--preset", "default"], cwd=cls.course.root, check=True,
                       capture_output=True, timeout=COMMAND_SECONDS)

    @classmethod
    def tearDownClass(cls):
        cls.course.close()

    def check(self, *args):
        return self.course.run("check", *args)

    def test_no_exercise_passes(self):
        self.course.use("ch01", "add", "stub")
        self.course.use("ch01", "greet", "stub")
        status, out, _ = self.check("ch01")
        self.assertEqual(status, 1)
        self.assertIn("✗ Adding two numbers  (fails its tests)", out)
        self.assertIn("✗ Greeting someone  (fails its tests)", out)
        self.assertIn("First to fix: add  (exercises/ch01/add.cpp)", out)
        # The first failing case, what it printed, and how many more failed.
        self.assertIn("Test Add.SmallNumbers failed (and 1 more):", out)
        self.assertIn("ADD-TEST-SAYS: 2 + 3 is 5", out)
        self.assertIn("ch01: 0/2 exercises pass", out)

    def test_check_shows_no_hint_but_says_how_to_ask(self):
        self.course.use("ch01", "add", "stub")
        _, out, _ = self.check("ch01")
        self.assertNotIn("ADD-HINT", out)
        self.assertIn("./course hint ch01 add", out)
        self.assertIn('Read: "Exercise 1.1: adding" in book/ch01.md', out)
        self.assertIn("build/docs/html/part-ch01.html#ex-ch01-add", out)

    def test_some_pass(self):
        self.course.use("ch01", "add", "solution")
        self.course.use("ch01", "greet", "stub")
        status, out, _ = self.check("ch01")
        self.assertEqual(status, 1)
        self.assertIn("✓ Adding two numbers", out)
        self.assertIn("✗ Greeting someone  (fails its tests)", out)
        self.assertIn("First to fix: greet", out)
        self.assertIn("GREET-TEST-SAYS", out)
        self.assertIn("ch01: 1/2 exercises pass", out)
        # What the check found is what list and hint go by.
        _, listed, _ = self.course.run("list")
        self.assertRegex(listed, r"✓ add +hard +6 pts +Adding two numbers")
        self.assertRegex(listed, r"✗ greet +medium +10 pts +Greeting someone")
        _, hint, _ = self.course.run("hint", "ch01")
        self.assertIn("ch01 greet", hint)

    def test_all_pass(self):
        self.course.use("ch01", "add", "solution")
        self.course.use("ch01", "greet", "solution")
        status, out, _ = self.check("ch01")
        self.assertEqual(status, 0)
        self.assertIn("ch01: 2/2 exercises pass", out)
        self.assertIn("All of ch01 is solved", out)
        self.assertIn('Next: "Part 2: The second fake chapter" in book/ch02.md', out)
        self.assertNotIn("✗", out)
        _, hint, _ = self.course.run("hint", "ch01")
        self.assertIn("Every exercise of ch01 passed", hint)

    def test_one_does_not_compile(self):
        self.course.use("ch01", "add", "broken")
        self.course.use("ch01", "greet", "solution")
        status, out, _ = self.check("ch01")
        self.assertEqual(status, 1)
        self.assertIn("✗ Adding two numbers  (does not compile)", out)
        self.assertIn("✓ Greeting someone", out)  # the others are still checked
        self.assertIn("It does not compile:", out)
        self.assertRegex(out, r"\n +exercises/ch01/add\.cpp:2:[0-9]+: error: ")
        self.assertNotIn(str(self.course.root), out)  # paths as the student sees them
        self.assertIn("ch01: 1/2 exercises pass", out)

    def test_a_crash_is_explained(self):
        self.course.use("ch01", "add", "crash")
        status, out, _ = self.check("ch01", "add")
        self.assertEqual(status, 1)
        self.assertIn("Test Add.SmallNumbers failed", out)
        self.assertIn("segmentation fault", out)
        self.assertIn("gdb --args build/bin/ch01_exercise_add --gtest_filter=Add.SmallNumbers", out)

    def test_one_exercise(self):
        self.course.use("ch01", "add", "broken")  # must not matter
        self.course.use("ch01", "greet", "stub")
        status, out, _ = self.check("ch01", "greet")
        self.assertEqual(status, 1)
        self.assertNotIn("Adding", out)
        self.assertIn("To fix: greet", out)
        self.assertIn("Fix it, then run ./course check ch01 greet again.", out)
        self.assertIn("ch01 greet: fails its tests", out)

        self.course.use("ch01", "greet", "solution")
        status, out, _ = self.check("1", "greet")
        self.assertEqual(status, 0)
        self.assertIn("✓ Greeting someone", out)
        self.assertIn("ch01 greet: passes", out)

    def test_part_0_has_exercises(self):
        self.course.use("ch00", "twice", "solution")
        status, out, _ = self.check("ch00")
        self.assertEqual(status, 0)
        self.assertIn("ch00: 1/1 exercises pass", out)
        self.assertIn("then ./course demo ch01", out)
        self.assertNotIn("diff ch00", out)  # Part 0 takes no part in diff

    def check_json(self, *args):
        status, out, err = self.check(*args, "--json")
        try:
            return status, json.loads(out), err
        except ValueError:
            self.fail(f"not one JSON document on stdout: {out!r}")

    def test_json(self):
        self.course.use("ch01", "add", "partial")
        self.course.use("ch01", "greet", "broken")
        status, document, _ = self.check_json("ch01")
        self.assertEqual(status, 1)
        self.assertEqual(document["chapter"], "ch01")
        by_name = {e["name"]: e for e in document["exercises"]}
        self.assertEqual(sorted(by_name), ["add", "greet"])
        add = by_name["add"]
        self.assertEqual(add["status"], "fail")
        self.assertEqual({t["name"]: t["status"] for t in add["tests"]},
                         {"Add.SmallNumbers": "pass", "Add.Zero": "pass", "Add.Negative": "fail"})
        failed = [t for t in add["tests"] if t["status"] == "fail"][0]
        self.assertIn("add(-2, -3)", failed["message"])  # GoogleTest's own failure text
        self.assertNotIn(str(self.course.root), failed["message"])
        greet = by_name["greet"]
        self.assertEqual(greet["status"], "error")
        self.assertEqual(greet["tests"], [])
        self.assertIn("exercises/ch01/greet.cpp:2", greet["message"])
        self.assertEqual((document["passed"], document["total"]), (0, 2))

    def test_json_all_pass_and_a_crash(self):
        self.course.use("ch01", "add", "solution")
        status, document, _ = self.check_json("ch01", "add")
        self.assertEqual(status, 0)
        self.assertEqual([e["status"] for e in document["exercises"]], ["pass"])
        self.course.use("ch01", "add", "crash")
        status, document, _ = self.check_json("1", "add")
        self.assertEqual(status, 1)
        tests = {t["name"]: t for t in document["exercises"][0]["tests"]}
        # The crash costs its own case only: the others still report.
        self.assertEqual(tests["Add.SmallNumbers"]["status"], "fail")
        self.assertIn("SIGSEGV", tests["Add.SmallNumbers"]["message"])
        self.assertEqual(tests["Add.Zero"]["status"], "pass")

    def test_chapter_without_exercises(self):
        status, out, _ = self.check("ch02")
        self.assertEqual(status, 0)
        self.assertIn("ch02 has no exercises yet.", out)


class ReleaseTest(unittest.TestCase):
    """./course release on the fixture, and in the release: check, grade,
    the tampered test, the Classroom workflow, the site check."""

    @classmethod
    def setUpClass(cls):
        cls.course = FakeCourse(with_cmake=True)
        cls.answers = leaks.distinctive_lines(cls.course.root)
        cls._temp = tempfile.TemporaryDirectory(prefix="course-release.")
        cls.release = Path(cls._temp.name) / "release"
        cls.status, cls.out, cls.err = cls.course.run("release", str(cls.release))
        # The release's own command is the real one, pointed at the release.
        cls.student = FakeCourse.__new__(FakeCourse)
        cls.student.root = cls.release

    @classmethod
    def tearDownClass(cls):
        cls._temp.cleanup()
        cls.course.close()

    def setUp(self):
        self.assertEqual(self.status, 0, self.out + self.err)
        for name in ("add", "greet"):
            self.student.use("ch01", name, "stub")
        self.student.use("ch00", "twice", "stub")

    def grade(self, *args):
        results = Path(tempfile.mkdtemp(prefix="results.", dir=self._temp.name))
        status, out, err = self.student.run("grade", str(results), *args)
        document = json.loads((results / "results.json").read_text())
        return status, out + err, document

    def test_no_solutions_and_one_commit(self):
        self.assertFalse((self.release / "solutions").exists())
        self.assertEqual(git(self.release, "rev-list", "--count", "HEAD").strip(), "1")
        self.assertEqual(git(self.release, "status", "--porcelain", "--untracked-files=no"), "")
        readme = (self.release / "README.md").read_text()
        self.assertIn("Student release", readme)
        self.assertIn("./course setup", readme)
        self.assertIn("./course check ch00", readme)
        manifest = json.loads((self.release / "release.json").read_text())
        self.assertIn("tests/ch01/add_test.cpp", manifest["checksums"])
        self.assertNotIn("exercises/ch01/add.cpp", manifest["checksums"])
        self.assertIn("exercises/ch01/add.cpp", manifest["student_files"])

    def test_no_distinctive_line(self):
        self.assertIn('return "hello, " + name;', self.answers)  # the rule has a line to look for
        texts = [p.read_text(errors="replace") for p in self.release.rglob("*")
                 if p.is_file() and ".git" not in p.parts]
        for line in self.answers:
            self.assertFalse([t for t in texts if line in t], line)

    def test_a_leak_stops_the_release(self):
        leaky = FakeCourse()
        self.addCleanup(leaky.close)
        with open(leaky.path("book/ch01.md"), "a") as book:
            book.write('\n```\n    return "hello, " + name;\n```\n')
        git(leaky.root, "commit", "-q", "-am", "a leak")
        target = Path(self._temp.name) / "leaky"
        status, _, err = leaky.run("release", str(target))
        self.assertEqual(status, 1)
        self.assertIn("book/ch01.md:", err)
        self.assertIn("from solutions/ch01/greet.cpp", err)
        self.assertFalse(target.exists())

    def test_check_in_the_release(self):
        status, out, _ = self.student.run("check", "ch01")
        self.assertEqual(status, 1, out)
        self.assertIn("ch01: 0/2 exercises pass", out)
        for name in ("add", "greet"):
            self.student.use("ch01", name, "solution")
        status, out, _ = self.student.run("check", "ch01")
        self.assertEqual(status, 0, out)
        self.assertIn("ch01: 2/2 exercises pass", out)

    def test_solution_says_there_is_none(self):
        status, out, _ = self.student.run("solution", "ch01", "add")
        self.assertEqual(status, 0)
        self.assertIn("no solutions", out)
        self.assertIn("./course hint ch01 add", out)

    def test_grade_gives_partial_credit(self):
        self.student.use("ch01", "greet", "solution")
        self.student.use("ch01", "add", "partial")
        status, out, document = self.grade()
        self.assertEqual(status, 1, out)
        # Gradescope's schema: tests with name, score, max_score, status, output.
        tests = {t["name"].split(":")[0]: t for t in document["tests"]}
        self.assertEqual(sorted(tests), ["ch00 twice", "ch01 add", "ch01 greet"])
        for test in document["tests"]:
            self.assertEqual(set(test) >= {"name", "score", "max_score", "status", "output"}, True)
            self.assertIn(test["status"], ("passed", "failed"))
        self.assertEqual((tests["ch01 greet"]["score"], tests["ch01 greet"]["max_score"],
                          tests["ch01 greet"]["status"]), (10, 10, "passed"))
        # 2 of its 3 cases pass, and the stub passed 1 (Add.Zero): half the work.
        self.assertEqual((tests["ch01 add"]["score"], tests["ch01 add"]["max_score"],
                          tests["ch01 add"]["status"]), (3, 6, "failed"))
        self.assertIn("2 of 3 tests pass (the untouched stub passes 1)", tests["ch01 add"]["output"])
        self.assertIn("✗ Add.Negative", tests["ch01 add"]["output"])
        self.assertEqual(tests["ch00 twice"]["score"], 0)
        self.assertEqual(document["score"], 13)

    def test_grade_one_exercise_and_a_submission_folder(self):
        status, _, document = self.grade("ch01", "add")
        # The stub's add() returns 0: right for Add.Zero, which earns nothing.
        self.assertEqual((status, len(document["tests"]), document["score"]), (1, 1, 0))
        self.assertIn("1 of 3 tests pass (the untouched stub passes 1)",
                      document["tests"][0]["output"])
        submission = Path(tempfile.mkdtemp(dir=self._temp.name))
        shutil.copy(FIXTURE / "solutions/ch01/add.cpp", submission / "add.cpp")  # a loose upload
        status, out, document = self.grade("ch01", "add", "--submission", str(submission))
        self.assertEqual((status, document["score"]), (0, 6), out)

    def test_grade_as_gradescope_does(self):
        # Gradescope unpacks the release without its history, and puts the
        # student's files in a folder of their own.
        copy = Path(tempfile.mkdtemp(dir=self._temp.name)) / "source"
        shutil.copytree(self.release, copy, ignore=shutil.ignore_patterns(".git", "build", ".course"))
        submission = Path(tempfile.mkdtemp(dir=self._temp.name))
        (submission / "exercises/ch01").mkdir(parents=True)
        self.student.use("ch01", "add", "partial")
        shutil.copy(self.release / "exercises/ch01/add.cpp", submission / "exercises/ch01/add.cpp")
        self.student.use("ch01", "add", "stub")
        gradescope = FakeCourse.__new__(FakeCourse)
        gradescope.root = copy
        results = Path(tempfile.mkdtemp(dir=self._temp.name))
        status, out, err = gradescope.run("grade", str(results), "--submission", str(submission))
        document = json.loads((results / "results.json").read_text())
        self.assertIn("no git history", document["output"])
        tests = {t["name"].split(":")[0]: t["score"] for t in document["tests"]}
        self.assertEqual(tests, {"ch00 twice": 0, "ch01 add": 3, "ch01 greet": 0}, out + err)
        # Without history, a changed test has no pristine copy to grade with.
        (copy / "tests/ch01/add_test.cpp").write_text("// nothing to pass\n")
        status, _, err = gradescope.run("grade", str(results), "--submission", str(submission))
        self.assertEqual(status, 1)
        self.assertIn("no pristine copy of tests/ch01/add_test.cpp", err)

    def test_a_tampered_test_is_not_used(self):
        test = self.release / "tests/ch01/add_test.cpp"
        released = test.read_text()
        self.addCleanup(test.write_text, released)
        # A student's "fix": tests that the stub passes, committed.
        test.write_text('#include <gtest/gtest.h>\nTEST(Add, Zero) { SUCCEED(); }\n')
        git(self.release, "commit", "-q", "-am", "easier")
        self.addCleanup(git, self.release, "reset", "-q", "--hard", "HEAD~1")
        status, out, document = self.grade("ch01", "add")
        self.assertEqual(status, 1)
        self.assertIn("tests/ch01/add_test.cpp", out)
        self.assertIn("tests/ch01/add_test.cpp", document["output"])
        # The released test's verdict on the stub, not the edited one's.
        self.assertEqual(document["tests"][0]["score"], 0)
        self.assertIn("1 of 3 tests pass", document["tests"][0]["output"])
        _, out, _ = self.student.run("check", "ch01", "add")
        self.assertIn("these files differ from the release: tests/ch01/add_test.cpp", out)

    def test_classroom_workflow(self):
        workflow = (self.release / ".github/workflows/classroom.yml").read_text()
        steps = re.findall(r"uses: classroom-resources/autograding-command-grader@v1\n"
                           r" +with:\n +test-name: .*\n +command: (.*)\n +timeout: .*\n"
                           r" +max-score: ([0-9]+)", workflow)
        self.assertEqual(steps, [("./course grade .course/classroom ch00 twice", "4"),
                                 ("./course grade .course/classroom ch01 add", "6"),
                                 ("./course grade .course/classroom ch01 greet", "10")])
        self.assertIn("runners: ch00-twice,ch01-add,ch01-greet", workflow)
        self.assertIn('CH01-ADD_RESULTS: "${{steps.ch01-add.outputs.result}}"', workflow)
        self.assertIn("autograding-grading-reporter@v1", workflow)

    def test_gradescope_scripts(self):
        run = (self.release / "gradescope/run_autograder").read_text()
        self.assertIn("./course grade /autograder/results --submission /autograder/submission", run)
        self.assertTrue(os.access(self.release / "gradescope/run_autograder", os.X_OK))

    def test_site_check(self):
        html = Path(tempfile.mkdtemp(dir=self._temp.name))
        (html / "page.html").write_text("<p>Nothing to see.</p>\n")
        status, out, err = self.student.run("release", "--check-site", str(html))
        self.assertEqual(status, 0, out + err)
        (html / "leak.html").write_text(
            '<div class="line">    <span>return</span> &quot;hello, &quot; + name;</div>\n')
        status, out, err = self.student.run("release", "--check-site", str(html))
        self.assertEqual(status, 1)
        self.assertIn("leak.html:1", out)


class RealReleaseTest(unittest.TestCase):
    """The real course released (its last commit), without a build: no
    file of solutions/, one commit, no distinctive line of a solution."""

    def test_release_the_real_course(self):
        if not (REPO / "solutions").is_dir():
            self.skipTest("this copy is itself a student release: no solutions to keep out")
        with tempfile.TemporaryDirectory(prefix="course-real-release.") as temp:
            target = Path(temp) / "release"
            result = subprocess.run([str(COURSE), "release", str(target)], capture_output=True,
                                    text=True, timeout=COMMAND_SECONDS,
                                    env={k: v for k, v in os.environ.items() if k != "COURSE_ROOT"})
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(git(target, "rev-list", "--count", "HEAD").strip(), "1")
            files = [p for p in target.rglob("*") if p.is_file() and ".git" not in p.parts]
            self.assertFalse((target / "solutions").exists())
            solution_texts = {p.read_bytes() for p in (REPO / "solutions").rglob("*.cpp")}
            # No file of solutions/ under another name either (a stub is never
            # its solution).
            self.assertFalse([p for p in files if p.read_bytes() in solution_texts])
            # The rule applied to what was released: the last commit, not
            # the working tree, where someone may be editing a chapter.
            head = Path(temp) / "head"
            head.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "HEAD"],
                                     check=True, capture_output=True, timeout=COMMAND_SECONDS)
            subprocess.run(["tar", "-x", "-C", str(head)], input=archive.stdout, check=True,
                           timeout=COMMAND_SECONDS)
            answers = leaks.distinctive_lines(head)
            self.assertGreater(len(answers), 50)  # the rule leaves something to look for
            digests = {leaks.digest(line) for line in answers}
            self.assertEqual(leaks.find(target, digests, skip=(".git",)), [])


class CommandTest(unittest.TestCase):
    """The commands that build nothing, each on a fresh copy."""

    def setUp(self):
        self.course = FakeCourse()
        self.addCleanup(self.course.close)

    def assertUsageError(self, args, message):
        status, out, err = self.course.run(*args)
        self.assertEqual(status, 2, f"./course {' '.join(args)}: {out}{err}")
        self.assertIn(message, err)
        self.assertIn("Run ./course help", err)

    def test_usage_errors_exit_2(self):
        self.assertUsageError(["frobnicate"], "unknown command 'frobnicate'")
        self.assertUsageError(["check", "ch07"], "there is no chapter ch07; the chapters are: ch00 ch01 ch02")
        self.assertUsageError(["check", "chapter1"], "'chapter1' is not a chapter")
        self.assertUsageError(["check", "ch01", "nope"], "ch01 has no exercise 'nope'; its exercises are: add greet")
        self.assertUsageError(["hint", "ch01", "nope"], "ch01 has no exercise 'nope'")
        self.assertUsageError(["solution", "ch01"], "usage: ./course solution chNN NAME")
        self.assertUsageError(["reset", "ch01", "--force"], "--force")
        self.assertUsageError(["list", "extra"], "usage: ./course list")
        self.assertUsageError(["fuzz", "soon"], "'soon' is not a number of seconds")
        self.assertUsageError(["fuzz", "0"], "SECONDS must be 1 or more")

    def test_help(self):
        for args in ([], ["help"], ["--help"]):
            status, out, _ = self.course.run(*args)
            self.assertEqual(status, 0)
            for command in ("setup", "test", "check", "hint", "solution", "reset", "demo",
                            "diff", "docs", "bench", "fuzz", "list", "release", "grade", "guide"):
                self.assertIn(f"./course {command}", out)

    def test_chapter_spellings(self):
        outputs = {spelling: self.course.run("solution", spelling, "add")
                   for spelling in ("ch01", "ch1", "01", "1")}
        self.assertEqual(outputs["ch01"][0], 0)
        for spelling, result in outputs.items():
            self.assertEqual(result, outputs["ch01"], spelling)

    def test_hint_reveals_one_more_line_each_time(self):
        status, out, _ = self.course.run("hint", "ch01", "add")
        self.assertEqual(status, 0)
        self.assertIn("Hint (1 of 3):", out)
        self.assertIn("ADD-HINT-ONE", out)
        self.assertNotIn("ADD-HINT-TWO", out)
        self.assertIn("Ask again for the next line: ./course hint ch01 add", out)

        _, out, _ = self.course.run("hint", "ch01", "add")
        self.assertIn("ADD-HINT-ONE", out)  # the lines shown before stay shown
        self.assertIn("ADD-HINT-TWO", out)
        self.assertNotIn("ADD-HINT-THREE", out)

        _, out, _ = self.course.run("hint", "1", "add")
        self.assertIn("ADD-HINT-THREE", out)
        self.assertIn("All 3 lines of this hint are now shown", out)

        _, out, _ = self.course.run("hint", "ch01", "add")
        self.assertIn("Hint (3 of 3):", out)
        self.assertIn("were already shown", out)

        # Each exercise counts its own.
        _, out, _ = self.course.run("hint", "ch01", "greet")
        self.assertIn("GREET-HINT-ONE", out)
        self.assertNotIn("GREET-HINT-TWO", out)

    def test_hint_without_a_name_is_for_the_first_unsolved(self):
        _, out, _ = self.course.run("hint", "ch01")
        self.assertIn("ch01 add — Adding two numbers", out)
        self.assertIn("ADD-HINT-ONE", out)

    def test_solution(self):
        status, out, _ = self.course.run("solution", "ch01", "add")
        self.assertEqual(status, 0)
        self.assertIn("solutions/ch01/add.cpp", out)
        self.assertIn("--- exercises/ch01/add.cpp", out)
        self.assertIn("+++ solutions/ch01/add.cpp", out)
        self.assertIn("-    return 0;  // TODO(exercise)", out)
        self.assertIn("+    return a + b;", out)

        self.course.use("ch01", "add", "solution")
        _, out, _ = self.course.run("solution", "ch01", "add")
        self.assertIn("exercises/ch01/add.cpp is identical to the reference.", out)

    def test_reset_refuses_without_a_terminal(self):
        self.course.use("ch01", "add", "solution")
        status, _, err = self.course.run("reset", "ch01", "add")
        self.assertEqual(status, 1)
        self.assertIn("refusing to overwrite your work without a terminal to ask: add --yes", err)
        self.assertEqual(self.course.path("exercises/ch01/add.cpp").read_text(),
                         (FIXTURE / "solutions/ch01/add.cpp").read_text())
        self.assertFalse(self.course.path(".course/backup").exists())

    def test_reset_with_yes_saves_a_backup(self):
        self.course.use("ch01", "add", "solution")
        status, out, _ = self.course.run("reset", "ch01", "--yes")
        self.assertEqual(status, 0)
        self.assertIn("These files differ from the original stub: exercises/ch01/add.cpp\n", out)
        self.assertEqual(self.course.path("exercises/ch01/add.cpp").read_text(),
                         (FIXTURE / "exercises/ch01/add.cpp").read_text())
        saved = re.search(r"Your versions are saved in (\.course/backup/[^ ]+)/\.", out)
        self.assertIsNotNone(saved, out)
        self.assertEqual(self.course.path(f"{saved.group(1)}/exercises/ch01/add.cpp").read_text(),
                         (FIXTURE / "solutions/ch01/add.cpp").read_text())

        status, out, _ = self.course.run("reset", "ch01", "--yes")
        self.assertEqual(status, 0)
        self.assertIn("Nothing to reset", out)

    def test_list(self):
        status, out, _ = self.course.run("list")
        self.assertEqual(status, 0)
        self.assertIn("ch00  common  The fake socket layer", out)
        self.assertIn("ch01  chapters/ch01_first  The first fake chapter", out)
        self.assertRegex(out, r"· add +hard +6 pts +Adding two numbers")
        # An exercise whose metadata says nothing is a medium one, 10 points.
        self.assertRegex(out, r"· greet +medium +10 pts +Greeting someone")
        self.assertRegex(out, r"ch02 .*\n +\(no exercises yet\)")

    def guide_page(self):
        page = self.course.path("guide.dox")
        status, out, err = self.course.run("guide", "--dox", str(page))
        self.assertEqual(status, 0, out + err)
        return page.read_text()

    def test_guide_page_from_the_metadata(self):
        page = self.guide_page()
        self.assertIn("\\page instructors-parts", page)
        self.assertIn("\\section instructors-ch01 Part 1: The first fake chapter", page)
        self.assertIn("| Adding two numbers (`add`) | hard | 6 | `./course check ch01 add` |", page)
        self.assertIn("| Greeting someone (`greet`) | medium | 10 |", page)
        # Without chapters/teaching.json each part builds on the one before.
        self.assertIn("ch00 -> ch01;", page)
        self.assertIn("ch01 -> ch02;", page)
        self.assertIn("`./course diff ch01 ch02`", page)
        # Lab time from the difficulties: hard 1.5 h + medium 1 h.
        self.assertRegex(page, r"\| \\ref part-ch01 \| [^|]+ \| 1\.5 h \| 2\.5 h \| 2 \| 16 \| no \|")

    def test_guide_takes_a_new_part_and_the_teaching_notes(self):
        with open(self.course.path("chapters/chapters.txt"), "a") as listing:
            listing.write("ch03   chapters/ch03_third    fake::ch03   The third fake chapter\n")
        self.course.path("chapters/teaching.json").write_text(json.dumps({"parts": {
            "ch02": {"objectives": ["SECOND-OBJECTIVE"], "depends_on": ["ch00"],
                     "lecture_hours": 3, "skippable": "SECOND-SKIP"}}}))
        page = self.guide_page()
        self.assertIn("\\section instructors-ch03 Part 3: The third fake chapter", page)
        self.assertIn("ch02 -> ch03;", page)
        self.assertIn("Its objectives are not written yet", page)
        self.assertIn("- SECOND-OBJECTIVE", page)
        self.assertIn("ch00 -> ch02;", page)
        self.assertNotIn("ch01 -> ch02;", page)
        self.assertIn("Can be skipped: SECOND-SKIP", page)
        self.assertRegex(page, r'ch02 \[label=[^]]*style="rounded,dashed"\]')
        # No book page yet: no link that Doxygen could not resolve.
        self.assertNotIn("part-ch03", page)
        _, out, _ = self.course.run("guide")
        self.assertIn("Part 3: The third fake chapter", out)

    def test_part_0_has_no_demo_and_no_diff(self):
        self.assertUsageError(["demo", "ch00"], "ch00 is Part 0")
        self.assertUsageError(["diff", "ch00", "ch01"], "takes no part in diff")
        self.assertUsageError(["bench", "0"], "ch00 is Part 0")

    def test_diff_shows_only_the_lesson(self):
        status, out, _ = self.course.run("diff", "ch01", "ch02")
        self.assertEqual(status, 0)
        self.assertIn("+int ch02_added();", out)
        self.assertIn("-// chapter 1 of the fake course", out)
        # The first chapter's copy carries the second's name: no line or
        # folder differs by the name alone.
        self.assertNotIn("include/ch01", out)
        # A reference to the book's Part 1 is the same text in both
        # chapters: the renaming must not turn one side into part-ch02.
        changed = [line for line in out.splitlines()
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        self.assertFalse([line for line in changed if "ref " in line], changed)

    def test_colours_on_a_terminal_only_without_no_color(self):
        status, text = self.course.run_on_terminal("list")
        self.assertEqual(status, 0)
        self.assertIn("\033[", text)
        _, text = self.course.run_on_terminal("list", env={"NO_COLOR": "1"})
        self.assertNotIn("\033[", text)
        _, piped, _ = self.course.run("list", env={"NO_COLOR": "", "TERM": "xterm"})
        self.assertNotIn("\033[", piped)

    def test_reset_asks_on_a_terminal(self):
        self.course.use("ch01", "add", "solution")
        solved = self.course.path("exercises/ch01/add.cpp").read_text()
        status, text = self.course.run_on_terminal("reset", "ch01", answer=b"n\n")
        self.assertEqual(status, 1)
        self.assertIn("Save a backup and put the stub back? [y/N]", text)
        self.assertIn("Nothing changed.", text)
        self.assertEqual(self.course.path("exercises/ch01/add.cpp").read_text(), solved)

        status, text = self.course.run_on_terminal("reset", "ch01", answer=b"yes\n")
        self.assertEqual(status, 0)
        self.assertIn("restored exercises/ch01/add.cpp", text)
        self.assertEqual(self.course.path("exercises/ch01/add.cpp").read_text(),
                         (FIXTURE / "exercises/ch01/add.cpp").read_text())

    def test_the_root_is_the_folder_of_the_command(self):
        env = {k: v for k, v in os.environ.items() if k != "COURSE_ROOT"}
        result = subprocess.run([str(COURSE), "list"], cwd=self.course.root, env=env,
                                capture_output=True, text=True, timeout=COMMAND_SECONDS)
        self.assertEqual(result.returncode, 0)
        real = re.search(r"^ch01\s+(\S+)", (REPO / "chapters/chapters.txt").read_text(), re.M)
        self.assertIn(f"ch01  {real.group(1)}", result.stdout)
        self.assertNotIn("fake", result.stdout)


if __name__ == "__main__":
    unittest.main()
