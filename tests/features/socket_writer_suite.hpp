/// \file
/// \brief `wfile`, as chapter 4 made it: SocketWriter unbuffered (Python's
/// `_SocketWriter`, every write a send-all) and buffered (Python's
/// `BufferedWriter`: nothing on the wire until flush(), close() or a full
/// buffer; a failed flush keeps exactly the bytes that did not go).
/// `SocketWriter`, once per chapter (over its TCP class, which only names
/// the chapter).
#pragma once

#include <cerrno>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"
#include "support/server_classes.hpp"
#include "support/socket_pairs.hpp"

namespace sockserv::test {

// Names of this header only: another suite's helpers may share a name.
template <class Server>
class SocketWriter : public ::testing::Test {};
TYPED_TEST_SUITE_P(SocketWriter);

// The chapter's writer, from the server class the suite runs on.
template <class Server>
using WriterOf = typename ChapterOf<Server>::SocketWriter;

TYPED_TEST_P(SocketWriter, UnbufferedEveryWriteIsOnTheWireWhenItReturns) {
    // wbufsize = 0, Python's default: nothing waits for a flush.
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 0};

    EXPECT_EQ(wfile.write("first line\n"), 11u) << "write() returns the count, as in Python";
    EXPECT_EQ(wfile.pending(), 0u);
    EXPECT_EQ(take_what_arrived(peer), "first line\n") << "an unbuffered write waited";
    EXPECT_EQ(wfile.write(""), 0u);
    EXPECT_EQ(wfile.write(std::string("a\0b", 3)), 3u);
    EXPECT_EQ(take_what_arrived(peer), std::string("a\0b", 3));
}

TYPED_TEST_P(SocketWriter, UnbufferedLargeWritesGoOutWholeAndInOrder) {
    auto [own, peer] = socket_pair();
    const std::string data = patterned(4 * 1024 * 1024);
    BackgroundCall writing{[&own = own, &data] {
                               WriterOf<TypeParam> wfile{own, 0};
                               EXPECT_EQ(wfile.write(data.substr(0, 1'000'000)), 1'000'000u);
                               EXPECT_EQ(wfile.write(data.substr(1'000'000)), data.size() - 1'000'000);
                               own.shutdown(SHUT_WR);
                           },
                           "writing 4 MiB"};

    std::string received = read_to_end(peer);
    writing.get();

    ASSERT_EQ(received.size(), data.size());
    EXPECT_TRUE(received == data) << "bytes were lost, repeated or reordered";
}

TYPED_TEST_P(SocketWriter, BufferedWritesWaitForFlush) {
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 64};

    EXPECT_EQ(wfile.write("one\n"), 4u);
    EXPECT_EQ(wfile.write("two\n"), 4u);
    EXPECT_EQ(wfile.pending(), 8u);
    EXPECT_EQ(take_what_arrived(peer), "") << "a buffered write went out before flush()";

    wfile.flush();

    EXPECT_EQ(wfile.pending(), 0u);
    EXPECT_EQ(take_what_arrived(peer), "one\ntwo\n");
    wfile.flush();  // nothing to send: harmless
    EXPECT_EQ(take_what_arrived(peer), "") << "a flush sent the same bytes twice";
}

TYPED_TEST_P(SocketWriter, AFullBufferIsSentWhenTheNextWriteDoesNotFit) {
    // As Python's BufferedWriter(raw, 8): "abcde" and "fgh" fill it exactly
    // and stay; "i" does not fit, so the eight go out and "i" waits.
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 8};

    wfile.write("abcde");
    wfile.write("fgh");
    EXPECT_EQ(wfile.pending(), 8u);
    EXPECT_EQ(take_what_arrived(peer), "") << "a buffer that was just full was sent";

    wfile.write("i");

    EXPECT_EQ(take_what_arrived(peer), "abcdefgh");
    EXPECT_EQ(wfile.pending(), 1u);
    wfile.flush();
    EXPECT_EQ(take_what_arrived(peer), "i");
}

TYPED_TEST_P(SocketWriter, AWriteLargerThanTheBufferGoesOutWholeAfterWhatWasBuffered) {
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 16};
    const std::string big = patterned(10'000);

    wfile.write("head:");
    EXPECT_EQ(wfile.write(big), big.size());

    EXPECT_EQ(wfile.pending(), 0u) << "a write that does not fit is not kept";
    std::string received = take_what_arrived(peer);
    EXPECT_TRUE(received == "head:" + big) << printable(received);
    wfile.write("tail");
    EXPECT_EQ(take_what_arrived(peer), "") << "the buffer is used again after a large write";
    wfile.close();
    EXPECT_EQ(take_what_arrived(peer), "tail");
}

TYPED_TEST_P(SocketWriter, CloseFlushesAndWritesAfterItAreRefused) {
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 64};
    wfile.write("last words\n");
    ASSERT_FALSE(wfile.closed());

    wfile.close();

    EXPECT_TRUE(wfile.closed());
    EXPECT_EQ(take_what_arrived(peer), "last words\n");
    EXPECT_EQ(wfile.pending(), 0u);
    EXPECT_THROW(wfile.write("more"), std::logic_error);
    EXPECT_THROW(wfile.flush(), std::logic_error);
    wfile.close();  // closing twice is harmless
    EXPECT_EQ(take_what_arrived(peer), "") << "a second close sent something";
    EXPECT_TRUE(own.is_open()) << "the connection belongs to the request, not to wfile";
}

TYPED_TEST_P(SocketWriter, AnUnbufferedWriterRefusesWritesAfterClose) {
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 0};

    wfile.close();

    EXPECT_TRUE(wfile.closed());
    EXPECT_THROW(wfile.write("x"), std::logic_error);
    EXPECT_EQ(take_what_arrived(peer), "");
}

TYPED_TEST_P(SocketWriter, ADefaultWriterIsClosed) {
    // What wfile is before setup() opens it.
    WriterOf<TypeParam> wfile;

    EXPECT_TRUE(wfile.closed());
    EXPECT_THROW(wfile.write("x"), std::logic_error);
    wfile.close();
}

TYPED_TEST_P(SocketWriter, AWriteToAPeerThatHasGoneThrows) {
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 0};
    peer.close();

    try {
        wfile.write("anyone?");
        FAIL() << "a write to a closed peer succeeded";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::broken_pipe) << error.what();
    }
}

TYPED_TEST_P(SocketWriter, AFailedFlushKeepsTheBytesAndCloseThrowsAgain) {
    // Python: flush() raises BrokenPipeError, the bytes stay, and close()
    // raises it again, leaving the file closed all the same.
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> wfile{own, 64};
    wfile.write("hello");
    peer.close();

    EXPECT_THROW(wfile.flush(), std::system_error);
    EXPECT_EQ(wfile.pending(), 5u) << "a flush that sent nothing dropped the bytes";

    try {
        wfile.close();
        FAIL() << "close() flushed to a peer that has gone without an error";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::broken_pipe) << error.what();
    }
    EXPECT_TRUE(wfile.closed()) << "a close whose flush failed left the writer open";
    wfile.close();  // the second close has nothing left to fail on
    EXPECT_THROW(wfile.write("x"), std::logic_error);
}

TYPED_TEST_P(SocketWriter, AFlushThatFailsHalfwayKeepsOnlyTheUnsentBytes) {
    // The peer does not read: the socket buffers take part of 3 MiB, then
    // the flush times out. What went out must not go again, and what did
    // not must not be lost: the peer, reading on, gets the bytes once each.
    auto [own, peer] = socket_pair();
    const std::string data = patterned(3 * 1024 * 1024);
    WriterOf<TypeParam> wfile{own, data.size() + 1};
    wfile.write(data);
    own.set_timeout(common::Seconds{0.1});

    try {
        wfile.flush();
        FAIL() << "3 MiB fit into the socket buffers";
    } catch (const std::system_error& error) {
        ASSERT_EQ(error.code(), std::errc::timed_out) << error.what();
    }
    std::string received = take_what_arrived(peer);
    ASSERT_GT(received.size(), 0u) << "the flush sent nothing before it failed";
    EXPECT_EQ(received.size() + wfile.pending(), data.size())
        << received.size() << " bytes went out, " << wfile.pending() << " are kept";

    own.set_timeout(default_timeout);
    BackgroundCall reading{[&peer = peer, &received] { received += read_to_end(peer); },
                           "reading the rest"};
    wfile.close();
    own.shutdown(SHUT_WR);
    reading.get();

    ASSERT_EQ(received.size(), data.size());
    EXPECT_TRUE(received == data) << "bytes were lost, repeated or reordered";
}

TYPED_TEST_P(SocketWriter, AMovedFromWriterIsClosedAndTheNewOneHasTheBytes) {
    auto [own, peer] = socket_pair();
    WriterOf<TypeParam> first{own, 64};
    first.write("kept ");

    WriterOf<TypeParam> second{std::move(first)};
    second.write("together");

    // NOLINTBEGIN(bugprone-use-after-move): what a moved-from writer does is the point
    EXPECT_TRUE(first.closed());
    EXPECT_EQ(first.pending(), 0u);
    EXPECT_THROW(first.write("x"), std::logic_error);
    first.close();  // nothing to flush: harmless
    EXPECT_EQ(take_what_arrived(peer), "");

    WriterOf<TypeParam> third;
    third = std::move(second);
    EXPECT_TRUE(second.closed());
    // NOLINTEND(bugprone-use-after-move)
    EXPECT_EQ(third.pending(), 13u);
    third.flush();
    EXPECT_EQ(take_what_arrived(peer), "kept together");
}

REGISTER_TYPED_TEST_SUITE_P(SocketWriter,
                            UnbufferedEveryWriteIsOnTheWireWhenItReturns,
                            UnbufferedLargeWritesGoOutWholeAndInOrder,
                            BufferedWritesWaitForFlush,
                            AFullBufferIsSentWhenTheNextWriteDoesNotFit,
                            AWriteLargerThanTheBufferGoesOutWholeAfterWhatWasBuffered,
                            CloseFlushesAndWritesAfterItAreRefused,
                            AnUnbufferedWriterRefusesWritesAfterClose,
                            ADefaultWriterIsClosed,
                            AWriteToAPeerThatHasGoneThrows,
                            AFailedFlushKeepsTheBytesAndCloseThrowsAgain,
                            AFlushThatFailsHalfwayKeepsOnlyTheUnsentBytes,
                            AMovedFromWriterIsClosedAndTheNewOneHasTheBytes);

}  // namespace sockserv::test
