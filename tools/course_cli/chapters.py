"""The course's parts, from chapters/chapters.txt (its header says the format).

ch00 is Part 0, the shared socket layer in common/: it has exercises and a
part of the book, but it is no snapshot of the server, so it has no echo
server demo and nothing to diff against.
"""

import re
from dataclasses import dataclass

from .output import CourseError, UsageError


@dataclass(frozen=True)
class Chapter:
    id: str          # ch01
    dir: str         # chapters/ch01_tcp_server, relative to the root
    namespace: str   # sockserv::ch01
    title: str       # A blocking TCP server

    @property
    def number(self):
        return int(self.id[2:])

    @property
    def is_snapshot(self):
        """Whether this is a stage of the server (a demo, a diff), not Part 0."""
        return self.dir.startswith("chapters/")  # as cmake/CourseChapters.cmake decides

    def part_0(self):
        """How Part 0 introduces itself when asked for what only chapters have."""
        return f"{self.id} is Part 0, the socket layer in {self.dir}/"


def load(root):
    path = root / "chapters" / "chapters.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseError("chapters/chapters.txt is missing: it lists the course's chapters") from None
    chapters = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(None, 3)
        if len(fields) < 4 or not re.fullmatch(r"ch[0-9]{2}", fields[0]):
            raise CourseError(f"chapters/chapters.txt:{number}: expected 'chNN dir namespace title'")
        chapters.append(Chapter(*fields))
    return chapters


def parse(text, chapters):
    """The chapter a student means by ch01, ch1, 01 or 1."""
    match = re.fullmatch(r"(?:ch)?0*([0-9]{1,2})", text)
    if not match:
        raise UsageError(f"'{text}' is not a chapter: write it as chNN, e.g. ch01")
    wanted = f"ch{int(match.group(1)):02d}"
    for chapter in chapters:
        if chapter.id == wanted:
            return chapter
    raise UsageError(f"there is no chapter {wanted}; the chapters are: "
                     + " ".join(c.id for c in chapters))


def next_after(chapter, chapters):
    ids = [c.id for c in chapters]
    at = ids.index(chapter.id)
    return chapters[at + 1] if at + 1 < len(chapters) else None
