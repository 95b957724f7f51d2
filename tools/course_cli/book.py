"""Where a book section is: its heading, its file, and its page of the site.

The book is book.md (the front page: preface, contents) and one file per
part, book/chNN.md. A part file opens with `# Part N: Title {#part-chNN}`;
Doxygen makes that page build/docs/html/part-chNN.html, and book.md the
site's index.html. Before the split, every part was in book.md: both
layouts work.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str   # the anchor itself when the book has no such section
    file: str      # relative to the root; "" when not found
    page: str      # the docs page's path, relative to the root, with #anchor


def _book_files(root):
    files = [root / "book.md"]
    if (root / "book").is_dir():
        files += sorted((root / "book").glob("*.md"))
    return [f for f in files if f.is_file()]


_HEADING = re.compile(r"^#+\s*(.*?)\s*\{#([^}]*)\}\s*$")


def _page_name(root, path, lines):
    """The HTML file Doxygen writes for one Markdown file of the book."""
    if path.name == "book.md" and path.parent == root:
        return "index.html"
    for line in lines:
        match = _HEADING.match(line)
        if match:
            return f"{match.group(2)}.html"
        if line.strip():
            break
    return "index.html"


def find(root, anchor, build_dir):
    html = build_dir / "docs" / "html"
    for path in _book_files(root):
        lines = path.read_text(encoding="utf-8").splitlines()
        for line in lines:
            match = _HEADING.match(line)
            if match and match.group(2) == anchor:
                page = _page_name(root, path, lines)
                # Doxygen's naming checked against the site when it is built;
                # a site built before the split has every part in index.html.
                if html.is_dir() and not (html / page).is_file():
                    page = "index.html"
                fragment = "" if page == f"{anchor}.html" else f"#{anchor}"
                return Section(anchor, match.group(1), str(path.relative_to(root)),
                               f"{html.relative_to(root)}/{page}{fragment}")
    return Section(anchor, anchor, "", f"{html.relative_to(root)}/index.html#{anchor}")


def describe(section):
    """'"Exercise 1.1: ..." in book/ch01.md (docs: build/docs/html/part-ch01.html#...)'"""
    where = f" in {section.file}" if section.file else " (not found in the book)"
    return f'"{section.heading}"{where} (docs: {section.page})'
