// Socket: the move-only handle, send_all() (its total deadline and its
// count of bytes sent), timeouts (zero: non-blocking), SIGPIPE, EINTR, and
// errors that name the call and the address.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "common/address.hpp"
#include "common/socket.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/interrupt.hpp"
#include "support/process.hpp"
#include "support/socket_pairs.hpp"

namespace {

using namespace sockserv;
using namespace std::chrono_literals;
using common::Address;
using common::Socket;

TEST(Socket, IsMoveOnly) {
    static_assert(!std::is_copy_constructible_v<Socket>);
    static_assert(!std::is_copy_assignable_v<Socket>);
    static_assert(std::is_nothrow_move_constructible_v<Socket>);
    static_assert(std::is_nothrow_move_assignable_v<Socket>);
}

TEST(Socket, MovingHandsTheDescriptorOver) {
    auto original = Socket::open(AF_INET, SOCK_STREAM);
    const int fd = original.fd();

    Socket moved = std::move(original);

    EXPECT_EQ(moved.fd(), fd);
    EXPECT_FALSE(original.is_open());  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(original.fd(), -1);
}

TEST(Socket, MoveAssignmentClosesTheSocketItReplaces) {
    auto kept = Socket::open(AF_INET, SOCK_STREAM);
    auto replaced = Socket::open(AF_INET, SOCK_STREAM);
    auto fds_before = test::open_fd_count();

    replaced = std::move(kept);

    EXPECT_EQ(test::open_fd_count(), fds_before - 1);
}

TEST(Socket, DestructionAndCloseReleaseTheDescriptorOnce) {
    auto fds_before = test::open_fd_count();
    {
        auto socket = Socket::open(AF_INET, SOCK_STREAM);
        EXPECT_EQ(test::open_fd_count(), fds_before + 1);
        socket.close();
        EXPECT_EQ(test::open_fd_count(), fds_before);
        socket.close();  // harmless
    }
    EXPECT_EQ(test::open_fd_count(), fds_before);
}

TEST(Socket, AcceptGivesTheClientsAddress) {
    auto listener = Socket::open(AF_INET, SOCK_STREAM);
    listener.bind(Address::parse_inet("127.0.0.1:0"));
    listener.listen(1);
    auto client = Socket::open(AF_INET, SOCK_STREAM);
    client.connect(listener.local_address());

    auto [connection, client_address] = listener.accept();

    EXPECT_EQ(client_address, client.local_address());
    EXPECT_EQ(connection.peer_address(), client.local_address());
    EXPECT_EQ(client.peer_address(), listener.local_address());
}

TEST(Socket, SendAllSendsManyMegabytesAcrossLoopback) {
    // Far more than a socket buffer holds: send() takes it piece by piece.
    auto [client, server] = test::loopback_connection(std::nullopt);
    client.set_timeout(test::default_timeout);
    server.set_timeout(test::default_timeout);
    const std::string data = test::patterned(48 * 1024 * 1024);

    test::BackgroundCall sending{[&client = client, &data] {
        client.send_all(data);
        client.shutdown(SHUT_WR);
    }};
    std::string received = test::read_to_end(server);
    sending.get();

    ASSERT_EQ(received.size(), data.size());
    EXPECT_TRUE(received == data) << "the bytes arrived changed or out of order";
}

TEST(Socket, SendAllSendsManyMegabytesAcrossASocketPair) {
    auto [writer, reader] = test::socket_pair(std::nullopt);
    writer.set_timeout(test::default_timeout);
    reader.set_timeout(test::default_timeout);
    const std::string data = test::patterned(16 * 1024 * 1024);

    test::BackgroundCall sending{[&writer = writer, &data] {
        writer.send_all(data);
        writer.close();
    }};
    std::string received = test::read_to_end(reader);
    sending.get();

    ASSERT_EQ(received.size(), data.size());
    EXPECT_TRUE(received == data);
}

TEST(Socket, RecvReturnsZeroWhenThePeerHasClosed) {
    auto [one, other] = test::socket_pair(std::nullopt);
    other.close();
    char buffer[16];

    EXPECT_EQ(one.recv(buffer), 0u);
}

TEST(Socket, ARecvThatWaitsTooLongThrowsTimedOut) {
    auto [quiet, listening] = test::socket_pair(std::nullopt);
    listening.set_timeout(50ms);
    char buffer[16];
    auto start = std::chrono::steady_clock::now();

    try {
        listening.recv(buffer);
        FAIL() << "recv returned with nothing sent";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::timed_out) << error.what();
    }
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms) << "gave up before the timeout";
}

TEST(Socket, ASendAllThatWaitsTooLongThrowsTimedOut) {
    // The peer never reads: once the buffers are full, send() must wait.
    auto [sender, idle] = test::socket_pair(std::nullopt);
    sender.set_timeout(50ms);

    try {
        sender.send_all(std::string(64 * 1024 * 1024, 'x'));
        FAIL() << "64 MiB fit into the socket buffers";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::timed_out) << error.what();
    }
}

TEST(Socket, AZeroTimeoutFailsAtOnceRatherThanBlockingForever) {
    // A zero timeval means "no limit" to the kernel; Python's settimeout(0)
    // means "do not wait": a non-blocking socket, whose calls that would
    // have to wait raise BlockingIOError, not a timeout.
    auto [quiet, listening] = test::socket_pair(std::nullopt);
    listening.set_timeout(0s);
    char buffer[16];

    test::BackgroundCall receiving{[&listening = listening, &buffer] { listening.recv(buffer); }};
    bool returned = receiving.finishes_within();
    if (!returned) {
        quiet.send_all("x");  // unblock it, so that the test can end
    }

    ASSERT_TRUE(returned) << "recv blocked with a zero timeout";
    try {
        receiving.get();
        FAIL() << "recv returned data that was never sent";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_would_block) << error.what();
    }
}

TEST(Socket, AZeroTimeoutMakesAcceptAndRecvfromFailAtOnceToo) {
    // Every call that would wait says so the same way, whatever it waits for.
    auto listener = Socket::open(AF_INET, SOCK_STREAM);
    listener.bind(Address::parse_inet("127.0.0.1:0"));
    listener.listen(1);
    listener.set_timeout(0s);
    auto datagrams = Socket::open(AF_INET, SOCK_DGRAM);
    datagrams.bind(Address::parse_inet("127.0.0.1:0"));
    datagrams.set_timeout(0s);
    char buffer[16];

    try {
        listener.accept();
        FAIL() << "accepted a connection nobody made";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_would_block) << error.what();
    }
    try {
        datagrams.recvfrom(buffer);
        FAIL() << "received a datagram nobody sent";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_would_block) << error.what();
    }
}

// Whether the descriptor is in non-blocking mode (O_NONBLOCK).
bool non_blocking(const Socket& socket) {
    int flags = ::fcntl(socket.fd(), F_GETFL);
    EXPECT_GE(flags, 0);
    return (flags & O_NONBLOCK) != 0;
}

TEST(Socket, AZeroTimeoutCanBeUndone) {
    // Python: settimeout(0) then settimeout(t) or settimeout(None) gives a
    // socket that waits again, with or without a limit.
    auto [sender, receiver] = test::socket_pair(std::nullopt);
    receiver.set_timeout(0s);
    ASSERT_TRUE(non_blocking(receiver));
    char buffer[16];

    receiver.set_timeout(50ms);
    EXPECT_FALSE(non_blocking(receiver));
    auto start = std::chrono::steady_clock::now();
    try {
        receiver.recv(buffer);
        FAIL() << "recv returned with nothing sent";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::timed_out) << error.what();
    }
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms) << "gave up before the timeout";

    receiver.set_timeout(std::nullopt);
    EXPECT_FALSE(non_blocking(receiver));
    std::promise<pid_t> receiver_thread;
    std::string received;
    test::BackgroundCall receiving{[&receiver = receiver, &receiver_thread, &received] {
        receiver_thread.set_value(test::current_thread_id());
        char bytes[16];
        received.assign(bytes, receiver.recv(bytes));
    }};
    // A recv() that failed at once would have left the call: it is seen
    // waiting in it only if the socket blocks again.
    EXPECT_TRUE(test::wait_until_in_syscall(receiver_thread.get_future().get(), {SYS_recvfrom}))
        << "recv did not wait for data";
    sender.send_all("awaited");
    receiving.get();
    EXPECT_EQ(received, "awaited");
}

TEST(Socket, SendAllOnANonBlockingSocketFailsOnceTheBuffersAreFull) {
    // Python's sendall() on a non-blocking socket raises BlockingIOError;
    // `sent` says how much went out before.
    auto [sender, idle] = test::socket_pair(std::nullopt);
    sender.set_timeout(0s);
    const std::string data = test::patterned(16 * 1024 * 1024);
    std::size_t sent = 0;

    try {
        sender.send_all(data, &sent);
        FAIL() << "16 MiB fit into the socket buffers";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_would_block) << error.what();
    }

    EXPECT_GT(sent, 0u);
    std::string received = test::take_what_arrived(idle);
    EXPECT_EQ(received.size(), sent);
    EXPECT_TRUE(received == data.substr(0, sent)) << "the bytes arrived changed";
}

TEST(Socket, SentCountsTheBytesThatWentOutAlsoWhenSendAllThrows) {
    // A buffered writer that retries must not send a byte twice: `sent`
    // must be exactly what the peer can read.
    auto [sender, idle] = test::socket_pair(std::nullopt);
    sender.set_timeout(100ms);
    const std::string data = test::patterned(16 * 1024 * 1024);
    std::size_t sent = 0;

    try {
        sender.send_all(data, &sent);
        FAIL() << "16 MiB fit into the socket buffers";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::timed_out) << error.what();
    }

    EXPECT_GT(sent, 0u) << "nothing was counted, yet the buffers hold bytes";
    std::string received = test::take_what_arrived(idle);
    EXPECT_EQ(received.size(), sent);
    EXPECT_TRUE(received == data.substr(0, sent)) << "the bytes arrived changed";
}

TEST(Socket, SentCountsEveryByteWhenSendAllSucceeds) {
    auto [sender, receiver] = test::socket_pair(std::nullopt);
    sender.set_timeout(test::default_timeout);
    std::size_t sent = 0;

    sender.send_all("twelve bytes", &sent);
    sender.send_all("", &sent);

    EXPECT_EQ(sent, 12u);
    EXPECT_EQ(test::take_what_arrived(receiver), "twelve bytes");
}

TEST(Socket, ASendAllTimeoutIsATotalDeadlineNotALimitPerSend) {
    // The peer reads 64 KiB every 50 ms: each send() makes progress well
    // within the 0.3 s, so a limit per send() (SO_SNDTIMEO alone) would let
    // 64 MiB go on for most of a minute. Python's sendall() since 3.5, and
    // send_all(), give up when the 0.3 s have passed since the call began.
    // The reader gives up after 5 s and closes, so that a regression fails
    // in bounded time (with EPIPE, not timed_out).
    auto [sender, reader] = test::socket_pair(std::nullopt);
    const std::string data = test::patterned(64 * 1024 * 1024);
    std::mutex mutex;
    std::condition_variable stop_changed;
    bool stop = false;
    bool reader_gave_up = false;
    std::string received;
    test::BackgroundCall reading{
        [&reader = reader, &mutex, &stop_changed, &stop, &reader_gave_up, &received] {
            const auto give_up_at = std::chrono::steady_clock::now() + 5s;
            std::unique_lock lock{mutex};
            // The pause between reads is the point: a slow reader, not a
            // wait for something to happen.
            while (!stop_changed.wait_for(lock, 50ms, [&stop] { return stop; })) {
                if (std::chrono::steady_clock::now() >= give_up_at) {
                    reader_gave_up = true;
                    break;
                }
                received += test::take_what_arrived(reader, 64 * 1024);
            }
            if (!reader_gave_up) {
                received += test::take_what_arrived(reader);
            }
            reader.close();
        },
        "the slow reader"};
    sender.set_timeout(300ms);
    std::size_t sent = 0;
    const auto start = std::chrono::steady_clock::now();

    std::optional<std::system_error> failure;
    try {
        sender.send_all(data, &sent);
    } catch (const std::system_error& error) {
        failure = error;
    }
    const auto took = std::chrono::steady_clock::now() - start;
    {
        std::lock_guard lock{mutex};
        stop = true;
        ASSERT_FALSE(reader_gave_up) << "send_all() outlasted the reader's 5 s: no total deadline";
    }
    stop_changed.notify_all();
    reading.get();

    ASSERT_TRUE(failure) << "64 MiB went out at 64 KiB every 50 ms within 0.3 s";
    EXPECT_EQ(failure->code(), std::errc::timed_out) << failure->what();
    EXPECT_GE(took, 250ms) << "gave up before the deadline";
    EXPECT_EQ(received.size(), sent) << "`sent` is not what the peer received";
    EXPECT_TRUE(received == data.substr(0, sent)) << "the bytes arrived changed";
}

// The receive timeout the kernel holds for socket, in seconds (0: none).
double receive_timeout(const Socket& socket) {
    timeval limit{};
    socklen_t size = sizeof limit;
    EXPECT_EQ(::getsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &limit, &size), 0);
    return static_cast<double>(limit.tv_sec) + static_cast<double>(limit.tv_usec) / 1e6;
}

TEST(Socket, SetTimeoutGivesTheKernelTheLimit) {
    auto socket = Socket::open(AF_INET, SOCK_STREAM);

    socket.set_timeout(common::Seconds{2.5});
    EXPECT_DOUBLE_EQ(receive_timeout(socket), 2.5);

    socket.set_timeout(std::nullopt);
    EXPECT_EQ(receive_timeout(socket), 0.0) << "no limit is a zero timeval";
}

TEST(Socket, TimeoutReportsWhatSetTimeoutSet) {
    // Python's gettimeout(): None for a blocking socket, 0.0 for a
    // non-blocking one, the limit otherwise.
    auto socket = Socket::open(AF_INET, SOCK_STREAM);
    EXPECT_EQ(socket.timeout(), std::nullopt) << "a new socket blocks";

    socket.set_timeout(common::Seconds{2.5});
    EXPECT_EQ(socket.timeout(), common::Seconds{2.5});

    socket.set_timeout(0s);
    EXPECT_EQ(socket.timeout(), common::Seconds{0}) << "zero is non-blocking, not \"no limit\"";

    socket.set_timeout(std::nullopt);
    EXPECT_EQ(socket.timeout(), std::nullopt);

    socket.set_timeout(1500ms);
    EXPECT_EQ(socket.timeout(), common::Seconds{1.5});
    EXPECT_THROW(socket.set_timeout(common::Seconds{-1}), std::invalid_argument);
    EXPECT_EQ(socket.timeout(), common::Seconds{1.5}) << "a refused timeout changed it";

    socket.set_timeout(common::Seconds{std::numeric_limits<double>::infinity()});
    EXPECT_EQ(socket.timeout(), std::nullopt) << "no limit is no limit, however it is written";
}

TEST(Socket, AnInfiniteTimeoutMeansNoLimit) {
    // Not an overflow in the conversion to timeval.
    auto socket = Socket::open(AF_INET, SOCK_STREAM);
    socket.set_timeout(common::Seconds{1.0});

    socket.set_timeout(common::Seconds{std::numeric_limits<double>::infinity()});

    EXPECT_EQ(receive_timeout(socket), 0.0);
}

TEST(Socket, ANegativeOrNanTimeoutIsRefusedAndChangesNothing) {
    // Python's settimeout(-1) raises ValueError. Converted, -1 s would block
    // for ever, -1e-7 s would become a few milliseconds, -1.5 s would fail
    // with EDOM: each a different surprise for one mistake.
    auto socket = Socket::open(AF_INET, SOCK_STREAM);
    socket.set_timeout(common::Seconds{2.5});

    for (double bad : {-1.0, -1e-7, -1.5, -std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN()}) {
        try {
            socket.set_timeout(common::Seconds{bad});
            ADD_FAILURE() << "set_timeout(" << bad << " s) was accepted";
        } catch (const std::invalid_argument& error) {
            EXPECT_THAT(error.what(), ::testing::HasSubstr("zero or positive")) << bad;
        }
        EXPECT_DOUBLE_EQ(receive_timeout(socket), 2.5) << "a refused timeout changed the limit";
    }
}

TEST(Socket, SendingToAClosedPeerIsAnErrorNotSigpipe) {
    // By default SIGPIPE kills the process: a server must never receive it.
    ASSERT_NE(std::signal(SIGPIPE, SIG_DFL), SIG_ERR);
    auto [sender, gone] = test::socket_pair(std::nullopt);
    gone.close();

    try {
        sender.send_all("anyone?");
        FAIL() << "sending to a closed peer succeeded";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::broken_pipe) << error.what();
    }
}

TEST(Socket, SendingToATcpPeerThatClosedIsAnErrorNotSigpipe) {
    // The peer closed without reading: our first bytes are answered with a
    // reset, and the write after that is the one that would raise SIGPIPE.
    ASSERT_NE(std::signal(SIGPIPE, SIG_DFL), SIG_ERR);
    auto [client, server] = test::loopback_connection(std::nullopt);
    server.set_timeout(test::default_timeout);
    client.close();

    bool failed = false;
    for (int attempt = 0; attempt < 100 && !failed; ++attempt) {
        try {
            server.send_all(std::string(1024, 'x'));
        } catch (const std::system_error& error) {
            failed = true;
            EXPECT_EQ(error.code(), std::errc::broken_pipe) << error.what();
        }
    }
    EXPECT_TRUE(failed) << "100 sends to a closed peer all succeeded";
}

TEST(Socket, DatagramsGoToAndComeFromAddresses) {
    auto one = Socket::open(AF_INET, SOCK_DGRAM);
    auto other = Socket::open(AF_INET, SOCK_DGRAM);
    one.bind(Address::parse_inet("127.0.0.1:0"));
    other.bind(Address::parse_inet("127.0.0.1:0"));
    other.set_timeout(test::default_timeout);
    char buffer[64];

    one.sendto("datagram", other.local_address());
    auto [size, sender] = other.recvfrom(buffer);

    EXPECT_EQ(std::string(buffer, size), "datagram");
    EXPECT_EQ(sender, one.local_address());
}

// A Unix datagram socket whose reader never reads: its queue fills, and
// then sendto() to it has to wait (a UDP send never does). Returns the
// error of the first send that could not be made.
std::system_error sendto_a_full_queue(std::optional<common::Seconds> timeout,
                                      const test::TempDir& directory) {
    auto reader = Socket::open(AF_UNIX, SOCK_DGRAM);
    reader.bind(Address::unix_path((directory / "reader.sock").string()));
    auto writer = Socket::open(AF_UNIX, SOCK_DGRAM);
    writer.set_timeout(timeout);
    for (int sent = 0; sent < 100000; ++sent) {
        try {
            writer.sendto(std::string(1024, 'x'), reader.local_address());
        } catch (const std::system_error& error) {
            return error;
        }
    }
    ADD_FAILURE() << "100,000 datagrams went into a queue nobody reads";
    return std::system_error{std::make_error_code(std::errc::io_error)};
}

TEST(Socket, SendtoThatWaitsTooLongTimesOutAndNamesTheAddress) {
    test::TempDir directory;
    auto error = sendto_a_full_queue(common::Seconds{0.05}, directory);
    EXPECT_EQ(error.code(), std::errc::timed_out) << error.what();
    EXPECT_THAT(error.what(), testing::HasSubstr("reader.sock"));
    EXPECT_THAT(error.what(), testing::HasSubstr("timed out"));
}

TEST(Socket, SendtoOnANonBlockingSocketWouldBlockAndNamesTheAddress) {
    test::TempDir directory;
    auto error = sendto_a_full_queue(common::Seconds{0}, directory);
    EXPECT_EQ(error.code(), std::errc::operation_would_block) << error.what();
    EXPECT_THAT(error.what(), testing::HasSubstr("reader.sock"));
}

TEST(Socket, OptionsCanBeSetAndRead) {
    auto socket = Socket::open(AF_INET, SOCK_STREAM);
    EXPECT_EQ(socket.get_option(SOL_SOCKET, SO_KEEPALIVE), 0);

    socket.set_option(SOL_SOCKET, SO_KEEPALIVE, 1);

    EXPECT_NE(socket.get_option(SOL_SOCKET, SO_KEEPALIVE), 0);
}

TEST(SocketErrors, ConnectNamesTheAddressAndKeepsErrno) {
    // A port that was just free and has nothing listening.
    auto probe = Socket::open(AF_INET, SOCK_STREAM);
    probe.bind(Address::parse_inet("127.0.0.1:0"));
    const auto address = probe.local_address();
    auto client = Socket::open(AF_INET, SOCK_STREAM);

    try {
        client.connect(address);
        FAIL() << "connected to a port nobody listens on";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::connection_refused);
        EXPECT_EQ(std::string{error.what()}.rfind("connect " + address.to_string() + ": ", 0), 0u)
            << error.what();
    }
}

TEST(SocketErrors, BindNamesTheAddressAndKeepsErrno) {
    auto first = Socket::open(AF_INET, SOCK_STREAM);
    first.bind(Address::parse_inet("127.0.0.1:0"));
    first.listen(1);
    auto second = Socket::open(AF_INET, SOCK_STREAM);

    try {
        second.bind(first.local_address());
        FAIL() << "two sockets bound the same port";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::address_in_use);
        EXPECT_EQ(std::string{error.what()},
                  "bind " + first.local_address().to_string() + ": " + error.code().message());
    }
}

TEST(SocketErrors, OpeningAnUnknownFamilyThrows) {
    auto fds_before = test::open_fd_count();

    EXPECT_THROW(Socket::open(AF_UNSPEC, SOCK_STREAM), std::system_error);

    EXPECT_EQ(test::open_fd_count(), fds_before);
}

TEST(SocketSignals, ARecvInterruptedByASignalIsRetried) {
    // A signal handler installed without SA_RESTART makes a blocked recv()
    // fail with EINTR; Socket must call it again, not report an error.
    test::CountingSignalHandler signals;
    auto [sender, receiver] = test::socket_pair(std::nullopt);
    receiver.set_timeout(test::default_timeout);
    std::promise<pid_t> receiver_thread;
    std::string received;
    // Named captures: clang before 16 cannot capture a structured binding.
    test::BackgroundCall receiving{[&receiver = receiver, &receiver_thread, &received] {
        receiver_thread.set_value(test::current_thread_id());
        char buffer[16];
        received.assign(buffer, receiver.recv(buffer));
    }};
    const pid_t tid = receiver_thread.get_future().get();
    ASSERT_TRUE(test::wait_until_in_syscall(tid, {SYS_recvfrom}));

    signals.interrupt(receiving.native_handle());
    ASSERT_TRUE(signals.wait_for_count(1));
    // Interrupted and back in recv(): not returned with an error.
    ASSERT_TRUE(test::wait_until_in_syscall(tid, {SYS_recvfrom}))
        << "recv did not resume after the signal";
    sender.send_all("late");

    receiving.get();
    EXPECT_EQ(received, "late");
}

}  // namespace
