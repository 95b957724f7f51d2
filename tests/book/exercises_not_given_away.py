#!/usr/bin/env python3
"""Fails when the book prints an exercise's answer before the exercise.

A student reads the book from the front page on. If a walkthrough quotes
the very code an exercise asks for, a few sections before the exercise,
the exercise only asks the student to scroll up and retype. This check
reads the book as the student does and reports every exercise whose
answer the reader has already been shown.

  exercises_not_given_away.py [--root DIR] [--book FILE ...] [--verbose]
  exercises_not_given_away.py --self-test

What is compared:

- An exercise's answer is what its solution file has and its stub lacks:
  the lines of solutions/chNN/FILE that a line diff against
  exercises/chNN/FILE marks as added, without comments (the book's
  comments and the solution's differ; the code is what gives it away) and
  without #include lines.
- The book is book.md, then book/chNN.md in the order of
  chapters/chapters.txt (or the files given with --book, in that order).
  Only its code counts: fenced blocks, \\code blocks, and every
  "\\snippet FILE TAG" expanded from the real source, as Doxygen would.
- Each piece of the book's code placed before the exercise's {#anchor}
  line is scored against the answer, on two measures, names aside:
    shape: the share of the answer's tokens that lie in a run of SHINGLE
      tokens the piece also has, once every identifier is one symbol,
      numbers and strings are one symbol each, and a member access loses
      its object (`server.get_request()` is `get_request()`);
    calls: the share of the answer's distinctive names (what it calls or
      constructs, and ALL_CAPS constants such as MSG_TRUNC) that the piece
      uses too. Shape alone would match any two short loops; names alone
      would match any code that uses the same API.
  The piece's score is the smaller of the two; the answer is given away
  when one piece scores LIMIT or more. On the book before issue 9 the
  four exercises it gave away scored 0.71 to 1.00 and the others at most
  0.50: LIMIT sits between.

Exit status 0 when no answer is given away, 1 when one is (each named on
stderr with the book line where its answer appears), 2 on a usage error.
"""

import argparse
import difflib
import json
import os
import re
import sys
import unittest

SHINGLE = 6     # tokens in a run that must match exactly
LIMIT = 0.6     # a piece's score from which the answer counts as shown

KEYWORDS = set("""
alignas alignof and asm auto bool break case catch char char8_t char16_t
char32_t class co_await co_return co_yield concept const consteval constexpr
constinit const_cast continue decltype default delete do double dynamic_cast
else enum explicit export extern false float for friend goto if inline int
long mutable namespace new noexcept not nullptr operator or private protected
public register reinterpret_cast requires return short signed sizeof static
static_assert static_cast struct switch template this thread_local throw true
try typedef typeid typename union unsigned using virtual void volatile
wchar_t while include
""".split())

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
  | (?P<number>\d[\w.']*)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<punct>::|->|<<|>>|<=|>=|==|!=|&&|\|\||\+\+|--|[-+*/%=<>!&|^~?:;,.(){}\[\]\#])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def shape(code):
    """The token shape of C++ code: a list of (symbol, line) pairs."""
    out = []
    line = 1
    for m in TOKEN.finditer(code):
        kind, text = m.lastgroup, m.group()
        here = line
        line += text.count("\n")
        if kind in ("space", "comment", "other"):
            continue
        if kind == "string":
            sym = "S"
        elif kind == "number":
            sym = "N"
        elif kind == "ident":
            sym = text if text in KEYWORDS else "I"
        else:
            sym = text
        out.append((sym, here))
    # `a.b(`, `a->b(`, `a::b(` and `this->b(` all become `b(`: whether a
    # call names its object is a difference of names, not of code.
    folded = []
    for sym, here in out:
        if sym in (".", "->", "::") and folded and folded[-1][0] in ("I", "this", ")"):
            if folded[-1][0] == ")":
                folded.append((sym, here))
                continue
            folded.pop()
            continue
        folded.append((sym, here))
    return folded


def answer_code(stub_text, solution_text):
    """The lines the solution adds to the stub, joined."""
    stub = stub_text.splitlines()
    sol = solution_text.splitlines()
    added = []
    matcher = difflib.SequenceMatcher(a=stub, b=sol, autojunk=False)
    for tag, _a0, _a1, b0, b1 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            added.extend(sol[b0:b1])
    return "\n".join(added)


def snippet(root, path, tag):
    """What Doxygen's \\snippet PATH TAG shows: the lines between the first
    two lines that contain [TAG]."""
    full = os.path.join(root, path)
    with open(full, encoding="utf-8") as f:
        lines = f.read().splitlines()
    marks = [i for i, l in enumerate(lines) if "[" + tag + "]" in l]
    if len(marks) < 2:
        raise ValueError(f"{path}: no block [{tag}]")
    return "\n".join(lines[marks[0] + 1:marks[1]])


SNIPPET_LINE = re.compile(r"^\s*[\\@]snippet(?:lineno|doc|doclineno)?\s+(\S+)\s+(\S+)")
FENCE = re.compile(r"^\s*(```+|~~~+)")
ANCHOR = re.compile(r"\{#([\w-]+)\}")


def book_code(root, books):
    """The book in reading order, as (code, where) pieces and the anchors.

    Returns (pieces, anchors): pieces is a list of (position, code, where),
    position counting lines through all the files; anchors maps each
    {#anchor} to its position.
    """
    pieces, anchors = [], {}
    position = 0
    for name, text in books:
        lines = text.splitlines()
        block, block_start, fence = None, 0, None
        for number, line in enumerate(lines, 1):
            position += 1
            where = f"{name}:{number}"
            if block is not None:
                end = (fence is not None and line.strip().startswith(fence)) or \
                      (fence is None and re.match(r"^\s*[\\@]endcode", line))
                if end:
                    pieces.append((block_start, "\n".join(block), block_where))
                    block = None
                else:
                    block.append(line)
                continue
            m = FENCE.match(line)
            if m:
                block, block_start, block_where, fence = [], position, where, m.group(1)
                continue
            if re.match(r"^\s*[\\@]code\b", line):
                block, block_start, block_where, fence = [], position, where, None
                continue
            m = SNIPPET_LINE.match(line)
            if m:
                pieces.append((position, snippet(root, m.group(1), m.group(2)), where))
                continue
            for a in ANCHOR.findall(line):
                anchors.setdefault(a, (position, where))
    return pieces, anchors


def coverage(answer, piece):
    """Share of the answer's tokens inside a SHINGLE-run that `piece` has."""
    syms = [sym for sym, _ in answer]
    seq = [sym for sym, _ in piece]
    if len(syms) < SHINGLE:
        return 1.0 if syms and syms == seq else 0.0
    runs = {tuple(seq[i:i + SHINGLE]) for i in range(len(seq) - SHINGLE + 1)}
    covered = [False] * len(syms)
    for i in range(len(syms) - SHINGLE + 1):
        if tuple(syms[i:i + SHINGLE]) in runs:
            covered[i:i + SHINGLE] = [True] * SHINGLE
    return sum(covered) / len(syms)


def names(code):
    """The distinctive names of code: what it calls or constructs
    (followed by `(` or `{`), and ALL_CAPS constants."""
    toks = [(m.lastgroup, m.group()) for m in TOKEN.finditer(code)
            if m.lastgroup not in ("space", "comment", "other")]
    found = set()
    for i, (kind, text) in enumerate(toks):
        if kind != "ident" or text in KEYWORDS:
            continue
        following = toks[i + 1][1] if i + 1 < len(toks) else ""
        if following in ("(", "{") or re.fullmatch(r"[A-Z][A-Z0-9_]+", text):
            found.add(text)
    return found


def score(answer_text, piece_text):
    """(score, shape, calls) of one piece of book code against an answer."""
    want = names(answer_text)
    calls = len(want & names(piece_text)) / len(want) if want else 1.0
    shaped = coverage(shape(answer_text), shape(piece_text))
    return min(calls, shaped), shaped, calls


def strip_preprocessor(code):
    return "\n".join(l for l in code.splitlines() if not l.lstrip().startswith("#"))


def chapter_ids(root):
    ids = []
    with open(os.path.join(root, "chapters", "chapters.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                ids.append(line.split()[0])
    return ids


def default_books(root):
    names = ["book.md"] + [os.path.join("book", c + ".md") for c in chapter_ids(root)]
    return [n for n in names if os.path.exists(os.path.join(root, n))]


def check(root, book_files, verbose=False, out=sys.stderr):
    """Returns [(exercise, score, where shown, where its section is)] for
    every exercise that the book gives away (or whose section is missing)."""
    books = []
    for name in book_files:
        path = name if os.path.isabs(name) else os.path.join(root, name)
        with open(path, encoding="utf-8") as f:
            books.append((name, f.read()))
    pieces, anchors = book_code(root, books)
    with open(os.path.join(root, "exercises", "exercises.json"), encoding="utf-8") as f:
        exercises = json.load(f)["exercises"]
    given_away = []
    for ex in exercises:
        label = f"{ex['chapter']}/{ex['name']}"
        anchor = ex["book"]
        if anchor not in anchors:
            print(f"MISSING: {label}: the book has no section {{#{anchor}}}", file=out)
            given_away.append((label, None, None, None))
            continue
        anchor_pos, anchor_where = anchors[anchor]
        answer = []
        for file in ex["files"]:
            texts = []
            for folder in ("exercises", "solutions"):
                path = os.path.join(root, folder, ex["chapter"], file)
                if not os.path.exists(path):
                    print(f"MISSING: {label}: no file {folder}/{ex['chapter']}/{file}", file=out)
                    continue
                with open(path, encoding="utf-8") as f:
                    texts.append(f.read())
            if len(texts) == 2:
                answer.append(strip_preprocessor(answer_code(*texts)))
        answer = "\n".join(answer)
        best = (0.0, 0.0, 0.0, None)
        for pos, code, where in pieces:
            if pos < anchor_pos:
                best = max(best, score(answer, code) + (where,), key=lambda b: b[0])
        if verbose:
            print(f"{label}: score {best[0]:.2f} (shape {best[1]:.2f}, calls {best[2]:.2f})"
                  + (f" at {best[3]}" if best[3] else "") + f", section at {anchor_where}", file=out)
        if best[0] >= LIMIT:
            given_away.append((label, best[0], best[3], anchor_where))
            print(f"GIVEN AWAY: {label}: the book's code at {best[3]} shows its answer "
                  f"(score {best[0]:.2f}, limit {LIMIT}), before the exercise at {anchor_where}",
                  file=out)
    return given_away


# --- Self-test ------------------------------------------------------------

class SelfTest(unittest.TestCase):
    ANSWER = """
        if (allow_reuse_address) {
            socket.set_option(SOL_SOCKET, SO_REUSEADDR, 1);
        }
        socket.bind(server_address);
        server_address = socket.local_address();
        for (int i = 0; i < 3; ++i) { total += i; }
    """

    def test_renamed_copy_has_the_same_shape(self):
        renamed = self.ANSWER.replace("socket", "sock").replace("server_address", "addr")
        self.assertEqual([s for s, _ in shape(self.ANSWER)], [s for s, _ in shape(renamed)])

    def test_member_access_is_a_name(self):
        a = [s for s, _ in shape("server.get_request(); this->process(r, a);")]
        b = [s for s, _ in shape("get_request(); process(r, a);")]
        self.assertEqual(a, b)

    def test_comments_and_strings_do_not_count(self):
        a = [s for s, _ in shape('f("one"); // a comment\n/* another */ g();')]
        b = [s for s, _ in shape('f("two");\ng();')]
        self.assertEqual(a, b)

    def test_keywords_keep_their_names(self):
        self.assertNotEqual([s for s, _ in shape("if (x) return y;")],
                            [s for s, _ in shape("while (x) return y;")])

    def test_answer_is_what_the_stub_lacks(self):
        stub = "int f() {\n    // TODO(exercise)\n    return 0;\n}\n"
        sol = "int f() {\n    int x = g();\n    return x;\n}\n"
        self.assertEqual(answer_code(stub, sol), "    int x = g();\n    return x;")

    def test_shown_answer_is_found(self):
        renamed = self.ANSWER.replace("socket", "s").replace("total", "sum")
        self.assertGreaterEqual(score(self.ANSWER, renamed)[0], 0.99)

    def test_same_calls_in_other_code_is_not_the_answer(self):
        # The API the answer uses, in code of another shape.
        other = """
            int fd = 3;
            set_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
            if (bind(fd, addr) == -1) throw error();
            addr = local_address(fd);
            std::printf("%d", total);
        """
        self.assertLess(score(self.ANSWER, other)[0], LIMIT)

    def test_same_shape_with_other_calls_is_not_the_answer(self):
        other = self.ANSWER.replace("set_option", "f").replace("bind", "g") \
                           .replace("local_address", "h").replace("SO_REUSEADDR", "X")
        self.assertLess(score(self.ANSWER, other)[0], LIMIT)

    def test_unrelated_code_is_not_the_answer(self):
        other = """
            std::string line;
            while (std::getline(in, line)) {
                if (line.empty()) continue;
                out << line << '\\n';
            }
            return out.str();
        """
        self.assertLess(score(self.ANSWER, other)[0], LIMIT)

    def _check_book(self, text):
        """check() on a repository with one exercise and a one-file book."""
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as root:
            for folder in ("src", "exercises/ch01", "solutions/ch01"):
                os.makedirs(os.path.join(root, folder))
            files = {
                "src/a.cpp": "// [tag]\n" + self.ANSWER + "\n// [tag]\n",
                "exercises/ch01/ex.cpp": "void f() {\n    // TODO(exercise)\n}\n",
                "solutions/ch01/ex.cpp": "void f() {\n" + self.ANSWER + "\n}\n",
                "exercises/exercises.json": json.dumps({"exercises": [
                    {"chapter": "ch01", "name": "ex", "files": ["ex.cpp"], "book": "ex-one"}]}),
                "book.md": text,
            }
            for name, content in files.items():
                with open(os.path.join(root, name), "w") as f:
                    f.write(content)
            return check(root, ["book.md"], out=io.StringIO())

    def test_snippet_before_the_exercise_gives_it_away(self):
        found = self._check_book("Text.\n\n\\snippet src/a.cpp tag\n\n## Exercise {#ex-one}\n")
        self.assertEqual([g[0] for g in found], ["ch01/ex"])
        self.assertEqual(found[0][2], "book.md:3")

    def test_fenced_code_before_the_exercise_gives_it_away(self):
        found = self._check_book("```cpp\n" + self.ANSWER + "\n```\n\n## Exercise {#ex-one}\n")
        self.assertEqual([g[0] for g in found], ["ch01/ex"])

    def test_code_after_the_exercise_is_fine(self):
        self.assertEqual(self._check_book("## Exercise {#ex-one}\n\n\\snippet src/a.cpp tag\n"), [])

    def test_a_missing_section_is_reported(self):
        self.assertEqual([g[0] for g in self._check_book("No exercise here.\n")], ["ch01/ex"])

    def test_later_file_comes_later(self):
        import tempfile
        with tempfile.TemporaryDirectory() as root:
            pieces, anchors = book_code(root, [
                ("book/ch01.md", "## Exercise {#ex-one}\n"),
                ("book/ch02.md", "```\n" + self.ANSWER + "\n```\n"),
            ])
            self.assertTrue(all(p > anchors["ex-one"][0] for p, _, _ in pieces))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                        help="the repository (default: the one holding this script)")
    parser.add_argument("--book", nargs="+", metavar="FILE",
                        help="the book's files in reading order (default: book.md, then book/chNN.md)")
    parser.add_argument("--verbose", action="store_true", help="print every exercise's score")
    parser.add_argument("--self-test", action="store_true", help="test this checker itself")
    args = parser.parse_args()
    if args.self_test:
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(SelfTest)
        result = unittest.TextTestRunner(verbosity=2).run(suite)
        return 0 if result.wasSuccessful() else 1
    root = os.path.abspath(args.root)
    books = args.book or default_books(root)
    given_away = check(root, books, args.verbose)
    missing = [g for g in given_away if g[1] is None]
    shown = [g for g in given_away if g[1] is not None]
    if shown:
        print(f"{len(shown)} exercise(s) given away by the book before their section. "
              "Stop the walkthrough at the exercise, and show the code after it "
              "(see exercises/README.md).", file=sys.stderr)
    if missing:
        print(f"{len(missing)} exercise(s) without their section in the book: "
              "exercises.json names an anchor that no book file has.", file=sys.stderr)
    if given_away:
        return 1
    print(f"No exercise's answer appears in the book before its section ({', '.join(books)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
