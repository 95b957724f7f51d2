"""Every exercise, from exercises/exercises.json: the one file CMake, the
docs and this command read (cmake/CourseExercises.cmake checks its fields)."""

import json
from dataclasses import dataclass

from .output import CourseError, UsageError

# An exercise added without these still works everywhere (list, grade, the
# guide): it counts as a medium one worth the usual points until its
# author says otherwise.
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_DIFFICULTY = "medium"
DEFAULT_POINTS = 10


@dataclass(frozen=True)
class Exercise:
    chapter: str       # ch01
    name: str          # reuse_address
    title: str
    files: tuple       # the student's files, relative to exercises/chNN/
    test: str          # the test's source, relative to the root
    book: str          # the anchor of its book section
    hints: tuple       # one line each, to reveal one at a time
    difficulty: str = DEFAULT_DIFFICULTY   # one of DIFFICULTIES
    points: int = DEFAULT_POINTS           # what grade gives a fully passing exercise

    @property
    def target(self):
        """The build target of the student's version (CourseExercises.cmake)."""
        return f"{self.chapter}_exercise_{self.name}"

    @property
    def label(self):
        """The ctest label of its tests."""
        return f"ex_{self.chapter}_{self.name}"

    @property
    def test_prefix(self):
        """What ctest puts before each GoogleTest case's name."""
        return f"exercise.{self.chapter}.{self.name}."

    def paths(self, folder="exercises"):
        return [f"{folder}/{self.chapter}/{f}" for f in self.files]


def load(root):
    path = root / "exercises" / "exercises.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError("exercises/exercises.json is missing: no exercises to work on") from None
    except ValueError as e:
        raise CourseError(f"exercises/exercises.json is not valid JSON: {e}") from None
    exercises = []
    for number, entry in enumerate(data.get("exercises", []), 1):
        try:
            hints = entry.get("hint", [])
            if isinstance(hints, str):
                hints = [hints]
            exercises.append(Exercise(
                chapter=entry["chapter"], name=entry["name"], title=entry.get("title", entry["name"]),
                files=tuple(entry["files"]), test=entry.get("test", ""), book=entry.get("book", ""),
                hints=tuple(hints),
                difficulty=_difficulty(entry, number), points=_points(entry, number)))
        except (KeyError, TypeError, AttributeError) as e:
            raise CourseError(f"exercises/exercises.json: exercise {number} is incomplete ({e})") from None
    return exercises


def _difficulty(entry, number):
    value = entry.get("difficulty", DEFAULT_DIFFICULTY)
    if value not in DIFFICULTIES:
        raise CourseError(f"exercises/exercises.json: exercise {number}: \"difficulty\" must be "
                          f"one of {', '.join(DIFFICULTIES)}, not {value!r}")
    return value


def _points(entry, number):
    value = entry.get("points", DEFAULT_POINTS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CourseError(f"exercises/exercises.json: exercise {number}: \"points\" must be "
                          f"a whole number, 0 or more, not {value!r}")
    return value


def of_chapter(exercises, chapter_id):
    return [e for e in exercises if e.chapter == chapter_id]


def find(exercises, chapter_id, name):
    """The named exercise of a chapter; a usage error naming the real ones."""
    mine = of_chapter(exercises, chapter_id)
    for exercise in mine:
        if exercise.name == name:
            return exercise
    if not mine:
        raise UsageError(f"{chapter_id} has no exercises, so none called '{name}'")
    raise UsageError(f"{chapter_id} has no exercise '{name}'; its exercises are: "
                     + " ".join(e.name for e in mine))
