"""What every command works on: the course's root and what is in it."""

import os
import shutil
import tempfile
from functools import cached_property
from pathlib import Path

from . import chapters, metadata
from .build import Build
from .output import CourseError
from .progress import Progress


class Course:
    def __init__(self, root):
        self.root = Path(root).resolve()
        self.build = Build(self.root)
        self.progress = Progress(self.root)
        self._temp_dirs = []

    @cached_property
    def chapters(self):
        return chapters.load(self.root)

    @cached_property
    def exercises(self):
        return metadata.load(self.root)

    def chapter(self, text):
        return chapters.parse(text, self.chapters)

    def exercises_of(self, chapter):
        return metadata.of_chapter(self.exercises, chapter.id)

    def exercise(self, chapter, name):
        return metadata.find(self.exercises, chapter.id, name)

    def relative(self, text):
        """Text with the root's path taken out, for shorter messages."""
        return text.replace(f"{self.root}/", "")

    def temp_dir(self):
        """A new directory, removed when the command ends (even on Ctrl-C)."""
        made = Path(tempfile.mkdtemp(prefix="course."))
        self._temp_dirs.append(made)
        return made

    def cleanup(self):
        for made in self._temp_dirs:
            shutil.rmtree(made, ignore_errors=True)
        self._temp_dirs.clear()


def need_tool(name, package):
    if shutil.which(name) is None:
        raise CourseError(f"'{name}' is missing: run ./course setup (or apt-get install {package})")


def default_root():
    """The folder of the `course` file, unless COURSE_ROOT names another
    (the command's own tests point it at small fake courses)."""
    override = os.environ.get("COURSE_ROOT")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent.parent
