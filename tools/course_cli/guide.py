"""The instructor's view of the parts: objectives, time, exercises with
their difficulty and points, which part needs which, which can be left out.

Made from chapters/chapters.txt (the parts), chapters/teaching.json (what
only a teacher can say) and exercises/exercises.json, so that a part added
to chapters.txt appears with no other edit: its reading time comes from
the length of its book page, its lab time from its exercises, and it
depends on the part before it until teaching.json says otherwise.

  ./course guide              the same, on the terminal
  ./course guide --dox FILE   the site's page (docs/CMakeLists.txt runs this)
"""

import json
import math
from pathlib import Path

from .output import CourseError, bold

NAME = "guide"
USAGE = "./course guide [--dox FILE]"

# A technical text with code, read with care: about 100 words a minute.
WORDS_PER_HOUR = 6000
DEFAULT_LECTURE_HOURS = 1.5
# A lab's time per exercise, by difficulty, with the book section at hand.
LAB_HOURS = {"easy": 0.5, "medium": 1.0, "hard": 1.5}


def add_arguments(parser):
    parser.add_argument("--dox", metavar="FILE", help="write the site's page into FILE")


def _quarter(hours):
    return max(0.25, math.ceil(hours * 4) / 4)


def _hours(value):
    return f"{value:g} h"


def load_teaching(root):
    path = root / "chapters" / "teaching.json"
    if not path.is_file():
        return {}
    try:
        parts = json.loads(path.read_text(encoding="utf-8")).get("parts", {})
    except ValueError as e:
        raise CourseError(f"chapters/teaching.json is not valid JSON: {e}") from None
    return parts if isinstance(parts, dict) else {}


class Part:
    def __init__(self, course, chapter, previous, teaching):
        self.chapter = chapter
        self.exercises = course.exercises_of(chapter)
        info = teaching.get(chapter.id, {})
        self.described = chapter.id in teaching
        self.objectives = list(info.get("objectives", []))
        self.depends_on = list(info.get("depends_on", [previous.id] if previous else []))
        self.skippable = info.get("skippable", "")
        book = course.root / "book" / f"{chapter.id}.md"
        self.has_book = book.is_file()
        words = len(book.read_text(encoding="utf-8").split()) if self.has_book else 0
        self.reading = _quarter(words / WORDS_PER_HOUR) if words else None
        self.lecture = info.get("lecture_hours", DEFAULT_LECTURE_HOURS)
        self.lab = info.get("lab_hours",
                            _quarter(sum(LAB_HOURS[e.difficulty] for e in self.exercises))
                            if self.exercises else 0)
        self.points = sum(e.points for e in self.exercises)

    @property
    def title(self):
        return f"Part {self.chapter.number}: {self.chapter.title}"


def parts(course):
    teaching = load_teaching(course.root)
    made, previous = [], None
    for chapter in course.chapters:
        made.append(Part(course, chapter, previous, teaching))
        previous = chapter
    return made


def slide(part, parts_list):
    """The lecture's slide: what the chapter changed, as one diff."""
    if not part.chapter.is_snapshot:
        return None
    earlier = [p for p in parts_list if p.chapter.is_snapshot
               and p.chapter.number < part.chapter.number]
    if not earlier:
        return None
    return f"./course diff {earlier[-1].chapter.id} {part.chapter.id}"


def _escape(text):
    """Text for a Doxygen page: no command, no HTML, no table break."""
    for old, new in (("\\", "\\\\"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"),
                     ("|", "\\|"), ("@", "\\@"), ("#", "\\#"), ("%", "\\%"),
                     ("*/", "*&zwj;/")):
        text = text.replace(old, new)
    return text


def _dot(parts_list):
    lines = ["\\dot", "digraph parts {", "  rankdir=TB;",
             '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];']
    for part in parts_list:
        label = f"Part {part.chapter.number}\\n{part.chapter.title}".replace('"', "'")
        attributes = [f'label="{label}"']
        if part.has_book:
            attributes.append(f'URL="\\ref part-{part.chapter.id}"')
        if part.skippable:
            attributes.append('style="rounded,dashed"')
        lines.append(f"  {part.chapter.id} [{', '.join(attributes)}];")
    ids = {p.chapter.id for p in parts_list}
    for part in parts_list:
        for needed in part.depends_on:
            if needed in ids:
                lines.append(f"  {needed} -> {part.chapter.id};")
    lines += ["}", "\\enddot"]
    return lines


def dox_page(course):
    parts_list = parts(course)
    out = ["/**", "\\page instructors-parts The parts at a glance, for instructors", "",
           "Made from `chapters/chapters.txt`, `chapters/teaching.json` and",
           "`exercises/exercises.json` each time the site is configured: a part",
           "added to the course appears here by itself. How to run a term with the",
           "course is on \\ref instructors.", "",
           "\\section instructors-graph Which part needs which", "",
           "An arrow goes from a part to one that builds on it. A dashed box is a",
           "part that can be left out, as its section below says.", ""]
    out += _dot(parts_list)
    out += ["", "\\section instructors-time Time and points", "",
            "Reading: the book page at about 100 words a minute. Lab: half an hour",
            "per easy exercise, an hour per medium one, an hour and a half per hard",
            "one, unless `chapters/teaching.json` says otherwise.", "",
            "| Part | Reading | Lecture | Lab | Exercises | Points | Can be skipped |",
            "| ---- | ------- | ------- | --- | --------- | ------ | -------------- |"]
    for part in parts_list:
        title = f"\\ref part-{part.chapter.id}" if part.has_book else _escape(part.title)
        reading = _hours(part.reading) if part.reading else "not written yet"
        out.append(f"| {title} | {reading} | {_hours(part.lecture)} | {_hours(part.lab)} | "
                   f"{len(part.exercises)} | {part.points} | {'yes' if part.skippable else 'no'} |")
    for part in parts_list:
        cid = part.chapter.id
        out += ["", f"\\section instructors-{cid} {_escape(part.title)}", ""]
        if part.has_book:
            out += [f"The book: \\ref part-{cid}.", ""]
        if part.objectives:
            out += ["After it, a student can:", ""]
            out += [f"- {_escape(o)}" for o in part.objectives]
            out.append("")
        elif not part.described:
            out += ["Its objectives are not written yet (`chapters/teaching.json`).", ""]
        needs = ", ".join(f"Part {int(d[2:])}" for d in part.depends_on) or "nothing before it"
        out += [f"Builds on: {needs}. Time: reading "
                f"{_hours(part.reading) if part.reading else '(no book page yet)'}, lecture "
                f"{_hours(part.lecture)}, lab {_hours(part.lab)}.", ""]
        if part.skippable:
            out += [f"Can be skipped: {_escape(part.skippable)}", ""]
        shown = slide(part, parts_list)
        if shown:
            out += [f"The lecture's slide: `{shown}`, everything this chapter changed in",
                    "the server, and nothing else.", ""]
        elif part.chapter.is_snapshot:
            out += ["The lecture's slide: the first chapter has no diff; walk through",
                    f"`{part.chapter.dir}/` with the book's walkthrough.", ""]
        if part.exercises:
            out += ["| Exercise | Difficulty | Points | Check, grade |",
                    "| -------- | ---------- | ------ | ------------ |"]
            for e in part.exercises:
                out.append(f"| {_escape(e.title)} (`{e.name}`) | {e.difficulty} | {e.points} | "
                           f"`./course check {cid} {e.name}` |")
            out.append("")
        else:
            out += ["No exercises yet.", ""]
    out.append("*/")
    return "\n".join(out) + "\n"


def run(course, args):
    if args.dox:
        text = dox_page(course)
        target = Path(args.dox)
        # Unchanged text leaves the file alone: the site is not rebuilt for nothing.
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return 0
    parts_list = parts(course)
    for part in parts_list:
        print(bold(part.title))
        reading = _hours(part.reading) if part.reading else "no book page yet"
        print(f"  reading {reading}, lecture {_hours(part.lecture)}, lab {_hours(part.lab)}; "
              f"{len(part.exercises)} exercises, {part.points} points")
        if part.depends_on:
            print(f"  builds on {', '.join(part.depends_on)}")
        if part.skippable:
            print(f"  can be skipped: {part.skippable}")
        for objective in part.objectives:
            print(f"  - {objective}")
        shown = slide(part, parts_list)
        if shown:
            print(f"  lecture slide: {shown}")
    print()
    print("More on the site's page for instructors (build/docs/html/instructors.html).")
    return 0

