/// \file
/// \brief `rfile`, as chapter 4 made it: BufferedReader over any RawIOBase
/// (readline with and without a limit, readline_into, read(n), read(), lines in a
/// range-for, the unbuffered reader, a reader over bytes), and SocketIO's
/// rule that a read that timed out ends the stream's use. `BufferedReader`
/// and `SocketIO`, once per chapter (over its TCP class, which only names
/// the chapter: these are tests of classes, not of a server).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "common/address.hpp"
#include "common/socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"
#include "support/server_classes.hpp"
#include "support/socket_pairs.hpp"

namespace sockserv::test {

// Names of this header only: another suite's helpers may share a name.
namespace reader_suite {

// A raw source that hands out the bytes in the pieces the test chose: each
// readinto() gives what is left of the current piece (or as much of it as
// fits), so one piece never merges with the next, as one recv() never
// returns more than had arrived. It counts the calls and what each asked for.
template <class RawIOBase>
class PieceSource : public RawIOBase {
public:
    explicit PieceSource(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {}

    std::size_t readinto(std::span<char> buffer) override {
        asked_.push_back(buffer.size());
        if (next_ == pieces_.size()) {
            return 0;  // the end of the stream, as often as asked
        }
        const std::string& piece = pieces_[next_];
        std::size_t count = std::min(piece.size() - offset_, buffer.size());
        std::copy_n(piece.data() + offset_, count, buffer.data());
        offset_ += count;
        if (offset_ == piece.size()) {
            ++next_;
            offset_ = 0;
        }
        return count;
    }

    // How many times readinto() was called, and the size of each buffer.
    [[nodiscard]] std::size_t calls() const { return asked_.size(); }
    [[nodiscard]] const std::vector<std::size_t>& asked() const { return asked_; }

private:
    std::vector<std::string> pieces_;
    std::size_t next_ = 0;    // the piece being handed out
    std::size_t offset_ = 0;  // how much of it has been
    std::vector<std::size_t> asked_;
};

// A broken source: claims one byte more than it was asked for (and stores
// nothing, so that the test itself writes nowhere it should not), then
// ends, so that a reader that believed it fails at once, not after
// growing a line for ever.
template <class RawIOBase>
class OverreportingSource : public RawIOBase {
public:
    std::size_t readinto(std::span<char> buffer) override {
        return std::exchange(lied_, true) ? 0 : buffer.size() + 1;
    }

private:
    bool lied_ = false;
};

// The bytes of `data`, cut into pieces of `size` bytes (the last may be shorter).
inline std::vector<std::string> cut(const std::string& data, std::size_t size) {
    std::vector<std::string> pieces;
    for (std::size_t at = 0; at < data.size(); at += size) {
        pieces.push_back(data.substr(at, size));
    }
    return pieces;
}

// `count` numbered lines, each ending in "\n": "line 0\nline 1\n...".
inline std::vector<std::string> numbered_lines(int count) {
    std::vector<std::string> lines;
    for (int i = 0; i < count; ++i) {
        lines.push_back("line " + std::to_string(i) + "\n");
    }
    return lines;
}

inline std::string joined(const std::vector<std::string>& lines) {
    std::string all;
    for (const std::string& line : lines) {
        all += line;
    }
    return all;
}

}  // namespace reader_suite

template <class Server>
class BufferedReader : public ::testing::Test {};
TYPED_TEST_SUITE_P(BufferedReader);

// The chapter's classes, from the server class the suite runs on.
template <class Server>
using ReaderOf = typename ChapterOf<Server>::BufferedReader;
template <class Server>
using PiecesOf = reader_suite::PieceSource<typename ChapterOf<Server>::RawIOBase>;

TYPED_TEST_P(BufferedReader, LinesComeWholeFromOneBytePieces) {
    // The worst a connection can do: every byte in a recv() of its own.
    PiecesOf<TypeParam> source{reader_suite::cut("first\nsecond line\n\nlast\n", 1)};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(), "first\n");
    EXPECT_EQ(rfile.readline(), "second line\n");
    EXPECT_EQ(rfile.readline(), "\n") << "an empty line is its \"\\n\", not the end";
    EXPECT_EQ(rfile.readline(), "last\n");
    EXPECT_EQ(rfile.readline(), "") << "the end of the stream";
    EXPECT_EQ(rfile.readline(), "") << "the end of the stream, again";
}

TYPED_TEST_P(BufferedReader, ALineSplitAcrossManyReadsComesBackWhole) {
    PiecesOf<TypeParam> source{{"a li", "ne t", "hat came in ", "fi", "ve pieces\nand", " more\n"}};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(), "a line that came in five pieces\n");
    EXPECT_EQ(rfile.readline(), "and more\n");
    EXPECT_EQ(rfile.readline(), "");
}

TYPED_TEST_P(BufferedReader, AThousandLinesInOneReadCostAFewReadsNotAThousand) {
    // 1,000 lines, about 9 KB, in one piece: the reader's 8 KiB buffer takes
    // them in two reads, and the end of the stream is a third.
    const auto lines = reader_suite::numbered_lines(1000);
    PiecesOf<TypeParam> source{{reader_suite::joined(lines)}};
    ReaderOf<TypeParam> rfile{source};

    for (const std::string& line : lines) {
        ASSERT_EQ(rfile.readline(), line);
    }
    EXPECT_EQ(rfile.readline(), "");
    EXPECT_LE(source.calls(), 3u) << "the reader read the source line by line, or byte by byte";
}

TYPED_TEST_P(BufferedReader, EverythingInOnePieceSplitsIntoItsLines) {
    PiecesOf<TypeParam> source{{"one\ntwo\nthree\n"}};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(), "one\n");
    EXPECT_EQ(rfile.readline(), "two\n");
    EXPECT_EQ(rfile.readline(), "three\n");
    EXPECT_EQ(rfile.readline(), "");
}

TYPED_TEST_P(BufferedReader, TheLastLineMayHaveNoNewline) {
    PiecesOf<TypeParam> source{{"one\ntw", "o"}};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(), "one\n");
    EXPECT_EQ(rfile.readline(), "two") << "what came before the end of the stream";
    EXPECT_EQ(rfile.readline(), "");
}

TYPED_TEST_P(BufferedReader, ALineLongerThanTheLimitComesInPiecesOfTheLimit) {
    // Python: readline(4) of b"abcdefghij\n" is b"abcd", b"efgh", b"ij\n".
    PiecesOf<TypeParam> source{reader_suite::cut("abcdefghij\nnext\n", 3)};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(4), "abcd");
    EXPECT_EQ(rfile.readline(4), "efgh");
    EXPECT_EQ(rfile.readline(4), "ij\n");
    EXPECT_EQ(rfile.readline(4), "next");
    EXPECT_EQ(rfile.readline(4), "\n");
    EXPECT_EQ(rfile.readline(4), "");
}

TYPED_TEST_P(BufferedReader, ALimitThatEndsAtTheNewlineGivesTheWholeLine) {
    PiecesOf<TypeParam> source{{"abc\nxyz\n"}};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(4), "abc\n");
    EXPECT_EQ(rfile.readline(3), "xyz") << "one byte short of the newline";
    EXPECT_EQ(rfile.readline(3), "\n");
}

TYPED_TEST_P(BufferedReader, ALimitLargerThanTheLineChangesNothing) {
    PiecesOf<TypeParam> source{reader_suite::cut("short\nlast", 2)};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(100), "short\n");
    EXPECT_EQ(rfile.readline(100), "last");
    EXPECT_EQ(rfile.readline(100), "");
}

TYPED_TEST_P(BufferedReader, ALimitOfZeroReturnsNothingAndTakesNothing) {
    PiecesOf<TypeParam> source{{"kept\n"}};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(0), "");
    EXPECT_EQ(rfile.readline(), "kept\n") << "readline(0) consumed bytes";
}

TYPED_TEST_P(BufferedReader, ALineWithoutNewlineComesInPiecesOfTheLimit) {
    // 100 KB without a newline, read with a limit: every piece is exactly
    // the limit, and together they are the bytes sent.
    const std::string endless(100'000, 'x');
    PiecesOf<TypeParam> source{reader_suite::cut(endless, 3000)};
    ReaderOf<TypeParam> rfile{source};

    std::string all;
    while (true) {
        std::string piece = rfile.readline(1024);
        if (piece.empty()) {
            break;
        }
        ASSERT_LE(piece.size(), 1024u);
        if (all.size() + 1024 <= endless.size()) {
            ASSERT_EQ(piece.size(), 1024u) << "a piece came back short at offset " << all.size();
        }
        all += piece;
    }
    EXPECT_TRUE(all == endless) << printable(all);
}

TYPED_TEST_P(BufferedReader, ReadOfNGivesExactlyNBytesFromAnyPieces) {
    PiecesOf<TypeParam> source{reader_suite::cut("0123456789abcdef", 1)};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.read(0), "");
    EXPECT_EQ(rfile.read(5), "01234") << "read(n) must wait for n bytes, not return one recv()";
    EXPECT_EQ(rfile.read(10), "56789abcde");
    EXPECT_EQ(rfile.read(10), "f") << "fewer only at the end of the stream";
    EXPECT_EQ(rfile.read(10), "");
}

TYPED_TEST_P(BufferedReader, ALargeReadAfterBufferedBytesKeepsTheOrder) {
    // A read bigger than the buffer may go straight to the source; what was
    // already buffered must come first, and nothing twice.
    const std::string data = patterned(600'000);
    PiecesOf<TypeParam> source{reader_suite::cut(data, 7000)};
    ReaderOf<TypeParam> rfile{source, 16};

    std::string got = rfile.read(5);
    ASSERT_EQ(got, data.substr(0, 5));
    got += rfile.read(500'000);
    EXPECT_EQ(got.size(), 500'005u);
    got += rfile.read(3);
    got += rfile.read();

    ASSERT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data) << "bytes were lost, repeated or reordered";
}

TYPED_TEST_P(BufferedReader, ReadGivesEverythingToTheEndOfTheStream) {
    const std::string data = patterned(1'000'000);
    PiecesOf<TypeParam> source{reader_suite::cut(data, 65'536)};
    ReaderOf<TypeParam> rfile{source};

    EXPECT_EQ(rfile.readline(), data.substr(0, data.find('\n') + 1));
    std::string rest = rfile.read();

    EXPECT_TRUE(rest == data.substr(data.find('\n') + 1)) << printable(rest);
    EXPECT_EQ(rfile.read(), "") << "the stream has ended";
}

TYPED_TEST_P(BufferedReader, ARangeForGivesEachLineOnceInOrder) {
    const auto lines = reader_suite::numbered_lines(50);
    PiecesOf<TypeParam> source{reader_suite::cut(reader_suite::joined(lines), 13)};
    ReaderOf<TypeParam> rfile{source};

    std::vector<std::string> seen;
    for (const std::string& line : rfile) {
        seen.push_back(line);
        ASSERT_LE(seen.size(), lines.size()) << "the walk went on past the end of the stream";
    }

    EXPECT_EQ(seen, lines);
    EXPECT_EQ(rfile.readline(), "") << "the walk ends at the end of the stream";
}

TYPED_TEST_P(BufferedReader, ARangeForOverAnEmptyStreamDoesNotRun) {
    PiecesOf<TypeParam> source{{}};
    ReaderOf<TypeParam> rfile{source};
    int lines = 0;

    for ([[maybe_unused]] const std::string& line : rfile) {
        ASSERT_EQ(++lines, 1) << "the walk went on past the end of the stream";
    }

    EXPECT_EQ(lines, 0);
}

TYPED_TEST_P(BufferedReader, BinaryBytesAndNulsComeThroughUnchanged) {
    // Every byte value, NUL and "\r" included: only "\n" ends a line.
    std::string data;
    for (int round = 0; round < 3; ++round) {
        for (int byte = 0; byte < 256; ++byte) {
            data += static_cast<char>(byte);
        }
    }
    PiecesOf<TypeParam> source{reader_suite::cut(data, 5)};
    ReaderOf<TypeParam> rfile{source};

    std::vector<std::string> lines;
    std::string all;
    for (const std::string& line : rfile) {
        lines.push_back(line);
        all += line;
        ASSERT_LE(lines.size(), 4u) << "the walk went on past the end of the stream";
    }

    // Three "\n", and the bytes after the last one (up to 255) as a last line.
    ASSERT_EQ(lines.size(), 4u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(lines[i].find('\n'), lines[i].size() - 1) << printable(lines[i]);
    }
    EXPECT_EQ(lines[3].find('\n'), std::string::npos) << printable(lines[3]);
    EXPECT_TRUE(all == data) << printable(all);
}

TYPED_TEST_P(BufferedReader, BufferedShowsWhatTheNextReadGetsWithoutReading) {
    PiecesOf<TypeParam> source{{"one\ntwo\nthr", "ee\n"}};
    ReaderOf<TypeParam> rfile{source};
    EXPECT_EQ(rfile.buffered(), "") << "nothing read yet";

    EXPECT_EQ(rfile.readline(), "one\n");
    EXPECT_EQ(rfile.buffered(), "two\nthr");
    const std::size_t calls = source.calls();
    EXPECT_EQ(rfile.buffered(), "two\nthr");
    EXPECT_EQ(source.calls(), calls) << "buffered() read from the source";

    EXPECT_EQ(rfile.read(5), "two\nt");
    EXPECT_EQ(rfile.buffered(), "hr");
    EXPECT_EQ(rfile.readline(), "hree\n");
    EXPECT_EQ(rfile.buffered(), "");
}

TYPED_TEST_P(BufferedReader, AClosedReaderRefusesEveryRead) {
    PiecesOf<TypeParam> source{{"unread\n"}};
    ReaderOf<TypeParam> rfile{source};
    ASSERT_FALSE(rfile.closed());

    rfile.close();

    EXPECT_TRUE(rfile.closed());
    EXPECT_THROW(rfile.readline(), std::logic_error);
    std::string line;
    EXPECT_THROW(rfile.readline_into(line), std::logic_error);
    EXPECT_THROW(rfile.readline(10), std::logic_error);
    EXPECT_THROW(rfile.read(1), std::logic_error);
    EXPECT_THROW(rfile.read(), std::logic_error);
    EXPECT_EQ(source.calls(), 0u) << "a closed reader read its source";
    rfile.close();  // closing twice is harmless
    EXPECT_TRUE(rfile.closed());
}

TYPED_TEST_P(BufferedReader, ADefaultReaderIsClosed) {
    // What rfile is before setup() opens it.
    ReaderOf<TypeParam> rfile;

    EXPECT_TRUE(rfile.closed());
    EXPECT_THROW(rfile.readline(), std::logic_error);
    EXPECT_THROW(rfile.read(), std::logic_error);
}

TYPED_TEST_P(BufferedReader, UnbufferedReadlineReadsOneByteAtATime) {
    // With nowhere to keep bytes past the line's end, readline() must not
    // ask for more than one byte at a time.
    PiecesOf<TypeParam> source{{"abc\ndef\n"}};
    ReaderOf<TypeParam> rfile{source, 0};

    EXPECT_EQ(rfile.readline(), "abc\n");

    EXPECT_EQ(source.calls(), 4u) << "one read per byte of \"abc\\n\"";
    for (std::size_t asked : source.asked()) {
        EXPECT_EQ(asked, 1u) << "an unbuffered readline asked for more than a byte";
    }
    EXPECT_EQ(rfile.buffered(), "") << "an unbuffered reader kept bytes";
    EXPECT_EQ(rfile.read(100), "def\n") << "the bytes after the line were lost";
}

TYPED_TEST_P(BufferedReader, UnbufferedReadOfNReturnsOneReadsWorth) {
    // Python's raw read(n): one recv(), however few bytes it gives.
    PiecesOf<TypeParam> source{{"abc", "def"}};
    ReaderOf<TypeParam> rfile{source, 0};

    EXPECT_EQ(rfile.read(100), "abc");
    EXPECT_EQ(source.calls(), 1u);
    EXPECT_EQ(rfile.read(2), "de");
    EXPECT_EQ(rfile.read(100), "f");
    EXPECT_EQ(rfile.read(100), "");
}

TYPED_TEST_P(BufferedReader, UnbufferedReadGivesEverythingToTheEnd) {
    const std::string data = patterned(100'000);
    PiecesOf<TypeParam> source{reader_suite::cut(data, 3000)};
    ReaderOf<TypeParam> rfile{source, 0};

    EXPECT_EQ(rfile.readline(), data.substr(0, data.find('\n') + 1));
    std::string rest = rfile.read();

    EXPECT_TRUE(rest == data.substr(data.find('\n') + 1)) << printable(rest);
    EXPECT_EQ(rfile.read(), "");
}

TYPED_TEST_P(BufferedReader, ReadlineIntoReplacesTheStringsContentWithTheLine) {
    // readline() into a string the caller keeps: the same lines, and false
    // where readline() would return nothing.
    PiecesOf<TypeParam> source{reader_suite::cut("first line\n\nabcdefgh\nlast", 3)};
    ReaderOf<TypeParam> rfile{source};
    std::string line = "left over from before";

    EXPECT_TRUE(rfile.readline_into(line));
    EXPECT_EQ(line, "first line\n") << "the string was added to, not replaced";
    EXPECT_TRUE(rfile.readline_into(line)) << "an empty line is not the end";
    EXPECT_EQ(line, "\n");
    EXPECT_FALSE(rfile.readline_into(line, 0)) << "a limit of 0 reads nothing";
    EXPECT_EQ(line, "");
    EXPECT_TRUE(rfile.readline_into(line, 5));
    EXPECT_EQ(line, "abcde");
    EXPECT_TRUE(rfile.readline_into(line));
    EXPECT_EQ(line, "fgh\n");
    EXPECT_TRUE(rfile.readline_into(line));
    EXPECT_EQ(line, "last");
    EXPECT_FALSE(rfile.readline_into(line)) << "the end of the stream";
    EXPECT_EQ(line, "");
}

TYPED_TEST_P(BufferedReader, ReadlineIntoKeepsTheStringsMemory) {
    // The reason it exists: no allocation per line once the string is big enough.
    ReaderOf<TypeParam> rfile{std::string{"a line longer than the small-string space\nshort\n"}};
    std::string line;
    line.reserve(1000);
    const char* memory = line.data();

    ASSERT_TRUE(rfile.readline_into(line));
    ASSERT_TRUE(rfile.readline_into(line));

    EXPECT_EQ(line, "short\n");
    EXPECT_EQ(line.data(), memory) << "the string's memory was replaced";
    EXPECT_GE(line.capacity(), 1000u);
}

TYPED_TEST_P(BufferedReader, AReaderOverBytesReadsThemAsAStream) {
    // BufferedReader(std::string): Python's io.BytesIO, a datagram's rfile.
    ReaderOf<TypeParam> rfile{std::string{"first\nsecond\0\nthird", 19}};

    EXPECT_FALSE(rfile.closed());
    EXPECT_EQ(rfile.buffered(), std::string("first\nsecond\0\nthird", 19));
    EXPECT_EQ(rfile.readline(3), "fir");
    EXPECT_EQ(rfile.readline(), "st\n");
    EXPECT_EQ(rfile.read(8), std::string("second\0\n", 8));
    EXPECT_EQ(rfile.read(), "third");
    EXPECT_EQ(rfile.read(), "");
    EXPECT_EQ(rfile.readline(), "");
}

TYPED_TEST_P(BufferedReader, AReaderOverBytesWalksItsLines) {
    ReaderOf<TypeParam> rfile{std::string{"a\nb\nc"}};
    std::vector<std::string> seen;

    for (const std::string& line : rfile) {
        seen.push_back(line);
        ASSERT_LE(seen.size(), 3u) << "the walk went on past the end of the stream";
    }

    EXPECT_EQ(seen, (std::vector<std::string>{"a\n", "b\n", "c"}));
}

TYPED_TEST_P(BufferedReader, ASourceThatReturnsMoreThanAskedIsRefused) {
    // Python raises OSError ("raw readinto() returned invalid length"): a
    // count past the buffer would make the reader hand out bytes nobody wrote.
    reader_suite::OverreportingSource<typename ChapterOf<TypeParam>::RawIOBase> source;
    ReaderOf<TypeParam> rfile{source, 16};

    EXPECT_THROW(rfile.readline(), std::logic_error);
}

TYPED_TEST_P(BufferedReader, EveryReadRefusesASourceThatReturnsMoreThanAsked) {
    // Not only the refill of the buffer: read(n) past the buffer, read() and
    // an unbuffered read ask the source directly, and must not take its
    // word for bytes it never stored either.
    using Overreporting = reader_suite::OverreportingSource<typename ChapterOf<TypeParam>::RawIOBase>;
    {
        Overreporting source;
        ReaderOf<TypeParam> rfile{source, 16};
        EXPECT_THROW(rfile.read(1000), std::logic_error) << "read(n) larger than the buffer";
    }
    {
        Overreporting source;
        ReaderOf<TypeParam> rfile{source, 16};
        EXPECT_THROW(rfile.read(), std::logic_error) << "read() to the end";
    }
    {
        Overreporting source;
        ReaderOf<TypeParam> rfile{source, 0};
        EXPECT_THROW(rfile.read(10), std::logic_error) << "an unbuffered read(n)";
    }
}

TYPED_TEST_P(BufferedReader, AMovedFromReaderIsClosedAndTheNewOneGoesOn) {
    PiecesOf<TypeParam> source{{"one\ntwo\nthree\n"}};
    ReaderOf<TypeParam> first{source};
    ASSERT_EQ(first.readline(), "one\n");

    ReaderOf<TypeParam> second{std::move(first)};

    // NOLINTBEGIN(bugprone-use-after-move): what a moved-from reader does is the point
    EXPECT_TRUE(first.closed());
    EXPECT_THROW(first.readline(), std::logic_error);
    EXPECT_EQ(first.buffered(), "");
    EXPECT_EQ(second.readline(), "two\n") << "the buffered bytes did not move";

    ReaderOf<TypeParam> third;
    third = std::move(second);

    EXPECT_TRUE(second.closed());
    EXPECT_THROW(second.read(), std::logic_error);
    // NOLINTEND(bugprone-use-after-move)
    EXPECT_FALSE(third.closed());
    EXPECT_EQ(third.readline(), "three\n");
    EXPECT_EQ(third.readline(), "");
}

// Through a real socket: SocketIO under the reader, bytes sent by another
// thread while this one reads.

template <class Server>
using SocketIOOf = typename ChapterOf<Server>::SocketIO;

TYPED_TEST_P(BufferedReader, LinesSentAByteAtATimeOverLoopbackComeWhole) {
    auto [client, server] = loopback_connection();
    const std::string text = "GET / HTTP/1.0\r\nHost: example\r\n\r\nbody without newline";
    BackgroundCall sending{[&client = client, &text] {
                               for (char byte : text) {
                                   client.send_all({&byte, 1});
                               }
                               client.shutdown(SHUT_WR);
                           },
                           "one-byte sends"};
    SocketIOOf<TypeParam> raw{server};
    ReaderOf<TypeParam> rfile{raw};

    EXPECT_EQ(rfile.readline(), "GET / HTTP/1.0\r\n");
    EXPECT_EQ(rfile.readline(), "Host: example\r\n");
    EXPECT_EQ(rfile.readline(), "\r\n");
    EXPECT_EQ(rfile.readline(), "body without newline");
    EXPECT_EQ(rfile.readline(), "");
    sending.get();
}

TYPED_TEST_P(BufferedReader, AThousandLinesInOneSendComeOneByOne) {
    auto [writer, reader] = socket_pair();
    const auto lines = reader_suite::numbered_lines(1000);
    writer.send_all(reader_suite::joined(lines));
    writer.shutdown(SHUT_WR);
    SocketIOOf<TypeParam> raw{reader};
    ReaderOf<TypeParam> rfile{raw};

    std::vector<std::string> seen;
    for (const std::string& line : rfile) {
        seen.push_back(line);
        ASSERT_LE(seen.size(), lines.size()) << "the walk went on past the end of the stream";
    }

    EXPECT_EQ(seen, lines);
}

TYPED_TEST_P(BufferedReader, BinaryDataComesThroughASocketUnchanged) {
    auto [writer, reader] = socket_pair();
    const std::string data = patterned(300'000);
    BackgroundCall sending{[&writer = writer, &data] {
                               writer.send_all(data);
                               writer.shutdown(SHUT_WR);
                           },
                           "sending 300 KB"};
    SocketIOOf<TypeParam> raw{reader};
    ReaderOf<TypeParam> rfile{raw};

    std::string got = rfile.readline(100);
    got += rfile.read(1000);
    got += rfile.readline();
    got += rfile.read();
    sending.get();

    ASSERT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data) << "bytes were lost, repeated or reordered";
}

REGISTER_TYPED_TEST_SUITE_P(BufferedReader,
                            LinesComeWholeFromOneBytePieces,
                            ALineSplitAcrossManyReadsComesBackWhole,
                            AThousandLinesInOneReadCostAFewReadsNotAThousand,
                            EverythingInOnePieceSplitsIntoItsLines,
                            TheLastLineMayHaveNoNewline,
                            ALineLongerThanTheLimitComesInPiecesOfTheLimit,
                            ALimitThatEndsAtTheNewlineGivesTheWholeLine,
                            ALimitLargerThanTheLineChangesNothing,
                            ALimitOfZeroReturnsNothingAndTakesNothing,
                            ALineWithoutNewlineComesInPiecesOfTheLimit,
                            ReadOfNGivesExactlyNBytesFromAnyPieces,
                            ALargeReadAfterBufferedBytesKeepsTheOrder,
                            ReadGivesEverythingToTheEndOfTheStream,
                            ARangeForGivesEachLineOnceInOrder,
                            ARangeForOverAnEmptyStreamDoesNotRun,
                            BinaryBytesAndNulsComeThroughUnchanged,
                            BufferedShowsWhatTheNextReadGetsWithoutReading,
                            AClosedReaderRefusesEveryRead,
                            ADefaultReaderIsClosed,
                            UnbufferedReadlineReadsOneByteAtATime,
                            UnbufferedReadOfNReturnsOneReadsWorth,
                            UnbufferedReadGivesEverythingToTheEnd,
                            ReadlineIntoReplacesTheStringsContentWithTheLine,
                            ReadlineIntoKeepsTheStringsMemory,
                            AReaderOverBytesReadsThemAsAStream,
                            AReaderOverBytesWalksItsLines,
                            ASourceThatReturnsMoreThanAskedIsRefused,
                            EveryReadRefusesASourceThatReturnsMoreThanAsked,
                            AMovedFromReaderIsClosedAndTheNewOneGoesOn,
                            LinesSentAByteAtATimeOverLoopbackComeWhole,
                            AThousandLinesInOneSendComeOneByOne,
                            BinaryDataComesThroughASocketUnchanged);

// SocketIO, the raw layer of a socket: once a read has timed out, the
// stream is unusable (part of a line may have gone into the buffer above).

template <class Server>
class SocketIO : public ::testing::Test {};
TYPED_TEST_SUITE_P(SocketIO);

TYPED_TEST_P(SocketIO, ReadsWhatThePeerSentAndZeroAtTheEnd) {
    auto [writer, reader] = socket_pair();
    writer.send_all("hello");
    writer.shutdown(SHUT_WR);
    SocketIOOf<TypeParam> raw{reader};
    char buffer[16];

    EXPECT_EQ(std::string(buffer, raw.readinto(buffer)), "hello");
    EXPECT_EQ(raw.readinto(buffer), 0u);
}

TYPED_TEST_P(SocketIO, AReadThatTimesOutThrowsTimedOutAndEveryLaterReadIsRefused) {
    auto [writer, reader] = socket_pair();
    reader.set_timeout(common::Seconds{0.05});
    SocketIOOf<TypeParam> raw{reader};
    ReaderOf<TypeParam> rfile{raw};
    writer.send_all("half a li");

    try {
        rfile.readline();
        FAIL() << "readline() returned a line that was never finished";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::timed_out) << error.what();
    }
    const std::string late = "ne\nand a whole line\n";
    writer.send_all(late);  // too late: the stream is already unusable

    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            rfile.readline();
            FAIL() << "a reader that timed out read again";
        } catch (const std::system_error& error) {
            FAIL() << "a second recv() was made: " << error.what();
        } catch (const std::runtime_error& error) {
            EXPECT_STREQ(error.what(), "cannot read from timed out object");
        }
    }
    char buffer[64];
    EXPECT_THROW(raw.readinto(buffer), std::runtime_error);
    // The refusal is SocketIO's own: the bytes are still there to read.
    EXPECT_EQ(reader.recv(buffer, MSG_DONTWAIT), late.size());
}

TYPED_TEST_P(SocketIO, OtherErrorsDoNotEndTheStream) {
    // Only a timeout leaves a stream in an unknown state; a reader on a
    // non-blocking socket may try again once there is something to read.
    auto [writer, reader] = socket_pair();
    reader.set_timeout(common::Seconds{0});
    SocketIOOf<TypeParam> raw{reader};
    char buffer[16];

    try {
        raw.readinto(buffer);
        FAIL() << "read something that was never sent";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_would_block) << error.what();
    }
    writer.send_all("now");

    EXPECT_EQ(std::string(buffer, raw.readinto(buffer)), "now");
}

REGISTER_TYPED_TEST_SUITE_P(SocketIO,
                            ReadsWhatThePeerSentAndZeroAtTheEnd,
                            AReadThatTimesOutThrowsTimedOutAndEveryLaterReadIsRefused,
                            OtherErrorsDoNotEndTheStream);

}  // namespace sockserv::test
