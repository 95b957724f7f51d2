/// \file
/// \brief StreamRequestHandler, as a client of a stream server sees it:
/// what setup() does to the connection (its timeout, zero among them;
/// TCP_NODELAY), `rfile` (lines cut into one-byte sends, a thousand lines
/// in one send, readline's limit, a read that times out), `wfile` (a write
/// that times out under a client reading slowly; `wbufsize` 0 against a
/// buffered writer; a flush that fails in finish()), and bytes of every
/// value through both. `StreamHandler` over both stream classes,
/// `StreamHandlerOverTcp` and `StreamHandlerOverUnixStream` for
/// TCP_NODELAY on each. From chapter 4 on: tests/features/suites.cmake runs
/// them on every later chapter.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include "common/seconds.hpp"
#include "common/socket.hpp"
#include "common/text.hpp"
#include "support/background_call.hpp"
#include "support/client.hpp"
#include "support/interrupt.hpp"
#include "support/probe.hpp"
#include "support/recording.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

/// \brief The StreamRequestHandler of \p Server's chapter.
template <class Server>
using StreamHandlerOf = typename ChapterOf<Server>::StreamRequestHandler;

/// \brief One value handed from one thread to another (a handler to its
/// test, or back), taken with a limit: a broken test fails with a message
/// naming what never came instead of hanging.
template <class T>
class Handover {
public:
    void give(T value) { promise_.set_value(std::move(value)); }
    T take(const std::string& what, common::Seconds limit = default_timeout) {
        if (future_.wait_for(limit) != std::future_status::ready) {
            throw std::runtime_error("waited " + std::to_string(limit.count()) + " s for " + what +
                                     " in vain");
        }
        return future_.get();
    }

private:
    std::promise<T> promise_;
    std::future<T> future_ = promise_.get_future();
};

/// \brief How long a handler waits for its test: less than ServerThread
/// waits for the handler, so a failed test ends the handler first.
inline constexpr common::Seconds handler_patience = default_timeout / 2;

/// \brief What a PlannedStreamHandler does. The functions run on the
/// serving thread; the test sets them before serving starts.
template <class Server>
struct StreamPlan {
    using Handler = StreamHandlerOf<Server>;
    /// In the constructor: set rbufsize, wbufsize, timeout… as a subclass would.
    std::function<void(Handler&)> configure;
    /// In setup(), before StreamRequestHandler::setup() runs.
    std::function<void(Handler&)> before_setup;
    /// The whole of handle().
    std::function<void(Handler&)> handle;
};

/// \brief A StreamRequestHandler that writes its three steps in its
/// server's record (a RecordingServer) and follows a StreamPlan.
template <class Server>
class PlannedStreamHandler : public StreamHandlerOf<Server> {
    using Base = StreamHandlerOf<Server>;

public:
    PlannedStreamHandler(RequestOf<Server>& request, const common::Address& client,
                         BaseServerOf<Server>& server, const StreamPlan<Server>& plan)
        : Base(request, client, server), plan_(plan) {
        if (plan_.configure) {
            plan_.configure(*this);
        }
    }

    void setup() override {
        record("setup");
        if (plan_.before_setup) {
            plan_.before_setup(*this);
        }
        Base::setup();
    }
    void handle() override {
        record("handle");
        if (plan_.handle) {
            plan_.handle(*this);
        }
    }
    void finish() override {
        record("finish");
        Base::finish();
    }

private:
    void record(const char* hook) {
        log_of(*this).record({hook, this->connection.fd(), this->client_address});
    }

    const StreamPlan<Server>& plan_;
};

template <class Server>
class StreamHandler : public ServerTest<Server> {
protected:
    using Handler = StreamHandlerOf<Server>;

    static HandlerFactoryOf<Server> planned(const StreamPlan<Server>& plan) {
        return [&plan](RequestOf<Server>& request, const common::Address& client,
                       BaseServerOf<Server>& server) {
            return std::make_unique<PlannedStreamHandler<Server>>(request, client, server, plan);
        };
    }

    StreamPlan<Server> plan;  // set before the first request
    RecordingServer<Server> server{this->server_address(), planned(plan)};
};
TYPED_TEST_SUITE_P(StreamHandler);

/// \brief Bytes waiting unread in socket \p fd's receive queue.
inline int unread_bytes(int fd) {
    int count = 0;
    if (::ioctl(fd, FIONREAD, &count) < 0) {
        throw std::runtime_error("ioctl(FIONREAD) failed");
    }
    return count;
}

/// \brief Waits until the handler's connection \p fd has nothing unread
/// and its thread \p tid waits in recv again: the bytes sent so far were
/// taken by a recv of their own, and the next ones will need another.
inline ::testing::AssertionResult taken_by_the_handler(int fd, pid_t tid) {
    const auto deadline = std::chrono::steady_clock::now() + default_timeout;
    // A wait for the kernel, as wait_until_in_syscall(): nothing to be woken by.
    while (unread_bytes(fd) != 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            return ::testing::AssertionFailure() << "the handler never read the bytes sent";
        }
        ::poll(nullptr, 0, 1);
    }
    if (!wait_until_in_syscall(tid, {SYS_recvfrom})) {
        return ::testing::AssertionFailure() << "the handler is not waiting in recv";
    }
    return ::testing::AssertionSuccess();
}

TYPED_TEST_P(StreamHandler, SetupOpensBothFilesOnTheRequestsConnectionWithPythonsDefaults) {
    struct Saw {
        bool closed_before_setup = false;
        bool open_in_handle = false;
        bool connection_is_the_request = false;
        long rbufsize = 0;
        long wbufsize = 0;
        std::optional<common::Seconds> timeout{common::Seconds{-1}};
        std::optional<common::Seconds> connection_timeout{common::Seconds{-1}};
        bool disable_nagle_algorithm = true;
    } saw;
    Handover<Saw> seen;
    this->plan.before_setup = [&saw](auto& handler) {
        saw.closed_before_setup = handler.rfile.closed() && handler.wfile.closed();
    };
    this->plan.handle = [&saw, &seen](auto& handler) {
        saw.open_in_handle = !handler.rfile.closed() && !handler.wfile.closed();
        saw.connection_is_the_request = &handler.connection == &handler.request.socket();
        saw.rbufsize = handler.rbufsize;
        saw.wbufsize = handler.wbufsize;
        saw.timeout = handler.timeout;
        saw.connection_timeout = handler.connection.timeout();
        saw.disable_nagle_algorithm = handler.disable_nagle_algorithm;
        seen.give(saw);
        handler.wfile.write("ok\n");
    };
    Client client{this->server.server_address};

    ASSERT_TRUE(serve_one(this->server));

    EXPECT_EQ(client.recv_until_eof(), "ok\n");
    const Saw got = seen.take("what the handler saw");
    EXPECT_TRUE(got.closed_before_setup) << "the files open in setup(), not before";
    EXPECT_TRUE(got.open_in_handle);
    EXPECT_TRUE(got.connection_is_the_request);
    // Python's class attributes: rbufsize -1 (buffered), wbufsize 0, timeout
    // None, disable_nagle_algorithm False.
    EXPECT_EQ(got.rbufsize, -1);
    EXPECT_EQ(got.wbufsize, 0);
    EXPECT_FALSE(got.timeout.has_value());
    EXPECT_FALSE(got.connection_timeout.has_value()) << "the connection blocks for ever";
    EXPECT_FALSE(got.disable_nagle_algorithm);
}

TYPED_TEST_P(StreamHandler, SetupGivesTheConnectionTheHandlersTimeout) {
    struct Saw {
        std::optional<common::Seconds> timeout;
        timeval receive{};  // what the kernel holds: SO_RCVTIMEO
    };
    Handover<Saw> seen;
    this->plan.configure = [](auto& handler) { handler.timeout = common::Seconds{2.5}; };
    this->plan.handle = [&seen](auto& handler) {
        Saw saw{handler.connection.timeout(), {}};
        socklen_t size = sizeof saw.receive;
        ::getsockopt(handler.connection.fd(), SOL_SOCKET, SO_RCVTIMEO, &saw.receive, &size);
        seen.give(saw);
    };
    Client client{this->server.server_address};

    ASSERT_TRUE(serve_one(this->server));

    const Saw got = seen.take("the connection's timeout");
    ASSERT_TRUE(got.timeout.has_value());
    EXPECT_EQ(got.timeout->count(), 2.5);
    EXPECT_EQ(got.receive.tv_sec, 2);
    EXPECT_EQ(got.receive.tv_usec, 500000);
}

TYPED_TEST_P(StreamHandler, ATimeoutOfZeroMakesAReadWithNothingThereFailAtOnce) {
    // Python's settimeout(0): non-blocking. The client sends nothing and
    // stays: a read that waited would wait for ever.
    auto& server = this->server;
    Handover<bool> non_blocking;
    this->plan.configure = [](auto& handler) { handler.timeout = common::Seconds{0}; };
    this->plan.handle = [&non_blocking](auto& handler) {
        non_blocking.give((::fcntl(handler.connection.fd(), F_GETFL) & O_NONBLOCK) != 0);
        handler.rfile.readline();
    };
    ServerThread serving{server};
    Client client{server.server_address};

    EXPECT_TRUE(non_blocking.take("the handler's O_NONBLOCK"));
    ASSERT_TRUE(server.wait_for("handle_error", 1)) << "the read did not fail";
    EXPECT_EQ(server.count("finish"), 1u);
    ASSERT_EQ(server.errors().size(), 1u);
    EXPECT_NE(server.errors()[0].find("Resource temporarily unavailable"), std::string::npos)
        << server.errors()[0];
    EXPECT_TRUE(client.at_eof());
}

TYPED_TEST_P(StreamHandler, AReadThatTimesOutReachesHandleError) {
    // Half a line, and then silence: readline() waits for the rest only
    // as long as the timeout allows.
    auto& server = this->server;
    const common::Seconds timeout{0.3};
    this->plan.configure = [timeout](auto& handler) { handler.timeout = timeout; };
    this->plan.handle = [](auto& handler) { handler.wfile.write(handler.rfile.readline()); };
    ServerThread serving{server};
    Client client{server.server_address};
    const auto started = std::chrono::steady_clock::now();
    client.send("half a li");

    ASSERT_TRUE(server.wait_for("handle_error", 1)) << "the read did not time out";
    const common::Seconds waited = std::chrono::steady_clock::now() - started;

    EXPECT_GE(waited.count(), timeout.count() * 0.9) << "it failed before the timeout";
    ASSERT_EQ(server.errors().size(), 1u);
    EXPECT_NE(server.errors()[0].find("timed out"), std::string::npos) << server.errors()[0];
    EXPECT_EQ(server.count("finish"), 1u);
    EXPECT_TRUE(client.at_eof()) << "the half line must not be answered";
}

TYPED_TEST_P(StreamHandler, LinesSentAByteAtATimeComeOutOfReadlineWhole) {
    struct Reader {
        int fd;
        pid_t tid;
    };
    Handover<Reader> reader;
    this->plan.configure = [](auto& handler) { handler.timeout = handler_patience; };
    this->plan.handle = [&reader](auto& handler) {
        reader.give({handler.connection.fd(), current_thread_id()});
        for (int i = 0; i < 2; ++i) {
            handler.wfile.write("[" + handler.rfile.readline() + "]");
        }
    };
    ServerThread serving{this->server};
    Client client{this->server.server_address};
    if constexpr (!kind_of<TypeParam>.unix_domain) {
        client.socket().set_option(IPPROTO_TCP, TCP_NODELAY, 1);  // a segment per byte
    }
    const Reader handler = reader.take("the handler's connection");

    const std::string lines{"hello\nworld\n"};
    for (std::size_t i = 0; i < lines.size(); ++i) {
        client.send(lines.substr(i, 1));
        if (i + 1 < lines.size()) {  // after the last, handle() returns instead
            ASSERT_TRUE(taken_by_the_handler(handler.fd, handler.tid)) << "byte " << i;
        }
    }

    EXPECT_EQ(client.recv_exactly(16), "[hello\n][world\n]");
}

TYPED_TEST_P(StreamHandler, AThousandLinesInOneSendAreAllAnsweredInOrder) {
    this->plan.configure = [](auto& handler) { handler.timeout = handler_patience; };
    this->plan.handle = [](auto& handler) {
        int number = 0;
        for (const std::string& line : handler.rfile) {
            handler.wfile.write(std::to_string(++number) + " " + upper_copy(line));
        }
    };
    ServerThread serving{this->server};
    Client client{this->server.server_address};
    std::string lines;
    std::string expected;
    for (int i = 1; i <= 1000; ++i) {
        lines += "line " + std::to_string(i) + "\n";
        expected += std::to_string(i) + " LINE " + std::to_string(i) + "\n";
    }

    client.send(lines);
    client.close_write();

    EXPECT_EQ(client.recv_until_eof(), expected);
}

TYPED_TEST_P(StreamHandler, ReadlineWithALimitReturnsAtMostThatManyBytes) {
    this->plan.configure = [](auto& handler) { handler.timeout = handler_patience; };
    this->plan.handle = [](auto& handler) {
        auto& rfile = handler.rfile;
        for (std::size_t limit : {4, 4, 4, 100, 100}) {
            handler.wfile.write("[" + rfile.readline(limit) + "]");
        }
    };
    ServerThread serving{this->server};
    Client client{this->server.server_address};

    client.send("abcdefghij\nxy\n");
    client.close_write();

    // The third piece ends at the newline; the last read meets the end.
    EXPECT_EQ(client.recv_until_eof(), "[abcd][efgh][ij\n][xy\n][]");
}

TYPED_TEST_P(StreamHandler, AWriteToAClientThatReadsSlowlyEndsWithinTheTimeout) {
    // The timeout bounds a whole write(), not each send(): the client
    // takes 64 KiB every tenth of a second, so every send() makes
    // progress, and a limit per send() would never run out (32 MiB at
    // that pace take a minute). Small socket buffers on both sides, so
    // that the kernel holds little of the write, and each chunk taken
    // wakes the writer (TCP wakes it once half its send buffer is free).
    // Both kinds of wfile.
    auto& server = this->server;
    const common::Seconds timeout{0.5};
    std::atomic<long> wbufsize{0};
    this->plan.configure = [&wbufsize, timeout](auto& handler) {
        handler.timeout = timeout;
        handler.wbufsize = wbufsize.load();
    };
    std::atomic<int> writing{0};
    this->plan.handle = [&writing](auto& handler) {
        writing.fetch_add(1);
        handler.connection.set_option(SOL_SOCKET, SO_SNDBUF, 64 * 1024);
        handler.wfile.write(std::string(32 * 1024 * 1024, 'x'));
    };
    ServerThread serving{server};

    std::size_t served = 0;
    for (long size : {0L, -1L}) {
        SCOPED_TRACE("wbufsize " + std::to_string(size));
        wbufsize = size;
        Client client{server.server_address};
        client.socket().set_option(SOL_SOCKET, SO_RCVBUF, 64 * 1024);
        const auto started = std::chrono::steady_clock::now();
        // Far below the minute a limit per send() would take, far above
        // the half second this one should: no timing judged in between (a
        // loaded machine under ASan took 4 s once).
        const auto give_up = started + std::chrono::seconds{20};
        std::string chunk(64 * 1024, '\0');
        while (!server.wait_for("handle_error", served + 1, common::Seconds{0.1})) {
            ASSERT_LT(std::chrono::steady_clock::now(), give_up)
                << "the write went on for 20 s against a timeout of " << timeout.count()
                << " s: is the timeout a limit per send() again?";
            (void)client.socket().recv(chunk);
        }
        ++served;

        EXPECT_EQ(writing.load(), static_cast<int>(served));
        ASSERT_EQ(server.errors().size(), served);
        EXPECT_NE(server.errors().back().find("timed out"), std::string::npos)
            << server.errors().back();
    }
}

TYPED_TEST_P(StreamHandler, WithWbufsizeZeroEachWriteReachesTheClientBeforeHandleReturns) {
    Handover<std::size_t> written;
    Handover<bool> read;
    this->plan.configure = [](auto& handler) { handler.timeout = handler_patience; };
    this->plan.handle = [&written, &read](auto& handler) {
        handler.wfile.write("first\n");
        written.give(handler.wfile.pending());
        read.take("the client to read the first line", handler_patience);
        handler.wfile.write("second\n");
    };
    ServerThread serving{this->server};
    Client client{this->server.server_address};

    EXPECT_EQ(written.take("the first write"), 0u) << "nothing waits in a buffer";
    EXPECT_EQ(client.recv_line(), "first\n") << "while handle() still runs";
    read.give(true);

    EXPECT_EQ(client.recv_until_eof(), "second\n");
}

TYPED_TEST_P(StreamHandler, ABufferedWfileSendsNothingBeforeFlushAndFinishSendsTheRest) {
    Handover<std::size_t> written;
    Handover<bool> checked;
    Handover<bool> flushed;
    this->plan.configure = [](auto& handler) {
        handler.timeout = handler_patience;
        handler.wbufsize = 1024;
    };
    this->plan.handle = [&](auto& handler) {
        handler.wfile.write("one\n");
        written.give(handler.wfile.pending());
        checked.take("the client to look", handler_patience);
        handler.wfile.flush();
        flushed.give(true);
        handler.wfile.write("two\n");  // left for finish() to send
    };
    ServerThread serving{this->server};
    Client client{this->server.server_address};

    EXPECT_EQ(written.take("the first write"), 4u);
    // On loopback a sent byte is in the receiver's queue when send()
    // returns: a line that had been sent would be there now.
    char byte;
    const auto peeked = ::recv(client.socket().fd(), &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    EXPECT_EQ(peeked, -1) << "a buffered write went out before flush()";
    checked.give(true);
    ASSERT_TRUE(flushed.take("the flush"));
    EXPECT_EQ(client.recv_line(), "one\n");

    EXPECT_EQ(client.recv_until_eof(), "two\n");
}

TYPED_TEST_P(StreamHandler, AFlushThatFailsInFinishReachesHandleErrorOnlyForABufferedWfile) {
    // CPython: finish() swallows the error of its flush(), but closing a
    // BufferedWriter flushes the same bytes again, and that error goes to
    // handle_error(). With wbufsize 0 nothing is left to flush.
    auto& server = this->server;
    std::atomic<long> wbufsize{0};
    std::unique_ptr<Handover<bool>> written;
    std::unique_ptr<Handover<bool>> reset;
    this->plan.configure = [&wbufsize](auto& handler) {
        handler.timeout = handler_patience;
        handler.wbufsize = wbufsize.load();
    };
    this->plan.handle = [&written, &reset](auto& handler) {
        handler.wfile.write(std::string(1000, 'x'));
        written->give(true);
        reset->take("the client's reset", handler_patience);
        // Return only once the reset has reached this end (POLLHUP).
        pollfd gone{handler.connection.fd(), 0, 0};
        ::poll(&gone, 1, static_cast<int>(handler_patience.count() * 1000));
    };
    ServerThread serving{server};

    std::size_t served = 0;
    for (long size : {64 * 1024L, 0L}) {
        SCOPED_TRACE("wbufsize " + std::to_string(size));
        wbufsize = size;
        written = std::make_unique<Handover<bool>>();
        reset = std::make_unique<Handover<bool>>();
        const std::size_t errors_before = server.errors().size();
        Client client{server.server_address};
        ASSERT_TRUE(written->take("the write"));
        client.reset();
        reset->give(true);
        ASSERT_TRUE(server.wait_for("close_request", ++served));

        EXPECT_EQ(server.count("finish"), served);
        const auto errors = server.errors();
        if (size != 0) {
            ASSERT_EQ(errors.size(), errors_before + 1) << "the failed flush was not reported";
            EXPECT_TRUE(errors.back().find("Broken pipe") != std::string::npos ||
                        errors.back().find("Connection reset") != std::string::npos)
                << errors.back();
        } else {
            EXPECT_EQ(errors.size(), errors_before) << errors.back();
        }
    }
}

TYPED_TEST_P(StreamHandler, BytesOfEveryValueGoThroughBothFilesUnchanged) {
    this->plan.configure = [](auto& handler) { handler.timeout = handler_patience; };
    this->plan.handle = [](auto& handler) {
        std::string line = handler.rfile.readline();
        std::string block = handler.rfile.read(256);
        std::string rest = handler.rfile.read();
        handler.wfile.write(line);
        handler.wfile.write("|");
        handler.wfile.write(block);
        handler.wfile.write("|");
        handler.wfile.write(rest);
    };
    ServerThread serving{this->server};
    Client client{this->server.server_address};
    const std::string line{"\0nul\0\r\n", 7};
    std::string block;
    for (int value = 0; value < 256; ++value) {
        block += static_cast<char>(value);  // '\n' and '\0' among them
    }
    const std::string rest{"\0\xff\n\0", 4};

    client.send(line + block + rest);
    client.close_write();

    EXPECT_EQ(client.recv_until_eof(), line + "|" + block + "|" + rest);
}

REGISTER_TYPED_TEST_SUITE_P(StreamHandler,
                            SetupOpensBothFilesOnTheRequestsConnectionWithPythonsDefaults,
                            SetupGivesTheConnectionTheHandlersTimeout,
                            ATimeoutOfZeroMakesAReadWithNothingThereFailAtOnce,
                            AReadThatTimesOutReachesHandleError,
                            LinesSentAByteAtATimeComeOutOfReadlineWhole,
                            AThousandLinesInOneSendAreAllAnsweredInOrder,
                            ReadlineWithALimitReturnsAtMostThatManyBytes,
                            AWriteToAClientThatReadsSlowlyEndsWithinTheTimeout,
                            WithWbufsizeZeroEachWriteReachesTheClientBeforeHandleReturns,
                            ABufferedWfileSendsNothingBeforeFlushAndFinishSendsTheRest,
                            AFlushThatFailsInFinishReachesHandleErrorOnlyForABufferedWfile,
                            BytesOfEveryValueGoThroughBothFilesUnchanged);

// disable_nagle_algorithm on a TCP connection.
template <class Server>
class StreamHandlerOverTcp : public StreamHandler<Server> {};
TYPED_TEST_SUITE_P(StreamHandlerOverTcp);

TYPED_TEST_P(StreamHandlerOverTcp, DisableNagleAlgorithmSetsTcpNodelayOnTheConnection) {
    bool disable = false;  // read by the serving thread, which serve_one() joins
    this->plan.configure = [&disable](auto& handler) { handler.disable_nagle_algorithm = disable; };
    this->plan.handle = [](auto& handler) {
        const int nodelay = socket_option(handler.connection.fd(), IPPROTO_TCP, TCP_NODELAY);
        handler.wfile.write("TCP_NODELAY " + std::to_string(nodelay != 0));
    };

    for (bool value : {false, true}) {
        disable = value;
        Client client{this->server.server_address};
        ASSERT_TRUE(serve_one(this->server));
        EXPECT_EQ(client.recv_until_eof(), "TCP_NODELAY " + std::to_string(value));
    }
    EXPECT_TRUE(this->server.errors().empty());
}

REGISTER_TYPED_TEST_SUITE_P(StreamHandlerOverTcp,
                            DisableNagleAlgorithmSetsTcpNodelayOnTheConnection);

// disable_nagle_algorithm where there is no TCP: CPython's setup() fails.
template <class Server>
class StreamHandlerOverUnixStream : public StreamHandler<Server> {};
TYPED_TEST_SUITE_P(StreamHandlerOverUnixStream);

TYPED_TEST_P(StreamHandlerOverUnixStream, DisableNagleAlgorithmFailsInSetupAndTheNextClientIsServed) {
    auto& server = this->server;
    bool disable = true;  // read by the serving thread, which serve_one() joins
    this->plan.configure = [&disable](auto& handler) {
        handler.timeout = handler_patience;
        handler.disable_nagle_algorithm = disable;
    };
    this->plan.handle = [](auto& handler) {
        for (const std::string& line : handler.rfile) {
            handler.wfile.write(upper_copy(line));
        }
    };

    Client refused{server.server_address};
    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(refused.at_eof()) << "closed unserved";
    EXPECT_EQ(server.count("setup"), 1u);
    EXPECT_EQ(server.count("handle"), 0u) << "handle() runs only after a setup() that worked";
    EXPECT_EQ(server.count("finish"), 0u);
    ASSERT_EQ(server.errors().size(), 1u);
    EXPECT_NE(server.errors()[0].find("Operation not supported"), std::string::npos)
        << server.errors()[0];

    disable = false;
    Client next{server.server_address};
    next.send("next\n");
    next.close_write();
    ASSERT_TRUE(serve_one(server));
    EXPECT_EQ(next.recv_until_eof(), "NEXT\n");
    EXPECT_EQ(server.errors().size(), 1u);
}

REGISTER_TYPED_TEST_SUITE_P(StreamHandlerOverUnixStream,
                            DisableNagleAlgorithmFailsInSetupAndTheNextClientIsServed);

}  // namespace sockserv::test
