#!/usr/bin/env python3
"""Writes the seed corpus of the buffered reader's fuzz target,
corpus/buffered_reader/, one small input per path worth reaching.

The input layout is in buffered_reader_target.hpp. libFuzzer starts from
these and mutates them; the replay test runs exactly these. Run this
again after changing the list (it rewrites the folder's seeds, leaving
any other file there, such as a crash kept as a regression input).
"""

from pathlib import Path

# The operation codes of buffered_reader_target.hpp (enum class Op).
READLINE, READLINE_LIMIT, READ, READ_LARGE, READ_ALL, ITERATE, MOVE, CLOSE, READLINE_INTO = range(9)
# Indexes into kBufferSizes {0, 1, 2, 3, 5, 8, 64, 8192}; WHOLE: no source.
UNBUFFERED, B1, B2, B3, B5, B8, B64, B8192 = range(8)
WHOLE = 8


def seed(kind, ops, pieces, stream):
    """One input: the reader, its operations, the source's pieces, the stream."""
    out = bytearray([kind, len(ops)])
    for code, argument in ops:
        out += bytes([code, argument])
    out.append(len(pieces))
    out += bytes(size - 1 for size in pieces)  # a byte holds a piece's size - 1
    return bytes(out + stream)


SEEDS = {
    # Lines split over one-byte pieces, read by a buffer smaller than a line.
    "lines_in_1_byte_pieces": seed(B3, [(READLINE, 0)] * 4, [1], b"ab\ncdef\n\nxyz"),
    # Many lines in one piece: readline must hand them out without reading again.
    "many_lines_one_piece": seed(B64, [(READLINE, 0)] * 6, [], b"a\nb\nc\nd\ne\n"),
    # The limit cuts inside a line, at its newline, and after the end.
    "readline_limits": seed(B5, [(READLINE_LIMIT, 3), (READLINE_LIMIT, 1), (READLINE_LIMIT, 4),
                                 (READLINE_LIMIT, 0), (READLINE_LIMIT, 200)],
                            [2, 7], b"abcd\nefgh\nij"),
    # read(n) across refills, then past the end.
    "read_sizes": seed(B2, [(READ, 1), (READ, 5), (READ, 0), (READ, 9), (READ, 4)], [3, 1],
                       b"0123456789abcdef"),
    # read(n) bigger than the buffer: the direct path into the result.
    "read_direct": seed(B8, [(READLINE, 0), (READ_LARGE, 1), (READ_ALL, 0)], [5, 40],
                        b"head\n" + bytes(range(256))),
    # read() after a partial line leaves part of the buffer.
    "read_all_after_line": seed(B8192, [(READLINE_LIMIT, 2), (READ_ALL, 0), (READ_ALL, 0),
                                        (READLINE, 0)], [4], b"line one\nline two\nno end"),
    # A range-for stopped after two lines, then one to the end.
    "iterate": seed(B5, [(ITERATE, 2), (READLINE_LIMIT, 1), (ITERATE, 0)], [6],
                    b"one\ntwo\nthree\nfour\nfive"),
    # An unbuffered reader: readline byte by byte, read(n) one piece at most.
    "unbuffered": seed(UNBUFFERED, [(READLINE, 0), (READ, 10), (READ, 2), (READLINE_LIMIT, 2),
                                    (READ, 0), (ITERATE, 0), (READ, 3)],
                       [4, 3], b"ab\ncdefgh\nij\nkl"),
    "unbuffered_read_all": seed(UNBUFFERED, [(READ_LARGE, 1), (READ_ALL, 0)], [2], b"x\ny\nz"),
    # The bytes given whole (DatagramRequestHandler's reader).
    "whole_datagram": seed(WHOLE | B1, [(READLINE, 0), (READ, 2), (ITERATE, 0), (READ_ALL, 0)], [],
                           b"GET key\nvalue\r\nlast"),
    # A move keeps the buffered bytes; the reader moved from is closed.
    "move_keeps_buffer": seed(B8, [(READLINE, 0), (MOVE, 0), (READLINE, 0), (MOVE, 1),
                                   (READ_ALL, 0)], [16], b"a\nbc\ndef\nghij\n"),
    # After close(), every read throws.
    "close": seed(B3, [(READLINE, 0), (CLOSE, 0), (READLINE, 0), (READ, 1), (READ_ALL, 0),
                       (ITERATE, 0), (READLINE_INTO, 0)], [], b"x\ny\n"),
    # NUL bytes, a lone \r, and a line of 300 bytes with no newline.
    "binary_long_line": seed(B64, [(READLINE_LIMIT, 255), (READLINE, 0), (READLINE, 0)], [100, 37],
                             b"\0\r\0\n" + b"\xff" * 300),
    # readline_into() reuses one string: each line replaces the last, with
    # and without a limit (odd argument: limit = argument // 2), to the end.
    "readline_into": seed(B3, [(READLINE_INTO, 0), (READLINE_INTO, 2 * 2 + 1), (READLINE_INTO, 0),
                               (READLINE_INTO, 1), (READLINE_INTO, 0), (READLINE_INTO, 0)],
                          [2], b"first line\nab\ncd"),
    # Nothing at all: every read says "end of stream".
    "empty_stream": seed(B2, [(READLINE, 0), (READ, 4), (READ_ALL, 0), (ITERATE, 0)], [], b""),
}


def main():
    folder = Path(__file__).resolve().parent / "corpus" / "buffered_reader"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (folder / name).write_bytes(data)
    print(f"{len(SEEDS)} seeds in {folder}")


if __name__ == "__main__":
    main()
