// Tests of exercise 1.3: LineReader::read_line() (exercises/ch01/line_reader.cpp).
//
// The reader works on the server's end of a real loopback connection; the
// test plays the client. Each test sends its bytes before reading, so that
// what the reader can receive is known exactly, with no timing involved.
// The server's end has a receive timeout: a reader that waits for bytes
// that will never come fails the test instead of hanging it.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "line_reader.hpp"
#include "support/printable.hpp"
#include "support/client.hpp"

namespace {

using namespace sockserv;
using ch01::exercises::LineReader;
using ch01::exercises::LineTooLong;

// Long enough for any correct reader; short enough that a wrong one that
// waits for more data fails quickly.
constexpr common::Seconds reader_timeout{3.0};

std::string show(const std::optional<std::string>& line) {
    return line ? test::printable(*line) : "std::nullopt (the end of the stream)";
}

// What one call to read_line() did: returned a line or nullopt, refused a
// long line, or failed otherwise (a timeout, for a reader waiting in vain).
struct Outcome {
    std::optional<std::string> line;
    bool too_long = false;
    std::string error;
};

Outcome attempt(LineReader& reader) {
    Outcome outcome;
    try {
        outcome.line = reader.read_line();
    } catch (const LineTooLong&) {
        outcome.too_long = true;
    } catch (...) {
        outcome.error = common::describe_current_exception();
    }
    return outcome;
}

std::string show(const Outcome& outcome) {
    if (outcome.too_long) {
        return "it threw LineTooLong";
    }
    if (!outcome.error.empty()) {
        return "it threw " + outcome.error +
               (outcome.error.find("timed out") != std::string::npos
                    ? " (it waited for bytes the client was not going to send)"
                    : "");
    }
    return "it returned " + show(outcome.line);
}

// One read_line(), compared with what the bytes sent so far mean.
// \p situation says what the client has done, for the failure message.
testing::AssertionResult reads(LineReader& reader, const std::optional<std::string>& expected,
                               std::string_view situation) {
    Outcome outcome = attempt(reader);
    if (outcome.too_long || !outcome.error.empty() || outcome.line != expected) {
        return testing::AssertionFailure() << situation << ": expected read_line() to return "
                                           << show(expected) << ", but " << show(outcome);
    }
    return testing::AssertionSuccess();
}

// A loopback connection: `client` is the test, `server_side` is what a
// handler's `request` would be.
struct Connection {
    Connection() : listener(common::Socket::open(AF_INET, SOCK_STREAM)) {
        listener.bind(common::Address::inet("127.0.0.1", 0));
        listener.listen(1);
        listener.set_timeout(reader_timeout);
        client.emplace(listener.local_address());
        // The client's connect() has completed: accept() does not wait.
        server_side = listener.accept().first;
        server_side.set_timeout(reader_timeout);
    }

    common::Socket listener;
    std::optional<test::Client> client;
    common::Socket server_side;
};

TEST(LineReader, ReturnsALineWithItsNewline) {
    Connection c;
    LineReader reader{c.server_side};
    c.client->send("hello\n");
    EXPECT_TRUE(reads(reader, "hello\n", "the client sent \"hello\\n\" and waits"));
}

TEST(LineReader, SplitsSeveralLinesFromOneSend) {
    Connection c;
    LineReader reader{c.server_side};
    c.client->send("one\ntwo\nthree\n");
    const char* situation = "the client sent \"one\\ntwo\\nthree\\n\" in a single send()";
    ASSERT_TRUE(reads(reader, "one\n", situation));
    ASSERT_TRUE(reads(reader, "two\n", situation) << " (keep the bytes after a line for the "
                                                     "next call: the kernel gave them already)");
    ASSERT_TRUE(reads(reader, "three\n", situation));
    c.client->close_write();
    EXPECT_TRUE(reads(reader, std::nullopt, "then it closed its side"));
}

TEST(LineReader, JoinsALineCutAfterAnyByte) {
    // The stream is cut inside the line at every position in turn: before
    // each read, the client has sent the rest of the current line and only
    // the start of the next one, so the reader must keep that start and
    // join it with what comes later.
    const std::string line = "cut me anywhere\n";
    Connection c;
    LineReader reader{c.server_side};
    c.client->send("first\n" + line.substr(0, 1));
    ASSERT_TRUE(reads(reader, "first\n", "the client sent \"first\\n\" and one more byte"));
    for (std::size_t cut = 1; cut < line.size(); ++cut) {
        std::string next_start = cut + 1 < line.size() ? line.substr(0, cut + 1) : "";
        c.client->send(line.substr(cut) + next_start);
        ASSERT_TRUE(reads(reader, line,
                          "the client sent " + test::printable(line.substr(0, cut)) + ", waited for a "
                          "read, then sent the rest of the line"));
    }
    c.client->close_write();
    EXPECT_TRUE(reads(reader, std::nullopt, "then it closed its side"));
}

TEST(LineReader, AssemblesLinesFromOneByteRecvs) {
    // SOCK_SEQPACKET keeps the boundaries of what is sent: one byte sent per
    // send() means exactly one byte per recv(), the worst TCP may ever do.
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
    common::Socket reading{common::FileDescriptor{pair[0]}};
    common::Socket writing{common::FileDescriptor{pair[1]}};
    reading.set_timeout(reader_timeout);
    const std::string sent = "ab\n\nxyz\nend";
    for (char byte : sent) {
        writing.send_all({&byte, 1});
    }
    writing.close();

    LineReader reader{reading};
    const char* situation = "the peer sent \"ab\\n\\nxyz\\nend\" one byte per recv(), then closed";
    ASSERT_TRUE(reads(reader, "ab\n", situation));
    ASSERT_TRUE(reads(reader, "\n", situation));
    ASSERT_TRUE(reads(reader, "xyz\n", situation));
    ASSERT_TRUE(reads(reader, "end", situation));
    EXPECT_TRUE(reads(reader, std::nullopt, situation));
}

TEST(LineReader, KeepsEmptyLines) {
    Connection c;
    LineReader reader{c.server_side};
    c.client->send("\n\nword\n\n");
    const char* situation = "the client sent \"\\n\\nword\\n\\n\"";
    ASSERT_TRUE(reads(reader, "\n", situation) << " (an empty line is a line: \"\\n\")");
    ASSERT_TRUE(reads(reader, "\n", situation));
    ASSERT_TRUE(reads(reader, "word\n", situation));
    EXPECT_TRUE(reads(reader, "\n", situation));
}

TEST(LineReader, ReturnsAPartialLastLineThenNullopt) {
    Connection c;
    LineReader reader{c.server_side};
    c.client->send("done\nno newline at the end");
    c.client->close_write();
    const char* situation = "the client sent \"done\\nno newline at the end\" and closed its side";
    ASSERT_TRUE(reads(reader, "done\n", situation));
    ASSERT_TRUE(reads(reader, "no newline at the end", situation)
                << " (the bytes before the end of the stream are the last line)");
    ASSERT_TRUE(reads(reader, std::nullopt, situation));
    EXPECT_TRUE(reads(reader, std::nullopt, "and read_line() was called again"));
}

TEST(LineReader, SignalsTheEndOfTheStreamWithNullopt) {
    Connection c;
    LineReader reader{c.server_side};
    c.client->send("last\n");
    c.client->close_write();
    const char* situation = "the client sent \"last\\n\" and closed its side";
    ASSERT_TRUE(reads(reader, "last\n", situation));
    ASSERT_TRUE(reads(reader, std::nullopt, situation)
                << " (nothing is left: that is std::nullopt, not an empty string)");

    Connection silent;
    LineReader nothing{silent.server_side};
    silent.client->close_write();
    EXPECT_TRUE(reads(nothing, std::nullopt, "a client closed without sending anything"));
}

TEST(LineReader, KeepsBinaryBytes) {
    // NUL, bytes above 127 and a carriage return are data like any other:
    // only '\n' ends a line.
    const char raw[] = "\0\x01\x7f\x80\xfe\xff\r zero\0end\r\n";
    const std::string binary{raw, sizeof raw - 1};  // not cut at the first NUL
    Connection c;
    LineReader reader{c.server_side};
    c.client->send(binary + "next\n");
    const std::string situation = "the client sent " + test::printable(binary + "next\n");
    ASSERT_TRUE(reads(reader, binary, situation));
    EXPECT_TRUE(reads(reader, "next\n", situation));
}

TEST(LineReader, AcceptsLinesOfExactlyTheLimit) {
    Connection c;
    LineReader reader{c.server_side, 8};
    c.client->send("1234567\nabcdefgh");
    c.client->close_write();
    const char* situation =
        "max_line_length is 8 and the client sent \"1234567\\nabcdefgh\" then closed";
    ASSERT_TRUE(reads(reader, "1234567\n", situation) << " (8 bytes with the '\\n': allowed)");
    ASSERT_TRUE(reads(reader, "abcdefgh", situation) << " (a last line of 8 bytes: allowed)");
    EXPECT_TRUE(reads(reader, std::nullopt, situation));
}

TEST(LineReader, RefusesALineOverTheLimit) {
    Connection c;
    LineReader reader{c.server_side, 8};
    c.client->send("12345678\n");
    Outcome outcome = attempt(reader);
    EXPECT_TRUE(outcome.too_long)
        << "max_line_length is 8 and the client sent \"12345678\\n\" (9 bytes with its "
           "'\\n'): expected read_line() to throw LineTooLong, but "
        << show(outcome);
}

TEST(LineReader, RefusesALongLineWithoutWaitingForItsEnd) {
    // The client keeps the connection open after 4 KiB with no '\n': a
    // reader that waits for the end of this line waits forever (here, until
    // its receive timeout).
    Connection c;
    LineReader reader{c.server_side, 1024};
    c.client->send(std::string(4096, 'x'));
    Outcome outcome = attempt(reader);
    EXPECT_TRUE(outcome.too_long)
        << "max_line_length is 1024 and the client sent 4096 bytes without a '\\n', then "
           "waited: expected LineTooLong as soon as more than 1024 bytes had no '\\n', but "
        << show(outcome);
}

TEST(LineReader, SurvivesASixteenMebibyteLine) {
    // A hostile client sends 16 MiB with no '\n' and then just waits. With
    // the default limit (64 KiB) the reader must give up long before: it
    // must neither store 16 MiB nor wait for the rest of the line.
    Connection c;
    LineReader reader{c.server_side};
    test::Client& client = *c.client;
    std::jthread attacker{[&client] {
        try {
            client.send(std::string(16 * 1024 * 1024, 'x'));
            client.at_eof();  // wait until the server gives up (or the timeout)
        } catch (const std::exception&) {
            // The server reset the connection: the attack is over.
        }
    }};

    Outcome outcome = attempt(reader);
    c.server_side.close();  // ends the attacker's send() with a reset
    attacker.join();

    EXPECT_TRUE(outcome.too_long)
        << "the client sent 16 MiB without a '\\n' to a reader with the default "
           "max_line_length (64 KiB): expected LineTooLong, but "
        << show(outcome);
}

}  // namespace
