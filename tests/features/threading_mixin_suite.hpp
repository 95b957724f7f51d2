/// \file
/// \brief What ThreadingMixIn promises (chapter 5 on), for the four
/// Threading classes: handlers run side by side, finished threads are
/// reaped, server_close() waits (or not) as block_on_close and
/// daemon_threads say, errors and SystemExit are dealt with on the request
/// thread, a thread that cannot be started is an error of its request, and
/// shutdown() leaves the requests in flight to finish.
///
/// Concurrency is proven, not timed: handlers meet (a Meeting), and a
/// handler that would wait for a second one that never comes answers
/// "not met". Where a test must show that a call has not returned yet, it
/// gives the call a short while (not_yet) and then checks, once the handler
/// is let go, the order in which things happened: a correct server cannot
/// fail it, whatever the machine's speed.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/address.hpp"
#include "common/error.hpp"
#include "common/socket.hpp"
#include "features/lifecycle_helpers.hpp"
#include "features/mixin_helpers.hpp"
#include "support/background_call.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

/// \brief How long a test lets a call run to show that it does not return
/// by itself. A wrong server returns at once, well within it; a right one
/// never returns before the test lets its handler go, however long this is.
inline constexpr common::Seconds not_yet{0.3};

/// \brief Where a test and its handlers meet: each handler arrives, then
/// waits until `quorum` handlers have arrived or the test opens the gate.
class Meeting {
public:
    /// \brief \p quorum handlers let each other go; 0: only open() does.
    explicit Meeting(int quorum = 0) : quorum_(quorum) {}

    /// \brief A handler arrives and waits (at most \p limit); false if
    /// neither the quorum nor the gate let it go in time.
    bool arrive_and_wait(common::Seconds limit) {
        std::unique_lock lock(mutex_);
        ++arrived_;
        ++inside_;
        peak_ = std::max(peak_, inside_);
        threads_.push_back(std::this_thread::get_id());
        changed_.notify_all();
        return changed_.wait_for(lock, limit,
                                 [this] { return open_ || (quorum_ > 0 && arrived_ >= quorum_); });
    }
    /// \brief A handler has answered and is about to return.
    void leave() {
        std::lock_guard lock(mutex_);
        --inside_;
        ++finished_;
        changed_.notify_all();
    }
    /// \brief Lets every handler go, those to come included.
    void open() {
        std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    /// \brief Waits (at most default_timeout) until \p count handlers have arrived.
    [[nodiscard]] bool wait_arrived(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, default_timeout, [&] { return arrived_ >= count; });
    }
    [[nodiscard]] int finished() const {
        std::lock_guard lock(mutex_);
        return finished_;
    }
    /// \brief The most handlers that were waiting here at the same time.
    [[nodiscard]] int peak() const {
        std::lock_guard lock(mutex_);
        return peak_;
    }
    /// \brief The thread of each handler, in the order they arrived.
    [[nodiscard]] std::vector<std::thread::id> threads() const {
        std::lock_guard lock(mutex_);
        return threads_;
    }

private:
    const int quorum_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int arrived_ = 0;
    int inside_ = 0;
    int peak_ = 0;
    int finished_ = 0;
    bool open_ = false;
    std::vector<std::thread::id> threads_;
};

/// \brief Reads its request (a line, or the datagram), waits at a Meeting,
/// then answers the request upper-cased, or "not met\n" if it waited in
/// vain, the way its kind of request is answered.
template <class Base>
class Meets : public Base {
public:
    template <class Request, class Server>
    Meets(Request& request, const common::Address& client, Server& server, Meeting& meeting)
        : Base(request, client, server), meeting_(meeting) {}

    void handle() override {
        const std::string data = read_line_or_datagram(this->request);
        // Shorter than a client's wait, so that a client sees "not met"
        // rather than its own timeout.
        const bool met = meeting_.arrive_and_wait(default_timeout / 2);
        const std::string reply = met ? upper_copy(data) : "not met\n";
        send_reply(this->request, this->client_address, reply);
        meeting_.leave();
    }

private:
    Meeting& meeting_;
};

/// \brief A factory of \p Server's chapter making Meets handlers that meet at \p meeting.
template <class Server>
HandlerFactoryOf<Server> meets(Meeting& meeting) {
    return [&meeting](RequestOf<Server>& request, const common::Address& client,
                      BaseServerOf<Server>& server) {
        return std::make_unique<Meets<BaseRequestHandlerOf<Server>>>(request, client, server,
                                                                     meeting);
    };
}

/// \brief How many threads this process has: the entries of /proc/self/task.
inline std::size_t thread_count() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        ++count;
    }
    return count;
}

/// \brief Waits (at most default_timeout) until this process has \p count
/// threads. A thread that has been joined may still be listed for a
/// moment while the kernel takes it down, and nothing announces that, so
/// this looks every millisecond.
inline ::testing::AssertionResult threads_come_back_to(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + default_timeout;
    std::size_t now = thread_count();
    while (now != count && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        now = thread_count();
    }
    if (now == count) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << now << " threads, not " << count;
}

/// \brief A Threading server that writes down, for handle_error() and
/// shutdown_request(), on which thread each ran and what handle_error()
/// was told. Its destructor waits for the request threads before its own
/// members go, as a class derived from a Threading server must: the
/// threads call its hooks.
template <class Base>
class ThreadWatched : public Base {
public:
    using Base::Base;
    using Request = RequestOf<Base>;

    ~ThreadWatched() override { join_request_threads(*this); }

    void handle_error(Request& request, const common::Address& client) override {
        std::lock_guard lock(mutex_);
        error_threads.push_back(std::this_thread::get_id());
        errors.push_back(common::describe_current_exception());
        (void)request;
        (void)client;
        changed_.notify_all();
    }
    void shutdown_request(Request& request) override {
        {
            std::lock_guard lock(mutex_);
            shutdown_threads.push_back(std::this_thread::get_id());
        }
        Base::shutdown_request(request);
        std::lock_guard lock(mutex_);
        ++shut_down;
        changed_.notify_all();
    }
    /// \brief Waits (at most default_timeout) until \p count requests were shut down.
    [[nodiscard]] bool wait_shut_down(std::size_t count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, default_timeout, [&] { return shut_down >= count; });
    }
    /// \brief A copy of a record, taken under the lock.
    template <class T>
    T read(const T& record) {
        std::lock_guard lock(mutex_);
        return record;
    }

    std::vector<std::thread::id> error_threads;
    std::vector<std::string> errors;
    std::vector<std::thread::id> shutdown_threads;
    std::size_t shut_down = 0;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
};

/// \brief The fixture of this file's suites: besides ServerTest's, a
/// server whose handlers meet at `meeting`, one request of `peer`'s in
/// flight there, and the checks of what waits for that request.
///
/// `meeting` is declared first, so that it outlives the server whose
/// threads use it.
template <class Server>
class ThreadingTest : public ServerTest<Server> {
protected:
    /// \brief A server of the class under test, its handlers Meets at `meeting`.
    void make_meeting_server() { server = this->make_server(meets<Server>(meeting)); }

    /// \brief `peer` sends \p data, the server takes it (serve_one()) and
    /// its handler waits at `meeting`. Callers wrap it in
    /// ASSERT_NO_FATAL_FAILURE.
    void put_in_flight(const std::string& data) {
        peer = this->client(server->server_address);
        peer->request(data);
        ASSERT_TRUE(serve_one(*server));
        ASSERT_TRUE(meeting.wait_arrived(1));
    }

    /// \brief \p call (named \p what) returns while the handler in flight
    /// still waits.
    void expect_does_not_wait(const std::function<void()>& call, const std::string& what) {
        BackgroundCall calling{call, what};
        EXPECT_TRUE(calling.finishes_within()) << what << " waits for the handler";
        EXPECT_EQ(meeting.finished(), 0);
    }

    /// \brief \p call (named \p what) does not return until the test lets
    /// the handler in flight go, and returns once it has finished; `peer`
    /// then reads \p reply. \p meanwhile, if given, runs while the call
    /// is known to be waiting.
    void expect_waits_for_the_handler(const std::function<void()>& call, const std::string& what,
                                      const std::string& reply,
                                      const std::function<void()>& meanwhile = {}) {
        int finished_when_returned = -1;
        BackgroundCall calling{[&] {
            call();
            finished_when_returned = meeting.finished();
        }, what};
        EXPECT_FALSE(calling.finishes_within(not_yet)) << what << " did not wait";
        if (meanwhile) {
            meanwhile();
        }
        meeting.open();

        ASSERT_TRUE(calling.finishes_within());
        EXPECT_EQ(finished_when_returned, 1) << what << " returned before the handler finished";
        EXPECT_EQ(peer->reply(), reply);
    }

    /// \brief With `server` made and \p configure applied to it (before its
    /// request starts), a request \p data in flight: server_close() does
    /// not wait for it, but the destructor does, and `peer` then reads
    /// \p reply.
    void expect_only_the_destructor_waits(const std::function<void(Server&)>& configure,
                                          const std::string& data, const std::string& reply) {
        make_meeting_server();
        configure(*server);
        ASSERT_NO_FATAL_FAILURE(put_in_flight(data));
        expect_does_not_wait([&] { server->server_close(); }, "server_close()");
        expect_waits_for_the_handler([&] { server.reset(); }, "the destructor", reply);
    }

    Meeting meeting;
    std::unique_ptr<Server> server;
    std::unique_ptr<Peer> peer;
};

// ---------------------------------------------------------------------------
// ThreadingServer: every Threading class.

template <class Server>
class ThreadingServer : public ThreadingTest<Server> {};
TYPED_TEST_SUITE_P(ThreadingServer);

TYPED_TEST_P(ThreadingServer, TwoHandlersAreInHandleAtTheSameTime) {
    // Each handler waits for the other: served one after the other, the
    // first would wait in vain and answer "not met".
    Meeting meeting{2};
    auto server = this->make_server(meets<TypeParam>(meeting));
    ServerThread serving{*server};

    auto first = this->client(server->server_address);
    auto second = this->client(server->server_address);
    first->request("first\n");
    second->request("second\n");

    EXPECT_EQ(first->reply(), "FIRST\n");
    EXPECT_EQ(second->reply(), "SECOND\n");
    EXPECT_EQ(meeting.peak(), 2);
    const auto threads = meeting.threads();
    ASSERT_EQ(threads.size(), 2u);
    EXPECT_NE(threads[0], threads[1]) << "both requests ran on one thread";
}

TYPED_TEST_P(ThreadingServer, HandleRequestReturnsWhileTheHandlerRuns) {
    // The serving call only starts the thread: what a Threading server's
    // handle_request() promises, and why suites that read the handler's
    // record right after it are run on the synchronous classes only.
    this->make_meeting_server();
    ASSERT_NO_FATAL_FAILURE(this->put_in_flight("hello\n"));
    EXPECT_EQ(this->meeting.finished(), 0);

    this->meeting.open();
    EXPECT_EQ(this->peer->reply(), "HELLO\n");
}

TYPED_TEST_P(ThreadingServer, AHundredClientsAtOnceAreAllServed) {
    // All hundred handlers wait until every one of them has arrived: a
    // hundred threads in handle() at once. Each client comes once the one
    // before is being handled: a burst of a hundred connections would
    // overflow the listen queue (request_queue_size, 5), and TCP retries a
    // dropped connection only after a second or more.
    constexpr int clients = 100;
    Meeting meeting{clients};
    auto server = this->make_server(meets<TypeParam>(meeting));
    ServerThread serving{*server};

    std::vector<std::unique_ptr<Peer>> peers;
    for (int i = 0; i < clients; ++i) {
        peers.push_back(this->client(server->server_address));
        peers.back()->request("client " + std::to_string(i) + "\n");
        ASSERT_TRUE(meeting.wait_arrived(i + 1)) << "client " << i << " is not being handled";
    }
    for (int i = 0; i < clients; ++i) {
        EXPECT_EQ(peers[static_cast<std::size_t>(i)]->reply(),
                  "CLIENT " + std::to_string(i) + "\n");
    }
    EXPECT_EQ(meeting.peak(), clients);
}

TYPED_TEST_P(ThreadingServer, ThreadsComeBackToWhereTheyWereAfterTwoThousandRequests) {
    // CPython's bpo-37193: finished threads are reaped as requests come,
    // so what the server keeps does not grow with what it has served.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    // A sanitizer may start a thread of its own with the program's first
    // other thread: made (and joined) before the count, it is in it.
    std::thread([] {}).join();
    const std::size_t threads_before = thread_count();
    std::size_t most_kept = 0;
    std::size_t most_threads = 0;
    {
        ServerThread serving{*server};
        for (int i = 0; i < 2000; ++i) {
            ASSERT_TRUE(this->answers(server->server_address, "request " + std::to_string(i)))
                << "request " << i;
            most_kept = std::max(most_kept, server->request_threads());
            if (i % 100 == 0) {
                most_threads = std::max(most_threads, thread_count());
            }
        }
    }
    // Each client waits for its answer: only the last few threads may still
    // be ending, not two thousand kept.
    EXPECT_LT(most_kept, 50u) << "finished request threads are not reaped";
    EXPECT_LT(most_threads, threads_before + 50) << "request threads do not end";
    server->server_close();
    EXPECT_EQ(server->request_threads(), 0u);
    EXPECT_TRUE(threads_come_back_to(threads_before));
}

TYPED_TEST_P(ThreadingServer, ServerCloseReturnsOnlyOnceTheHandlerInFlightHasFinished) {
    // block_on_close, the default: the handler answers, after server_close()
    // was called, and server_close() waits for it.
    this->make_meeting_server();
    auto& server = this->server;
    EXPECT_TRUE(server->block_on_close);
    ASSERT_NO_FATAL_FAILURE(this->put_in_flight("in flight\n"));

    ASSERT_NO_FATAL_FAILURE(this->expect_waits_for_the_handler([&] { server->server_close(); },
                                                               "server_close()", "IN FLIGHT\n"));
    EXPECT_EQ(server->fileno(), -1);
}

TYPED_TEST_P(ThreadingServer, WithoutBlockOnCloseServerCloseDoesNotWaitButTheDestructorDoes) {
    this->expect_only_the_destructor_waits([](TypeParam& server) { server.block_on_close = false; },
                                           "in flight\n", "IN FLIGHT\n");
}

TYPED_TEST_P(ThreadingServer, HandleErrorRunsOnTheRequestThreadAndTheRequestIsShutDown) {
    ThreadWatched<TypeParam> server{this->server_address(), handler_factory<Failing, TypeParam>()};
    auto peer = this->client(server.server_address);
    peer->request("");

    std::thread::id serving_thread;
    BackgroundCall serving{[&] {
        serving_thread = std::this_thread::get_id();
        server.handle_request();
    }, "handle_request()"};
    ASSERT_TRUE(serving.finishes_within());
    ASSERT_TRUE(server.wait_shut_down(1));

    const auto errors = server.read(server.errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], "std::runtime_error: the handler failed on purpose");
    const auto error_threads = server.read(server.error_threads);
    const auto shutdown_threads = server.read(server.shutdown_threads);
    ASSERT_EQ(error_threads.size(), 1u);
    ASSERT_EQ(shutdown_threads.size(), 1u);
    EXPECT_NE(error_threads[0], serving_thread) << "handle_error() ran on the serving thread";
    EXPECT_NE(error_threads[0], std::this_thread::get_id());
    EXPECT_EQ(shutdown_threads[0], error_threads[0])
        << "the request was shut down on another thread than its error was handled";
    expect_closed_unanswered<TypeParam>(*peer, "the failed request's connection was not closed");
}

TYPED_TEST_P(ThreadingServer, SystemExitInAHandlerEndsItsRequestQuietlyAndServingGoesOn) {
    // CPython's threads end quietly on SystemExit, and the serving loop
    // never sees it; so does this one, stderr untouched.
    using Handler = BaseRequestHandlerOf<TypeParam>;
    using SystemExit = SystemExitOf<TypeParam>;
    struct Exits : Handler {
        using Handler::Handler;
        void handle() override { throw SystemExit{3}; }
    };
    std::atomic<int> requests = 0;
    ThreadWatched<TypeParam> server{
        this->server_address(),
        [&requests](RequestOf<TypeParam>& request, const common::Address& client,
                    BaseServerOf<TypeParam>& server) -> std::unique_ptr<Handler> {
            if (++requests == 1) {
                return std::make_unique<Exits>(request, client, server);
            }
            return std::make_unique<UpperEcho<Handler>>(request, client, server);
        }};
    CaptureStderr reports;
    {
        ServerThread serving{server};
        auto leaving = this->client(server.server_address);
        leaving->request("");
        ASSERT_TRUE(server.wait_shut_down(1));
        expect_closed_unanswered<TypeParam>(*leaving, "the request was not shut down");

        EXPECT_TRUE(this->answers(server.server_address, "still serving\n"));
    }  // serve_forever() returned because of shutdown(), and threw nothing

    EXPECT_EQ(server.read(server.errors).size(), 0u) << "SystemExit went to handle_error()";
    EXPECT_EQ(reports.text(), "");
}

TYPED_TEST_P(ThreadingServer, AThreadThatCannotBeStartedIsAnErrorOfItsRequestAndServingGoesOn) {
    // In a child process (single-threaded, so its limits touch nothing
    // else): with a thread's stack made larger than the address space left,
    // std::thread cannot start one. The child writes what went wrong to
    // stderr and says it with its status.
    ThreadWatched<TypeParam> server{this->server_address(),
                                    handler_factory<UpperEcho, TypeParam>()};
    auto refused = this->client(server.server_address);
    // Nothing left unread when it is closed: a stream client then reads a
    // clean end, not a reset.
    refused->request("");
    auto served = this->client(server.server_address);
    served->request("served\n");

    std::fflush(nullptr);
    const pid_t child = ::fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
        auto fail = [](const char* what) {
            std::fprintf(stderr, "child: %s\n", what);
            std::fflush(stderr);
            ::_exit(1);
        };
        try {
            pthread_attr_t big;
            ::pthread_attr_init(&big);
            ::pthread_attr_setstacksize(&big, std::size_t{256} << 20);
            ::pthread_setattr_default_np(&big);
            rlimit saved{};
            ::getrlimit(RLIMIT_AS, &saved);
            long pages = 0;
            if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
                if (std::fscanf(statm, "%ld", &pages) != 1) {
                    pages = 0;
                }
                std::fclose(statm);
            }
            if (pages == 0) {
                fail("cannot read /proc/self/statm");
            }
            rlimit tight = saved;
            tight.rlim_cur = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) +
                             (rlim_t{64} << 20);
            ::setrlimit(RLIMIT_AS, &tight);
            server.handle_request();  // no thread: handle_error, shutdown_request
            ::setrlimit(RLIMIT_AS, &saved);
            const auto errors = server.read(server.errors);
            if (errors.size() != 1 || errors[0].find("system_error") == std::string::npos) {
                fail(errors.empty() ? "handle_error() was not called"
                                    : ("handle_error() was told: " + errors[0]).c_str());
            }
            if (server.read(server.shut_down) != 1) {
                fail("the refused request was not shut down");
            }
            pthread_attr_t usual;
            ::pthread_attr_init(&usual);
            ::pthread_attr_setstacksize(&usual, std::size_t{8} << 20);
            ::pthread_setattr_default_np(&usual);
            server.handle_request();  // the next request, on its thread
            if (!server.wait_shut_down(2)) {
                fail("the next request was not served");
            }
            server.server_close();
        } catch (...) {
            fail(common::describe_current_exception().c_str());
        }
        ::_exit(0);
    }
    int status = 0;
    BackgroundCall waiting{[&] { ::waitpid(child, &status, 0); }, "waitpid()"};
    if (!waiting.finishes_within()) {
        ::kill(child, SIGKILL);
        ASSERT_TRUE(waiting.finishes_within());
        FAIL() << "the child did not end";
    }
    ASSERT_TRUE(WIFEXITED(status)) << "the child ended with status " << status;
    ASSERT_EQ(WEXITSTATUS(status), 0) << "the child failed (its stderr says why)";
    // The child's replies, through the sockets it shared with the parent.
    expect_closed_unanswered<TypeParam>(*refused, "the refused request was not closed");
    EXPECT_EQ(served->reply(), "SERVED\n");
}

TYPED_TEST_P(ThreadingServer, ShutdownLeavesTheRequestsInFlightToFinishAndServerCloseWaitsForThem) {
    // shutdown() stops the loop, not the handlers; the one in flight answers.
    this->make_meeting_server();
    auto& server = this->server;
    BackgroundCall serving{[&] { server->serve_forever(one_hour); }, "serve_forever()"};
    this->peer = this->client(server->server_address);
    this->peer->request("in flight\n");
    ASSERT_TRUE(this->meeting.wait_arrived(1));

    this->expect_does_not_wait([&] { server->shutdown(); }, "shutdown()");
    EXPECT_TRUE(serving.finishes_within()) << "serve_forever() waits for the handler";
    EXPECT_EQ(this->meeting.finished(), 0);

    this->expect_waits_for_the_handler([&] { server->server_close(); }, "server_close()",
                                       "IN FLIGHT\n");
}

REGISTER_TYPED_TEST_SUITE_P(ThreadingServer,
                            TwoHandlersAreInHandleAtTheSameTime,
                            HandleRequestReturnsWhileTheHandlerRuns,
                            AHundredClientsAtOnceAreAllServed,
                            ThreadsComeBackToWhereTheyWereAfterTwoThousandRequests,
                            ServerCloseReturnsOnlyOnceTheHandlerInFlightHasFinished,
                            WithoutBlockOnCloseServerCloseDoesNotWaitButTheDestructorDoes,
                            HandleErrorRunsOnTheRequestThreadAndTheRequestIsShutDown,
                            SystemExitInAHandlerEndsItsRequestQuietlyAndServingGoesOn,
                            AThreadThatCannotBeStartedIsAnErrorOfItsRequestAndServingGoesOn,
                            ShutdownLeavesTheRequestsInFlightToFinishAndServerCloseWaitsForThem);

// ---------------------------------------------------------------------------
// ThreadingStreamServer: ThreadingTCPServer and ThreadingUnixStreamServer.

template <class Server>
class ThreadingStreamServer : public ThreadingTest<Server> {};
TYPED_TEST_SUITE_P(ThreadingStreamServer);

TYPED_TEST_P(ThreadingStreamServer, AClientThatSendsNothingDoesNotBlockAnother) {
    // Served one at a time, the silent client's handler would wait in
    // recv() and the second client would get nothing.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    Client silent{server->server_address};

    EXPECT_TRUE(this->answers(server->server_address, "not blocked\n"));
    EXPECT_TRUE(this->answers(server->server_address, "nor this\n"));

    silent.close_write();
    EXPECT_EQ(silent.recv_until_eof(), "");
}

TYPED_TEST_P(ThreadingStreamServer, ServerCloseStopsNewClientsBeforeItWaits) {
    // CPython's order: the listening socket is closed first, so no client
    // is accepted (and left unanswered) while server_close() waits.
    this->make_meeting_server();
    auto& server = this->server;
    ASSERT_NO_FATAL_FAILURE(this->put_in_flight("in flight\n"));

    this->expect_waits_for_the_handler([&] { server->server_close(); }, "server_close()",
                                       "IN FLIGHT\n", [&] {
        EXPECT_EQ(connect_error(server->server_address), std::errc::connection_refused)
            << "the listening socket is still open while server_close() waits";
    });
}

TYPED_TEST_P(ThreadingStreamServer, ServerCloseDoesNotWaitForDaemonThreadsButTheDestructorDoes) {
    // The course's daemon_threads: not waited for by server_close(), as in
    // Python, but never outliving the server (its destructor joins them).
    this->expect_only_the_destructor_waits([](TypeParam& server) { server.daemon_threads = true; },
                                           "daemon\n", "DAEMON\n");
}

REGISTER_TYPED_TEST_SUITE_P(ThreadingStreamServer,
                            AClientThatSendsNothingDoesNotBlockAnother,
                            ServerCloseStopsNewClientsBeforeItWaits,
                            ServerCloseDoesNotWaitForDaemonThreadsButTheDestructorDoes);

// ---------------------------------------------------------------------------
// ThreadingDatagramServer: ThreadingUDPServer and ThreadingUnixDatagramServer.

template <class Server>
class ThreadingDatagramServer : public ThreadingTest<Server> {};
TYPED_TEST_SUITE_P(ThreadingDatagramServer);

TYPED_TEST_P(ThreadingDatagramServer, TheReplyComesFromTheServersOwnSocket) {
    // A datagram request borrows the server's socket: the request thread
    // answers through it, so the client sees the server's address.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    std::optional<std::filesystem::path> own_path;
    if constexpr (kind_of<TypeParam>.unix_domain) {
        own_path = this->directory / "from.sock";
    }
    DatagramClient client{server->server_address, own_path};

    client.send("where from");
    auto [reply, sender] = client.recv_from();

    EXPECT_EQ(reply, "WHERE FROM");
    EXPECT_EQ(sender, server->server_address);
}

TYPED_TEST_P(ThreadingDatagramServer, ServerCloseClosesTheSocketOnlyAfterTheThreadsDaemonsToo) {
    // The threads answer through the server's socket: closed before they
    // end, a late reply would be lost (or go to whatever socket got the
    // descriptor's number next). Daemon threads are waited for too.
    this->make_meeting_server();
    auto& server = this->server;
    server->daemon_threads = true;
    ASSERT_NO_FATAL_FAILURE(this->put_in_flight("late reply"));

    // A reply other than "LATE REPLY" is lost (or the client's wait ran out).
    ASSERT_NO_FATAL_FAILURE(this->expect_waits_for_the_handler([&] { server->server_close(); },
                                                               "server_close()", "LATE REPLY"));
    EXPECT_EQ(server->fileno(), -1);
}

REGISTER_TYPED_TEST_SUITE_P(ThreadingDatagramServer,
                            TheReplyComesFromTheServersOwnSocket,
                            ServerCloseClosesTheSocketOnlyAfterTheThreadsDaemonsToo);

}  // namespace sockserv::test
