// Tests of exercise 0.3: send_all() (exercises/ch00/send_all.cpp).
//
// Every test sends on a real TCP connection over loopback and reads what
// arrives at the other end. The sending socket's buffer is kept small, so
// that a large send has to wait for the reader; while it waits, the test
// interrupts it with a signal whose handler does not ask the kernel to
// restart the call, which is how send() comes back early in real servers.
#include <cerrno>
#include <csignal>
#include <cstring>
#include <future>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/socket.hpp"
#include "send_all.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/interrupt.hpp"
#include "support/printable.hpp"

namespace {

using namespace sockserv;
using ch00::exercises::send_all;

// Small buffers on both sides: a few hundred kilobytes fill them, and a
// send() of more must wait until the reader makes room.
constexpr int small_buffer = 64 * 1024;

// The two ends of one TCP connection over loopback.
struct Connection {
    common::Socket sender;
    common::Socket receiver;
};

Connection connect_pair() {
    common::Socket listener = common::Socket::open(AF_INET, SOCK_STREAM);
    listener.set_option(SOL_SOCKET, SO_RCVBUF, small_buffer);  // inherited by the accepted end
    listener.bind(test::loopback_any_port());
    listener.listen(1);
    common::Socket sender = common::Socket::open(AF_INET, SOCK_STREAM);
    sender.set_option(SOL_SOCKET, SO_SNDBUF, small_buffer);
    // Shorter than the tests' own limit: a send that waits for nothing ends
    // first, and the thread running it can be joined.
    sender.set_timeout(common::Seconds{5});
    sender.connect(listener.local_address());
    common::Socket receiver = listener.accept().first;
    receiver.set_timeout(test::default_timeout);
    return {std::move(sender), std::move(receiver)};
}

// \p size bytes of every value from 0 to 255, in a pattern that shows
// where a lost or repeated piece would be.
std::string pattern(std::size_t size) {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        data[i] = static_cast<char>((i * 7 + i / 4096) % 256);
    }
    return data;
}

// Reads until the sender closes (each wait limited by the socket's timeout).
std::string read_to_end(common::Socket& receiver) {
    std::string received;
    char chunk[64 * 1024];
    while (std::size_t got = receiver.recv(chunk)) {
        received.append(chunk, got);
    }
    return received;
}

// Compares what arrived with what was sent, saying where they part.
testing::AssertionResult same_bytes(const std::string& received, const std::string& sent) {
    if (received == sent) {
        return testing::AssertionSuccess();
    }
    std::size_t first = 0;
    while (first < received.size() && first < sent.size() && received[first] == sent[first]) {
        ++first;
    }
    auto failure = testing::AssertionFailure()
                   << "send_all() was given " << sent.size() << " bytes; the reader received "
                   << received.size() << ". ";
    if (received.empty()) {
        return failure << "Nothing arrived at all: send_all() must call send().";
    }
    if (received.size() < sent.size() && first == received.size()) {
        return failure << "Everything up to byte " << first
                       << " arrived, and nothing after it: send() took only part of the data, "
                          "and the rest was never sent. Call send() again for what is left.";
    }
    return failure << "They differ from byte " << first
                   << " on: each send() must start where the previous one stopped.";
}

TEST(SendAll, SendsEveryByteOfALargeMessage) {
    Connection connection = connect_pair();
    const std::string data = pattern(4 << 20);
    test::BackgroundCall sending{[&] {
        send_all(connection.sender.fd(), data);
        connection.sender.shutdown(SHUT_WR);
    }};
    std::string received = read_to_end(connection.receiver);
    sending.get();
    EXPECT_TRUE(same_bytes(received, data));
}

TEST(SendAll, SendsNothingForEmptyData) {
    Connection connection = connect_pair();
    test::BackgroundCall sending{[&] {
        send_all(connection.sender.fd(), "");
        connection.sender.shutdown(SHUT_WR);
    }};
    std::string received = read_to_end(connection.receiver);
    sending.get();
    EXPECT_EQ(received, "") << "empty data: nothing to send, and nothing must arrive";
}

// Runs send_all(\p data) on a thread, interrupts it \p signals times while it
// waits inside send() for the reader, then reads everything.
void send_through_interruptions(int signals) {
    test::CountingSignalHandler handler;
    Connection connection = connect_pair();
    const std::string data = pattern(4 << 20);
    std::promise<pid_t> sender_thread;
    test::BackgroundCall sending{[&] {
        sender_thread.set_value(test::current_thread_id());
        send_all(connection.sender.fd(), data);
        connection.sender.shutdown(SHUT_WR);
    }};
    const pid_t tid = sender_thread.get_future().get();
    for (int signal = 1; signal <= signals; ++signal) {
        if (!test::wait_until_in_syscall(tid, {SYS_sendto})) {
            FAIL() << "send_all() was never seen waiting inside send(), with 4 MiB to send and "
                      "nobody reading yet"
                   << (signal > 1 ? " after a signal had interrupted it" : "")
                   << (sending.finishes_within(common::Seconds{0})
                           ? ": it had returned, so it cannot have sent them all."
                           : ".");
        }
        handler.interrupt(sending.native_handle());
        ASSERT_TRUE(handler.wait_for_count(signal));
        if (sending.finishes_within(common::Seconds{0})) {
            std::string outcome = "returned";
            try {
                sending.get();
            } catch (...) {
                outcome = "threw " + common::describe_current_exception();
            }
            FAIL() << "a signal interrupted send() "
                   << (signal == 1 ? "after it had sent part of the data (so it returned that "
                                     "count, less than it was given)"
                                   : "before it had sent anything more (so it returned -1 with "
                                     "errno EINTR)")
                   << ", and send_all() " << outcome << " with data still unsent. "
                   << (signal == 1 ? "A short count is not the end: call send() again for the "
                                     "rest."
                                   : "EINTR is no error: call send() again.");
        }
    }
    std::string received = read_to_end(connection.receiver);
    sending.get();
    EXPECT_TRUE(same_bytes(received, data));
}

TEST(SendAll, GoesOnAfterASignalCutsASendShort) {
    send_through_interruptions(1);
}

TEST(SendAll, CallsSendAgainWhenASignalInterruptsItBeforeAnyByte) {
    send_through_interruptions(3);
}

TEST(SendAll, FailsWithEpipeAndNoSigpipeWhenThePeerHasGone) {
    int ends[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends), 0) << std::strerror(errno);
    common::FileDescriptor ours{ends[0]};
    ::close(ends[1]);  // the peer is gone

    // SIGPIPE is blocked in this thread for the call, so that a raised one
    // stays pending (and can be reported) instead of ending the test program.
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t previous;
    ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &pipe_only, &previous), 0);
    std::string outcome = "returned normally";
    int error = 0;
    try {
        send_all(ours.get(), "anyone there?\n");
    } catch (const std::system_error& thrown) {
        error = thrown.code().value();
        outcome = std::string{"threw std::system_error: "} + thrown.what();
    } catch (...) {
        outcome = "threw " + common::describe_current_exception();
    }
    sigset_t pending;
    sigpending(&pending);
    const bool raised = sigismember(&pending, SIGPIPE) == 1;
    if (raised) {
        const timespec now{0, 0};
        ::sigtimedwait(&pipe_only, nullptr, &now);  // take it, before unblocking
    }
    ASSERT_EQ(::pthread_sigmask(SIG_SETMASK, &previous, nullptr), 0);

    EXPECT_FALSE(raised) << "send_all() to a peer that has gone raised SIGPIPE, which would "
                            "have ended a real server on the spot. One of send()'s flags "
                            "tells the kernel not to raise it.";
    EXPECT_EQ(error, EPIPE) << "expected std::system_error with EPIPE (\"Broken pipe\"), but "
                               "send_all() "
                            << outcome;
}

TEST(SendAll, ReportsABadDescriptorAsSystemError) {
    int closed = ::dup(STDERR_FILENO);
    ASSERT_GE(closed, 0);
    ::close(closed);  // a number that names nothing now
    try {
        send_all(closed, "lost");
        FAIL() << "send_all() on a closed descriptor returned normally; expected "
                  "std::system_error with EBADF";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code().value(), EBADF)
            << "send() failed with EBADF; the exception should carry that errno, but says: "
            << error.what();
    }
}

}  // namespace
