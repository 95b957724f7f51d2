// Tests of exercise 4.1: readline() over a ReadBuffer and a raw source
// (exercises/ch04/readline.cpp).
//
// No socket here: the source is a fake that hands out bytes in pieces the
// test chooses, exactly as recv() may on a real connection (a byte at a
// time, half a line, a thousand lines at once). It also plays the client
// who has sent everything and is waiting for an answer: asked for more
// after its last piece, it does not block as a socket would, it stops the
// call, and the test says which read should not have happened.
#include <cerrno>
#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "readline.hpp"
#include "support/printable.hpp"

namespace {

using namespace sockserv;
using ch04::exercises::ReadBuffer;
using ch04::exercises::readline;
using test::printable;

// Thrown by the source when readline() asks for bytes that, on a real
// connection, would not come: the call would wait for ever. Not a
// std::exception, so that nothing mistakes it for the source's own error.
struct WouldWait {};

// Thrown by the source when readline() goes on reading after the end of
// the stream: a loop that never stops, stopped by the test.
struct Runaway {};
constexpr int runaway_reads = 10000;

// What comes after the last piece: the end of the stream (readinto()
// returns 0), or a client that waits for our answer.
enum class Then { ends, waits };

// A raw source handing out \p pieces, one per readinto() (a piece bigger
// than what is asked for is handed out over several).
class Pieces : public ch04::RawIOBase {
public:
    Pieces(std::vector<std::string> pieces, Then then, const ReadBuffer& buffer)
        : pieces_(pieces.begin(), pieces.end()), then_(then), buffer_(buffer) {}

    std::size_t readinto(std::span<char> into) override {
        if (++reads > runaway_reads) {
            throw Runaway{};
        }
        asked.push_back(into.size());
        const char* first = buffer_.storage.data();
        if (into.data() < first || into.data() + into.size() > first + buffer_.storage.size()) {
            outside_storage = true;
        }
        if (pieces_.empty()) {
            if (then_ == Then::waits) {
                throw WouldWait{};
            }
            return 0;
        }
        std::string& piece = pieces_.front();
        std::size_t count = std::min(piece.size(), into.size());
        piece.copy(into.data(), count);
        piece.erase(0, count);
        if (piece.empty()) {
            pieces_.pop_front();
        }
        return count;
    }

    int reads = 0;                  // readinto() calls so far
    std::vector<std::size_t> asked; // the size of each call's span
    bool outside_storage = false;   // some call's span was not in buffer.storage

private:
    std::deque<std::string> pieces_;
    Then then_;
    const ReadBuffer& buffer_;
};

std::string show_limit(std::optional<std::size_t> limit) {
    return limit ? std::to_string(*limit) : "none";
}

// readline(source, buffer, limit) returned \p expected. \p why says what
// the test is about, for the failure message.
testing::AssertionResult reads(Pieces& source, ReadBuffer& buffer,
                               std::optional<std::size_t> limit, const std::string& expected,
                               const std::string& why) {
    const std::string call = "readline(source, buffer, limit=" + show_limit(limit) + ")";
    const int reads_before = source.reads;
    std::string line;
    try {
        line = readline(source, buffer, limit);
    } catch (const WouldWait&) {
        return testing::AssertionFailure()
               << call << " asked the source for more bytes (its read number " << source.reads
               << ") although it should already have had what it needed: "
               << printable(expected) << " (" << why
               << "). On a real connection the client has sent everything it means to send "
                  "for now, and that read would wait for ever. Take from what waits in the "
                  "buffer first, and stop at the '\\n' or at the limit.";
    } catch (const Runaway&) {
        return testing::AssertionFailure()
               << call << " went on calling readinto() after it had returned 0, "
               << runaway_reads << " times; the test stopped it. 0 is the end of the stream: "
                  "no more bytes will ever come, return what the line has.";
    } catch (...) {
        return testing::AssertionFailure()
               << call << " threw " << common::describe_current_exception();
    }
    if (source.outside_storage) {
        return testing::AssertionFailure()
               << call << " called source.readinto() with memory that is not inside "
                  "buffer.storage: the bytes must land in the buffer, where the next call "
                  "finds what this one did not return";
    }
    if (buffer.start > buffer.end || buffer.end > buffer.storage.size()) {
        return testing::AssertionFailure()
               << call << " left buffer.start = " << buffer.start << ", buffer.end = "
               << buffer.end << " with storage.size() = " << buffer.storage.size()
               << ": it must always be start <= end <= storage.size()";
    }
    if (line != expected) {
        return testing::AssertionFailure()
               << call << " returned " << printable(line) << ", but it should return "
               << printable(expected) << " (" << why << "). It called readinto() "
               << source.reads - reads_before << " time(s); now waiting in the buffer: "
               << printable(buffer.waiting());
    }
    return testing::AssertionSuccess();
}

TEST(Readline, ALineInOneRead) {
    ReadBuffer buffer{64};
    Pieces source{{"hello\n"}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, {}, "hello\n", "the whole line arrived in one read"));
    EXPECT_EQ(source.reads, 1) << "one read brought the whole line";
}

TEST(Readline, ManyLinesInOneRead) {
    ReadBuffer buffer{64};
    Pieces source{{"one\ntwo\nthree\n"}, Then::waits, buffer};
    ASSERT_TRUE(reads(source, buffer, {}, "one\n", "the first of three lines in one read"));
    EXPECT_EQ(buffer.waiting(), "two\nthree\n")
        << "after the first line, the other two must stay waiting in the buffer "
           "(storage[start, end)) for the next calls";
    EXPECT_TRUE(reads(source, buffer, {}, "two\n", "the second line, waiting in the buffer"));
    EXPECT_TRUE(reads(source, buffer, {}, "three\n", "the third line, waiting in the buffer"));
    EXPECT_EQ(source.reads, 1)
        << "three lines came in one read: one call of readinto() was enough for all of them";
}

TEST(Readline, OneByteAtATime) {
    ReadBuffer buffer{64};
    Pieces source{{"h", "i", "\n", "y", "o", "\n"}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, {}, "hi\n",
                      "each read of the source gave one byte: keep reading until the '\\n'"));
    EXPECT_TRUE(reads(source, buffer, {}, "yo\n", "the next line, one byte at a time too"));
}

TEST(Readline, ALineSplitAcrossReads) {
    ReadBuffer buffer{64};
    Pieces source{{"GET /ind", "ex.html HT", "TP/1.0\r\nHost: ex", "ample.org\r\n"},
                  Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, {}, "GET /index.html HTTP/1.0\r\n",
                      "a line that came in three reads, the third holding the next line's "
                      "beginning too ('\\r' is a byte like any other)"));
    EXPECT_TRUE(reads(source, buffer, {}, "Host: example.org\r\n",
                      "its beginning was waiting in the buffer, its end came in the next read"));
}

TEST(Readline, ALineLongerThanTheBuffer) {
    ReadBuffer buffer{4};
    const std::string line = std::string(29, 'x') + "\n";
    Pieces source{{line}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, {}, line,
                      "without a limit, a line longer than the buffer comes back whole: the "
                      "line grows in the string you return, not in the buffer"));
}

TEST(Readline, AsksForAWholeBufferAtATime) {
    ReadBuffer buffer{16};
    std::string lines;
    for (int i = 0; i < 16; ++i) {
        lines += "line\n";  // 80 bytes, in one piece
    }
    Pieces source{{lines}, Then::ends, buffer};
    for (int i = 0; i < 16; ++i) {
        ASSERT_TRUE(reads(source, buffer, {}, "line\n", "16 lines of 5 bytes, sent at once"));
    }
    ASSERT_TRUE(reads(source, buffer, {}, "", "then the end of the stream"));
    std::string sizes;
    for (std::size_t size : source.asked) {
        sizes += (sizes.empty() ? "" : ", ") + std::to_string(size);
    }
    EXPECT_EQ(source.reads, 6)
        << "80 bytes through a 16-byte buffer take 5 reads of 16 bytes, and a 6th sees the "
           "end of the stream; readinto() was asked for: "
        << sizes
        << ". Each read is a system call: ask for the whole of buffer.storage each time, "
           "and only when nothing waits in it any more.";
    for (std::size_t size : source.asked) {
        EXPECT_EQ(size, buffer.storage.size())
            << "each readinto() should be given the whole of buffer.storage; it was asked "
               "for: "
            << sizes;
    }
}

TEST(Readline, TheEndOfTheStream) {
    ReadBuffer buffer{64};
    Pieces source{{"first\nno newline at the end"}, Then::ends, buffer};
    ASSERT_TRUE(reads(source, buffer, {}, "first\n", "a complete line"));
    EXPECT_TRUE(reads(source, buffer, {}, "no newline at the end",
                      "the stream ended (readinto() returned 0) in the middle of a line: "
                      "return what there is, without a '\\n'"));
    EXPECT_TRUE(reads(source, buffer, {}, "", "after the end of the stream: \"\""));
    EXPECT_TRUE(reads(source, buffer, {}, "", "and \"\" again at every later call"));
}

TEST(Readline, AnEmptyStream) {
    ReadBuffer buffer{64};
    Pieces source{{}, Then::ends, buffer};
    EXPECT_TRUE(reads(source, buffer, {}, "",
                      "the client closed without sending anything: \"\" says so"));
}

TEST(Readline, StartsWithWhatWaits) {
    ReadBuffer buffer{8};
    buffer.storage = "..ab\ncd.";  // ".." was handed out before; "ab\ncd" waits
    buffer.start = 2;
    buffer.end = 7;
    Pieces source{{"e\n"}, Then::waits, buffer};
    ASSERT_TRUE(reads(source, buffer, {}, "ab\n",
                      "\"ab\\ncd\" was waiting in the buffer (start = 2, end = 7): the line "
                      "was there already"));
    EXPECT_EQ(source.reads, 0) << "the line was waiting in the buffer: no read was needed";
    EXPECT_EQ(buffer.waiting(), "cd") << "what follows the line waits for the next call";
    EXPECT_TRUE(reads(source, buffer, {}, "cde\n",
                      "\"cd\" waited in the buffer, \"e\\n\" came from the source"));
    EXPECT_EQ(buffer.storage.substr(0, 2), "e\n")
        << "once nothing waits, a read fills buffer.storage from its first byte";
}

TEST(Readline, ALimitCutsALongLine) {
    ReadBuffer buffer{64};
    Pieces source{{"abcdefgh\n"}, Then::waits, buffer};
    ASSERT_TRUE(reads(source, buffer, 3, "abc", "at most 3 bytes"));
    EXPECT_EQ(buffer.waiting(), "defgh\n") << "the rest of the line waits for the next call";
    EXPECT_TRUE(reads(source, buffer, 3, "def", "the next 3 bytes of the same line"));
    EXPECT_TRUE(reads(source, buffer, 3, "gh\n", "what is left of the line, with its '\\n'"));
}

TEST(Readline, ALimitAtTheNewline) {
    ReadBuffer buffer{64};
    Pieces source{{"abc\nxyz\n"}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, 4, "abc\n", "the line and its '\\n' are exactly 4 bytes"));
    EXPECT_TRUE(reads(source, buffer, 3, "xyz",
                      "the limit is reached just before the '\\n': the '\\n' waits"));
    EXPECT_TRUE(reads(source, buffer, 3, "\n", "the '\\n' alone, which waited"));
}

TEST(Readline, AReachedLimitReadsNoMore) {
    ReadBuffer buffer{64};
    Pieces source{{"abc"}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, 3, "abc",
                      "the client sent 3 bytes without a '\\n' and waits; with a limit of 3 "
                      "the line is done. This is what a limit is for: a client that never "
                      "ends its line cannot make the server read, and keep, for ever"));
    EXPECT_EQ(source.reads, 1);
}

TEST(Readline, ALimitAcrossReads) {
    ReadBuffer buffer{64};
    Pieces source{{"ab", "cd", "ef\n"}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, 5, "abcde",
                      "5 bytes gathered over three reads; \"f\\n\" stays in the buffer"));
    EXPECT_TRUE(reads(source, buffer, {}, "f\n", "the rest of the line, which waited"));
}

TEST(Readline, ALimitLongerThanTheLine) {
    ReadBuffer buffer{64};
    Pieces source{{"ab\ncd\n"}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, 100, "ab\n", "a line shorter than the limit ends at '\\n'"));
    EXPECT_TRUE(reads(source, buffer, 100, "cd\n", "the next line, which waited"));
}

TEST(Readline, ALimitOfZero) {
    ReadBuffer buffer{64};
    Pieces source{{"abc\n"}, Then::waits, buffer};
    EXPECT_TRUE(reads(source, buffer, 0, "", "a limit of 0 returns \"\", as in Python"));
    EXPECT_EQ(source.reads, 0) << "a limit of 0 has nothing to read";
    EXPECT_TRUE(reads(source, buffer, {}, "abc\n", "the line is still all there"));
}

TEST(Readline, BinaryBytesComeThroughUnchanged) {
    ReadBuffer buffer{4};
    const std::string nul_line{"a\0b\r\xff\x01\n", 7};
    Pieces source{{nul_line.substr(0, 2), nul_line.substr(2) + "z"}, Then::ends, buffer};
    EXPECT_TRUE(reads(source, buffer, {}, nul_line,
                      "a NUL byte is a byte like any other: keep lengths, not C strings"));
    EXPECT_TRUE(reads(source, buffer, {}, "z", "then what is left at the end of the stream"));
}

// A source whose connection fails.
class Failing : public ch04::RawIOBase {
public:
    std::size_t readinto(std::span<char>) override {
        throw std::system_error(ECONNRESET, std::generic_category(), "recv");
    }
};

TEST(Readline, TheSourcesErrorsGoOn) {
    ReadBuffer buffer{64};
    Failing source;
    try {
        std::string line = readline(source, buffer);
        ADD_FAILURE() << "the source threw std::system_error (connection reset), but readline() "
                         "returned "
                      << printable(line)
                      << ". Let the error go on to the caller: \"\" would tell it the client "
                         "closed the connection normally.";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::connection_reset)
            << "readline() should let the source's error through unchanged";
    } catch (...) {
        ADD_FAILURE() << "readline() should let the source's std::system_error through, but "
                         "threw "
                      << common::describe_current_exception();
    }
}

}  // namespace
