// Tests of exercise 4.2: BufferedWriter::write() and flush()
// (exercises/ch04/buffered_writer.cpp).
//
// The writer sends into one end of a Unix socket pair; the test reads the
// other end. On a Unix stream socket, a byte that send() has taken is in
// the reader's queue by the time send() returns, so "what has arrived" is
// exactly "what was sent", with no network in between to wait for: the
// test reads it without blocking.
//
// Sending fails on purpose in two ways. A reader that reads nothing lets
// the socket's buffers fill (a few hundred KiB): a flush of 4 MiB then
// sends part of it and stops, on a non-blocking socket at once, with a
// timeout when the timeout runs out. A reader that has closed makes the
// next send fail with EPIPE.
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "buffered_writer.hpp"
#include "common/error.hpp"
#include "common/file_descriptor.hpp"
#include "common/socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"

namespace {

using namespace sockserv;
using ch04::exercises::BufferedWriter;
using test::printable;

// The two ends of a connection: the writer's and the test's.
struct Connection {
    common::Socket writer;
    common::Socket reader;
};

Connection connection() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        common::throw_system_error("socketpair");
    }
    Connection pair{common::Socket{common::FileDescriptor{fds[0]}},
                    common::Socket{common::FileDescriptor{fds[1]}}};
    // Small, so that 4 MiB can never fit in the socket whatever the system's
    // defaults: the tests that need a send to stop halfway rely on it.
    pair.writer.set_option(SOL_SOCKET, SO_SNDBUF, 64 * 1024);
    pair.writer.set_timeout(test::default_timeout);  // a broken test fails, never hangs
    pair.reader.set_timeout(test::default_timeout);
    return pair;
}

// Everything that has arrived at \p reader so far, without waiting.
std::string arrived(common::Socket& reader) {
    std::string bytes;
    char chunk[64 * 1024];
    while (true) {
        ssize_t got = ::recv(reader.fd(), chunk, sizeof chunk, MSG_DONTWAIT);
        if (got > 0) {
            bytes.append(chunk, static_cast<std::size_t>(got));
        } else if (got == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            return bytes;
        } else if (errno != EINTR) {
            common::throw_system_error("recv");
        }
    }
}

// Exactly \p count bytes from \p reader, waiting for them (with its timeout).
std::string receive(common::Socket& reader, std::size_t count) {
    std::string bytes(count, '\0');
    std::size_t have = 0;
    while (have < count) {
        std::size_t got = reader.recv({bytes.data() + have, count - have});
        if (got == 0) {
            break;
        }
        have += got;
    }
    bytes.resize(have);
    return bytes;
}

// \p size bytes in which no stretch repeats: "0000000 0000001 ...", so
// that a byte sent twice or lost shows where it happened.
std::string numbered(std::size_t size) {
    std::string bytes;
    bytes.reserve(size + 8);
    for (unsigned n = 0; bytes.size() < size; ++n) {
        char word[16];
        std::snprintf(word, sizeof word, "%07u ", n);
        bytes += word;
    }
    bytes.resize(size);
    return bytes;
}

// \p actual is \p expected; if not, where they part.
testing::AssertionResult same_bytes(std::string_view actual, std::string_view expected,
                                    const std::string& what) {
    if (actual == expected) {
        return testing::AssertionSuccess();
    }
    std::size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) {
        ++at;
    }
    return testing::AssertionFailure()
           << what << " should be " << printable(expected) << ", but it is "
           << printable(actual) << " (they differ from byte " << at << " on)";
}

// What a call threw: empty if it returned.
template <class Call>
std::optional<std::system_error> error_of(Call call, std::string& other) {
    try {
        call();
    } catch (const std::system_error& error) {
        return error;
    } catch (...) {
        other = common::describe_current_exception();
    }
    return std::nullopt;
}

TEST(BufferedWriter, SmallWritesWait) {
    Connection c = connection();
    BufferedWriter writer{c.writer, 16};

    EXPECT_EQ(writer.write("abc"), 3u) << "write() returns how many bytes it was given";
    EXPECT_EQ(writer.write("def"), 3u) << "write() returns how many bytes it was given";

    EXPECT_TRUE(same_bytes(writer.pending(), "abcdef",
                           "after write(\"abc\") and write(\"def\") to a 16-byte buffer, "
                           "pending()"));
    EXPECT_TRUE(same_bytes(arrived(c.reader), "",
                           "6 bytes fit in 16: nothing should be sent yet; what arrived"));
}

TEST(BufferedWriter, FlushSendsWhatWaits) {
    Connection c = connection();
    BufferedWriter writer{c.writer, 16};
    writer.write("abc");
    writer.write("def");

    writer.flush();

    EXPECT_TRUE(same_bytes(arrived(c.reader), "abcdef", "after flush(), what arrived"));
    EXPECT_TRUE(same_bytes(writer.pending(), "", "after a flush() that succeeded, pending()"));

    writer.flush();
    EXPECT_TRUE(same_bytes(arrived(c.reader), "",
                           "a second flush() with nothing written since should send nothing: "
                           "what arrived"));
}

TEST(BufferedWriter, AFullBufferWaitsAndTheNextWriteSendsAll) {
    Connection c = connection();
    BufferedWriter writer{c.writer, 8};
    writer.write("1234");
    writer.write("5678");
    ASSERT_TRUE(same_bytes(arrived(c.reader), "",
                           "8 bytes in an 8-byte buffer fill it exactly, and a full buffer "
                           "waits (only one that holds more than its capacity is sent): what "
                           "arrived"));
    ASSERT_TRUE(same_bytes(writer.pending(), "12345678", "pending()"));

    writer.write("9");

    EXPECT_TRUE(same_bytes(arrived(c.reader), "123456789",
                           "write(\"9\") takes the buffer past its 8 bytes: everything, old "
                           "and new, should be sent in order; what arrived"));
    EXPECT_TRUE(same_bytes(writer.pending(), "", "then pending()"));
}

TEST(BufferedWriter, AWriteLargerThanTheBuffer) {
    Connection c = connection();
    BufferedWriter writer{c.writer, 4};
    writer.write("ab");

    writer.write("cdefghij");

    EXPECT_TRUE(same_bytes(arrived(c.reader), "abcdefghij",
                           "\"ab\" waited in a 4-byte buffer, then 8 more bytes came: all of "
                           "it should be sent, in the order written; what arrived"));
    EXPECT_TRUE(same_bytes(writer.pending(), "", "then pending()"));
}

TEST(BufferedWriter, CapacityZeroSendsEveryWrite) {
    Connection c = connection();
    BufferedWriter writer{c.writer, 0};

    writer.write("x");

    EXPECT_TRUE(same_bytes(arrived(c.reader), "x",
                           "with capacity 0 every byte is one too many to wait: write(\"x\") "
                           "should send it; what arrived"));
    EXPECT_TRUE(same_bytes(writer.pending(), "", "then pending()"));
}

// A 4 MiB flush into a connection nobody reads: the socket takes part of
// it, then the send cannot go on. With \p timeout 0 (non-blocking) it
// fails at once; with a timeout, when that runs out. Then the reader reads,
// and a second flush() must deliver the rest: each byte exactly once.
void check_a_flush_that_cannot_finish(common::Seconds timeout, std::errc expected) {
    Connection c = connection();
    const std::string data = numbered(4 << 20);
    BufferedWriter writer{c.writer, 8 << 20};
    writer.write(data);
    ASSERT_EQ(writer.pending().size(), data.size())
        << "4 MiB written to an 8 MiB buffer should all wait in pending()";
    c.writer.set_timeout(timeout);

    std::string other;
    std::optional<std::system_error> error = error_of([&] { writer.flush(); }, other);

    const std::string went = arrived(c.reader);
    ASSERT_TRUE(error) << "nobody read the other end, so flush() could not send 4 MiB and "
                          "should have thrown the socket's std::system_error; it "
                       << (other.empty() ? "returned" : "threw " + other) << ", and "
                       << went.size() << " bytes arrived";
    EXPECT_EQ(error->code(), expected)
        << "flush() should let the socket's error go on unchanged (a bare `throw;`); it "
           "threw: "
        << error->what();
    ASSERT_GT(went.size(), 0u) << "(the socket took no byte at all: the test cannot go on)";
    ASSERT_TRUE(same_bytes(went, std::string_view{data}.substr(0, went.size()),
                           "what arrived before the error"));
    ASSERT_TRUE(same_bytes(writer.pending(), std::string_view{data}.substr(went.size()),
                           "the first " + std::to_string(went.size()) +
                               " bytes were sent before the error, so pending()"))
        << "\n(pending() must keep exactly what did not go: send_all(data, &sent) counts "
           "in `sent` what went, even when it throws. Keep more and a second flush() "
           "sends bytes twice; keep less and they are lost.)";

    // The reader reads now, and the writer tries again.
    c.writer.set_timeout(test::default_timeout);
    const std::size_t rest = data.size() - went.size();
    std::string second;
    test::BackgroundCall reading{[&] { second = receive(c.reader, rest); }, "the reader"};
    writer.flush();
    ASSERT_TRUE(reading.finishes_within());
    reading.get();
    EXPECT_TRUE(same_bytes(second, std::string_view{data}.substr(went.size()),
                           "what the second flush() delivered"));
    EXPECT_TRUE(same_bytes(writer.pending(), "", "after the second flush(), pending()"));
}

TEST(BufferedWriter, AFlushThatWouldBlockKeepsWhatWasNotSent) {
    check_a_flush_that_cannot_finish(common::Seconds{0}, std::errc::operation_would_block);
}

TEST(BufferedWriter, AFlushThatTimesOutKeepsWhatWasNotSent) {
    check_a_flush_that_cannot_finish(common::Seconds{0.2}, std::errc::timed_out);
}

TEST(BufferedWriter, AWriteWhoseSendFailsKeepsItsData) {
    Connection c = connection();
    BufferedWriter writer{c.writer, 16};
    writer.write("0123456789");
    c.reader.close();  // the client has gone

    std::string other;
    std::optional<std::system_error> error =
        error_of([&] { writer.write("abcdefghij"); }, other);

    ASSERT_TRUE(error) << "write(\"abcdefghij\") overflows the 16-byte buffer, so it flushes "
                          "it, to a client that has gone: it should throw the socket's "
                          "std::system_error (EPIPE); it "
                       << (other.empty() ? "returned" : "threw " + other);
    EXPECT_TRUE(error->code() == std::errc::broken_pipe ||
                error->code() == std::errc::connection_reset)
        << "write() should let the socket's error through unchanged; it threw: "
        << error->what();
    EXPECT_TRUE(same_bytes(writer.pending(), "0123456789abcdefghij",
                           "nothing could be sent, so pending()"))
        << "\n(write() takes its data even when the flush fails: the caller cannot tell how "
           "much of it went, so its way to try again is flush(), which must find every byte "
           "not yet sent.)";
}

TEST(BufferedWriter, ALargeWriteThatCannotFinishKeepsTheRest) {
    Connection c = connection();
    const std::string data = numbered(4 << 20);
    BufferedWriter writer{c.writer, 1024};
    writer.write("head ");
    c.writer.set_timeout(common::Seconds{0});

    std::string other;
    std::optional<std::system_error> error = error_of([&] { writer.write(data); }, other);

    const std::string all = "head " + data;
    const std::string went = arrived(c.reader);
    ASSERT_TRUE(error) << "4 MiB written to a 1 KiB buffer, into a connection nobody reads, "
                          "on a non-blocking socket: write() should throw the socket's "
                          "std::system_error; it "
                       << (other.empty() ? "returned" : "threw " + other);
    ASSERT_GT(went.size(), 0u) << "(the socket took no byte at all: the test cannot go on)";
    EXPECT_TRUE(same_bytes(went, std::string_view{all}.substr(0, went.size()),
                           "what arrived before the error"));
    EXPECT_TRUE(same_bytes(writer.pending(), std::string_view{all}.substr(went.size()),
                           std::to_string(went.size()) + " bytes of \"head \" + 4 MiB went "
                           "before the error, so pending()"));
}

}  // namespace
