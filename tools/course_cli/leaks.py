"""A solution's distinctive lines, and where they turn up.

The rule. A line of solutions/chNN/FILE is distinctive when
  - it is not in the stub exercises/chNN/FILE (the student has that line
    already),
  - it is not trivial: once its spaces are squeezed it has at least
    MIN_LENGTH characters (`}`, `return;`, `break;`, `#include "x.hpp"`
    say nothing of the answer), and
  - it is not in the code the course hands every student anyway
    (OWN_CODE): the chapters and common/ (the book shows each chapter's
    code after its exercises: the chapter IS the server an exercise
    rebuilds a piece of), the stubs and given headers of exercises/, the
    tests and bench/. `std::lock_guard lock{mutex_};` in a solution and in
    a given header is an idiom the student has read, not the answer.
Lines are compared with their spaces squeezed, so that re-indenting a
line does not hide it.

A student release must hold none of them, in any file of its tree or any
page of its built site. That check has teeth where answers really leak:
the book and the site, docs/, the README, the hints in exercises.json,
tools/ (a line of those folders is never "own code"). Only their SHA-256 digests are written into the
release (release.json), so that the release can check its own site after
it is built without carrying the answers it checks for.
"""

import hashlib
import html
import re

MIN_LENGTH = 16

# The course's own code, where a solution's line is no secret.
OWN_CODE = ("chapters", "common", "exercises", "tests", "bench")
# Only their code: a hint in exercises/exercises.json or a page of prose
# is where an answer would leak, never an excuse for one.
CODE_SUFFIXES = (".c", ".cc", ".cpp", ".h", ".hpp")


def squeeze(line):
    return " ".join(line.split())


def digest(line):
    return hashlib.sha256(squeeze(line).encode("utf-8")).hexdigest()


def _lines(path):
    try:
        return {squeeze(line) for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    except (OSError, UnicodeError):
        return set()


def own_code_lines(root):
    lines = set()
    for folder in OWN_CODE:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in CODE_SUFFIXES:
                lines |= _lines(path)
    return lines


def distinctive_lines(root):
    """{squeezed line: "solutions/chNN/FILE"} for the course at root."""
    solutions = root / "solutions"
    if not solutions.is_dir():
        return {}
    own = own_code_lines(root)
    found = {}
    for path in sorted(solutions.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(solutions)
        stub = _lines(root / "exercises" / relative)
        for line in sorted(_lines(path)):
            if len(line) < MIN_LENGTH or line in stub or line in own:
                continue
            found.setdefault(line, f"solutions/{relative}")
    return found


def _text_of_page(path):
    """A site page's text as a reader sees it: the tags taken out, the
    entities decoded, one line of text per line of the page."""
    text = path.read_text(encoding="utf-8", errors="replace")
    # A source listing numbers its lines: the number is no part of the line.
    text = re.sub(r'<span class="lineno">.*?</span>', "", text)
    text = re.sub(r"<[^>]*>", "", text)
    return html.unescape(text)


def find(folder, digests, skip=(), site=False):
    """[(file, line number, digest)] of every line under folder whose
    squeezed text has one of the digests; folders named in skip (relative
    to folder) are not read."""
    hits = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder)
        if any(relative.parts[:len(part.split("/"))] == tuple(part.split("/")) for part in skip):
            continue
        try:
            text = _text_of_page(path) if site and path.suffix in (".html", ".js") \
                else path.read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            continue  # a binary file (an image) holds no line of code
        for number, line in enumerate(text.splitlines(), 1):
            squeezed = squeeze(line)
            if len(squeezed) >= MIN_LENGTH:
                hashed = digest(squeezed)
                if hashed in digests:
                    hits.append((str(relative), number, hashed))
    return hits
