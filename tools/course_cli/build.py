"""The cmake and ctest calls: all through the `default` preset of
CMakePresets.json (its tree is build/), as a student would type them.

Test results are read from `ctest --output-junit` (XML), and a test's
command and time limit from `ctest --show-only=json-v1`: never from the
text ctest prints for people.
"""

import json
import os
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from . import output
from .output import CourseError


@dataclass
class TestResult:
    name: str
    status: str      # "run" (passed), "fail", "notrun", "disabled"
    seconds: float
    output: str
    message: str     # ctest's reason for a skip or failure, often empty

    @property
    def passed(self):
        return self.status == "run"


def read_junit(path):
    """The results ctest wrote with --output-junit."""
    root = ElementTree.parse(path).getroot()
    results = []
    for case in root.iter("testcase"):
        message = ""
        for tag in ("failure", "skipped", "error"):
            element = case.find(tag)
            if element is not None:
                message = element.get("message", "")
        out = case.find("system-out")
        results.append(TestResult(
            name=case.get("name", ""), status=case.get("status", "fail"),
            seconds=float(case.get("time") or 0),
            output=(out.text or "") if out is not None else "", message=message))
    return results


class Build:
    def __init__(self, root, preset="default"):
        self.root = root
        self.preset = preset
        self.dir = root / "build"
        self._targets = None

    def _tool(self, argv, **kwargs):
        try:
            return subprocess.run(argv, cwd=self.root, **kwargs)
        except FileNotFoundError:
            raise CourseError(f"'{argv[0]}' is missing: run ./course setup "
                              "(or apt-get install cmake)") from None

    def configure(self, quiet=False, timings=None):
        argv = ["cmake", "--preset", self.preset]
        if quiet:
            result = self._tool(argv, capture_output=True, text=True)
            if result.returncode != 0:
                print(result.stdout + result.stderr)
                raise CourseError("the configure step failed (above: cmake's words)", result.returncode)
        else:
            output.show_run(argv, timings=timings, cwd=self.root)
        self._targets = None

    def is_configured(self):
        return (self.dir / "CMakeCache.txt").is_file()

    def ensure_configured(self, quiet=False):
        """Configures once; later builds configure again by themselves."""
        if not self.is_configured():
            self.configure(quiet=quiet)

    def has_target(self, name):
        """Whether the build tree has this target (Ninja lists them all)."""
        if self._targets is None:
            result = self._tool(["cmake", "--build", str(self.dir), "--target", "help"],
                                capture_output=True, text=True)
            self._targets = set()
            if result.returncode == 0:
                for line in result.stdout.splitlines():
                    name_part, colon, _ = line.partition(": ")
                    if colon:
                        self._targets.add(name_part)
        return name in self._targets

    def build(self, *targets, timings=None):
        """The preset's build of some targets, shown and on the terminal."""
        argv = ["cmake", "--build", "--preset", self.preset]
        for target in targets:
            argv += ["--target", target]
        output.show_run(argv, timings=timings, cwd=self.root)

    def build_quietly(self, target, log):
        """Builds one target into a log; whether it built."""
        with open(log, "w", encoding="utf-8") as out:
            result = self._tool(["cmake", "--build", str(self.dir), "--target", target],
                                stdout=out, stderr=subprocess.STDOUT)
        return result.returncode == 0

    def run_tests(self, label, junit):
        """Runs the tests of one label; their results, [] if there is none."""
        if junit.exists():
            junit.unlink()
        result = self._tool(
            ["ctest", "--test-dir", str(self.dir), "-L", f"^{label}$", "--no-tests=error",
             "--output-junit", str(junit), "-j", str(os.cpu_count() or 2)],
            capture_output=True, text=True)
        if not junit.exists():
            if result.returncode != 0 and "No tests were found" not in result.stdout + result.stderr:
                raise CourseError("ctest failed:\n" + result.stdout + result.stderr)
            return []
        return read_junit(junit)

    def test_details(self, label):
        """name -> (command, timeout in seconds or None, working directory)
        for the tests of a label."""
        result = self._tool(["ctest", "--test-dir", str(self.dir), "-L", f"^{label}$",
                             "--show-only=json-v1"], capture_output=True, text=True)
        details = {}
        if result.returncode != 0:
            return details
        for test in json.loads(result.stdout).get("tests", []):
            timeout, cwd = None, self.dir
            for prop in test.get("properties", []):
                if prop.get("name") == "TIMEOUT":
                    timeout = float(prop.get("value"))
                elif prop.get("name") == "WORKING_DIRECTORY":
                    cwd = prop.get("value")
            details[test.get("name")] = (test.get("command", []), timeout, cwd)
        return details
