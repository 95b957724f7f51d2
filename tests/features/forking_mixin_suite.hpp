/// \file
/// \brief What ForkingMixIn promises (chapter 6 on), for the four Forking
/// classes: each request in a process of its own, children collected
/// (no zombie outlives a pass of the loop), max_children respected,
/// server_close() waiting as block_on_close says, the child's exit status,
/// its errors reported, nothing of the parent's kept or disturbed.
///
/// A handler runs in a child process, so nothing it records reaches the
/// test: everything here is seen from outside the child. The handler
/// (Reports) answers with its pid; it says "arrived" and "leaving" through
/// a pipe (Gate), and may wait there until the test lets it go; the test
/// reads pids, /proc and exit statuses (support/children.hpp), and never
/// collects a child the server should collect.
///
/// A child of this test program is a copy of it: if it ever came back
/// from process_request() into the serving loop or into the test, it
/// would serve clients as a second server or run the test's own code.
/// Watched turns that into an exit with status 77 (returned_into_the_loop),
/// which one test looks for; every other test is then spared a second
/// copy of itself.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/address.hpp"
#include "common/file_descriptor.hpp"
#include "common/seconds.hpp"
#include "common/socket.hpp"
#include "features/lifecycle_helpers.hpp"
#include "features/mixin_helpers.hpp"
#include "support/background_call.hpp"
#include "support/children.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

/// \brief How long a test gives a server to show that it does not do
/// something by itself (serve a request, return from server_close()). A
/// wrong server does it at once, well within this; a right one never does
/// it before the test lets a child go, however long this is.
inline constexpr common::Seconds not_before_released{0.3};

/// \brief The exit status of a child that came back into the serving loop
/// or into the test's code (Watched).
inline constexpr int returned_into_the_loop = 77;

/// \brief Where the test and the children it cannot see meet: two pipes
/// made before the fork, which every child inherits. A child writes
/// "A pid" when its handler starts and "L pid" when it leaves; it may wait
/// for a byte the test writes (release()). One line is one write(2), whole
/// however many children write at once (under PIPE_BUF bytes).
class Gate {
public:
    Gate() {
        int events[2];
        int release[2];
        if (::pipe2(events, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC | O_NONBLOCK) != 0) {
            throw std::system_error(errno, std::generic_category(), "pipe2");
        }
        events_read_ = common::FileDescriptor{events[0]};
        events_write_ = common::FileDescriptor{events[1]};
        release_read_ = common::FileDescriptor{release[0]};
        release_write_ = common::FileDescriptor{release[1]};
    }

    // In a child:

    /// \brief The handler has started.
    void arrive() { say('A'); }
    /// \brief The handler has answered and returns.
    void leave() { say('L'); }
    /// \brief Waits (at most \p limit) until the test lets one child go;
    /// false if it never did. Children waiting side by side race for each
    /// byte: the read end does not block, so a loser polls again.
    bool wait_for_release(common::Seconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (true) {
            char byte = 0;
            if (::read(release_read_.get(), &byte, 1) == 1) {
                return true;
            }
            if (errno != EAGAIN && errno != EINTR) {
                return false;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                return false;
            }
            pollfd entry{release_read_.get(), POLLIN, 0};
            ::poll(&entry, 1, static_cast<int>(left.count()));
        }
    }

    // In the test:

    /// \brief Lets \p count waiting children (or children still to come) go.
    void release(int count = 1) {
        const std::string bytes(static_cast<std::size_t>(count), 'r');
        ASSERT_EQ(::write(release_write_.get(), bytes.data(), bytes.size()),
                  static_cast<ssize_t>(bytes.size()));
    }
    /// \brief Waits (at most default_timeout) until \p count children have
    /// said \p kind ('A' or 'L') in all.
    [[nodiscard]] bool wait_for(char kind, std::size_t count) {
        const auto deadline = deadline_after(default_timeout);
        while (pids(kind).size() < count) {
            if (!read_events(deadline)) {
                return false;
            }
        }
        return true;
    }
    /// \brief True if no child says anything within \p limit.
    [[nodiscard]] bool quiet_for(common::Seconds limit) {
        const std::size_t before = events_.size();
        const auto deadline = deadline_after(limit);
        while (read_events(deadline)) {
        }
        return events_.size() == before;
    }
    /// \brief The pids that said \p kind, in the order they said it.
    [[nodiscard]] std::vector<pid_t> pids(char kind) const {
        std::vector<pid_t> found;
        for (const auto& [said, pid] : events_) {
            if (said == kind) {
                found.push_back(pid);
            }
        }
        return found;
    }

private:
    static std::chrono::steady_clock::time_point deadline_after(common::Seconds limit) {
        return std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit);
    }

    void say(char kind) {
        const std::string line = std::string{kind} + " " + std::to_string(::getpid()) + "\n";
        [[maybe_unused]] ssize_t written = ::write(events_write_.get(), line.data(), line.size());
    }

    // Reads what has come (waiting at most until deadline); false if nothing did.
    bool read_events(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd entry{events_read_.get(), POLLIN, 0};
        if (::poll(&entry, 1, static_cast<int>(std::max<long>(left.count(), 0))) <= 0) {
            return false;
        }
        char buffer[512];
        const ssize_t got = ::read(events_read_.get(), buffer, sizeof buffer);
        if (got <= 0) {
            return false;
        }
        pending_.append(buffer, static_cast<std::size_t>(got));
        std::size_t end = 0;
        while ((end = pending_.find('\n')) != std::string::npos) {
            events_.emplace_back(pending_[0], static_cast<pid_t>(std::stol(pending_.substr(2, end - 2))));
            pending_.erase(0, end + 1);
        }
        return true;
    }

    common::FileDescriptor events_read_;
    common::FileDescriptor events_write_;
    common::FileDescriptor release_read_;
    common::FileDescriptor release_write_;
    std::string pending_;                            // a line not yet whole
    std::vector<std::pair<char, pid_t>> events_;     // what the children said
};

/// \brief What a Reports handler does besides answering.
struct Conduct {
    Gate* gate = nullptr;           ///< where it says "arrived" and "leaving"
    bool wait_at_gate = false;      ///< and waits to be let go, in between
    bool shuts_the_server_down = false;  ///< calls shutdown() on its copy of the server
};

/// \brief Reads its request (a line, or the datagram) and answers "PID
/// TEXT": its own pid, then the request upper-cased. A handler that was
/// never let go answers "PID not released" instead.
template <class Base>
class Reports : public Base {
public:
    template <class Request, class Server>
    Reports(Request& request, const common::Address& client, Server& server, Conduct conduct)
        : Base(request, client, server), conduct_(conduct) {}

    void handle() override {
        const std::string data = read_line_or_datagram(this->request);
        bool released = true;
        if (conduct_.gate) {
            conduct_.gate->arrive();
            if (conduct_.wait_at_gate) {
                // Shorter than a client's wait: the client then reads
                // "not released" rather than its own timeout.
                released = conduct_.gate->wait_for_release(default_timeout / 2);
            }
        }
        if (conduct_.shuts_the_server_down) {
            this->server.shutdown();
        }
        const std::string reply =
            std::to_string(::getpid()) + " " + (released ? upper_copy(data) : "not released\n");
        send_reply(this->request, this->client_address, reply);
        if (conduct_.gate) {
            conduct_.gate->leave();
        }
    }

private:
    Conduct conduct_;
};

/// \brief A factory of \p Server's chapter making Reports handlers that do \p conduct.
template <class Server>
HandlerFactoryOf<Server> reports(Conduct conduct = {}) {
    return [conduct](RequestOf<Server>& request, const common::Address& client,
                     BaseServerOf<Server>& server) {
        return std::make_unique<Reports<BaseRequestHandlerOf<Server>>>(request, client, server,
                                                                       conduct);
    };
}

/// \brief A reply of Reports: the pid that answered, and what it said.
struct Answer {
    pid_t pid = 0;
    std::string text;
};

/// \brief "PID TEXT" taken apart; pid 0 if the reply has no pid.
inline Answer parse_answer(const std::string& reply) {
    const auto space = reply.find(' ');
    if (space == std::string::npos || space == 0 ||
        reply.find_first_not_of("0123456789") != space) {
        return {0, reply};
    }
    return {static_cast<pid_t>(std::stol(reply.substr(0, space))), reply.substr(space + 1)};
}

/// \brief A Forking server of the class under test that counts the passes
/// of its serving loop (service_actions()) and stops any child that comes
/// back into the loop or into the test (status returned_into_the_loop).
///
/// serve_forever() and handle_request() hide the server's own, so that
/// ServerThread and serve_one() go through them: what runs after the
/// server's call returns runs in the test's process only.
template <class Base>
class Watched : public Base {
public:
    using Base::Base;

    void serve_forever(common::Seconds poll_interval) {
        try {
            Base::serve_forever(poll_interval);
        } catch (...) {
            stop_if_a_child();
            throw;
        }
        stop_if_a_child();
    }
    void handle_request() {
        try {
            Base::handle_request();
        } catch (...) {
            stop_if_a_child();
            throw;
        }
        stop_if_a_child();
    }
    void service_actions() override {
        stop_if_a_child();
        ++passes;
        Base::service_actions();
    }
    void handle_timeout() override {
        stop_if_a_child();
        Base::handle_timeout();
    }

    /// \brief How many passes serve_forever() has made.
    std::atomic<long> passes{0};

private:
    void stop_if_a_child() const {
        if (::getpid() != owner_) {
            static constexpr char note[] = "a forked child came back into the serving loop\n";
            [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, note, sizeof note - 1);
            ::_exit(returned_into_the_loop);
        }
    }

    const pid_t owner_ = ::getpid();
};

/// \brief The fixture of this file's suites: Watched servers of the class
/// under test, a Gate, and at the end no child left behind.
template <class Server>
class ForkingTest : public ServerTest<Server> {
protected:
    // What a test has not collected (a server stopped before its last
    // pass, a test that failed half-way) is ended here: a child of this
    // program must not outlive its test.
    void TearDown() override { end_children_of_this_process(); }

    /// \brief A Watched server of the class under test, its handlers Reports doing \p conduct.
    std::unique_ptr<Watched<Server>> make_watched(Conduct conduct = {}) {
        return std::make_unique<Watched<Server>>(this->server_address(), reports<Server>(conduct));
    }
    /// \brief A Watched server of the class under test with \p factory's handlers.
    std::unique_ptr<Watched<Server>> make_watched(HandlerFactoryOf<Server> factory) {
        return std::make_unique<Watched<Server>>(this->server_address(), std::move(factory));
    }

    /// \brief One request \p data to a server that is serving; its answer.
    Answer ask(const common::Address& server, const std::string& data) {
        auto peer = this->client(server);
        peer->request(data);
        return parse_answer(peer->reply());
    }

    /// \brief The only child \p server has recorded; fails the test otherwise.
    static pid_t only_child(const Watched<Server>& server) {
        EXPECT_TRUE(server.active_children.has_value());
        if (!server.active_children || server.active_children->size() != 1) {
            ADD_FAILURE() << "expected one child in active_children";
            return 0;
        }
        return *server.active_children->begin();
    }

    /// \brief \p server hands \p data to a child with one handle_request();
    /// the child answers and ends, and stays a zombie: handle_request()
    /// itself collects nothing. \p child is the pid that answered.
    void serve_and_leave_a_zombie(Watched<Server>& server, const std::string& data, pid_t& child) {
        auto peer = this->client(server.server_address);
        peer->request(data);
        ASSERT_TRUE(serve_one(server));
        child = parse_answer(peer->reply()).pid;
        ASSERT_TRUE(wait_until_ended(child)) << "the child did not end after its request";
        EXPECT_TRUE(is_zombie_child(child));
    }

    /// \brief \p peer's request "in flight" handed to a child of \p server,
    /// which waits at the gate; \p child is that child.
    void hold_in_flight(Watched<Server>& server, Peer& peer, pid_t& child) {
        peer.request("in flight\n");
        ASSERT_TRUE(serve_one(server));
        ASSERT_TRUE(gate.wait_for('A', 1));
        child = only_child(server);
    }

    /// \brief \p child ends (within default_timeout) with the wait status
    /// \p expected (0: exit status 0; 1 << 8: exit status 1).
    static void expect_ends_with(pid_t child, int expected) {
        const auto status = exit_status_of(child);
        ASSERT_TRUE(status.has_value()) << "the child did not end";
        EXPECT_EQ(describe_status(*status), describe_status(expected))
            << (WIFEXITED(*status) && WEXITSTATUS(*status) == returned_into_the_loop
                    ? "the child came back into the serving loop"
                    : "");
    }

    /// \brief With \p limit as max_children and every handler waiting at
    /// the gate: \p limit clients are in their handlers, the next one is
    /// not served until the test lets one of them go, and is then served
    /// by a new child, once the one let go has been collected. Every
    /// client gets its answer from a process of its own.
    void expect_at_most_children(std::size_t limit) {
        auto server = make_watched({&gate, true});
        server->max_children = limit;
        ServerThread serving{*server, common::Seconds{0.1}};

        std::vector<std::unique_ptr<Peer>> held;
        for (std::size_t i = 0; i < limit; ++i) {
            held.push_back(this->client(server->server_address));
            held.back()->request("held " + std::to_string(i) + "\n");
            ASSERT_TRUE(gate.wait_for('A', i + 1)) << "client " << i << " is not being handled";
        }
        auto next = this->client(server->server_address);
        next->request("next\n");
        EXPECT_TRUE(gate.quiet_for(not_before_released))
            << "a request was served while max_children (" << limit << ") children were alive";

        gate.release();
        ASSERT_TRUE(gate.wait_for('L', 1));
        ASSERT_TRUE(gate.wait_for('A', limit + 1)) << "the next request was never served";
        const pid_t let_go = gate.pids('L')[0];
        EXPECT_FALSE(is_child_of_this_process(let_go))
            << "the next child was made before the one that ended was collected";
        gate.release(static_cast<int>(limit));

        std::set<pid_t> answered;
        for (std::size_t i = 0; i < limit; ++i) {
            const Answer answer = parse_answer(held[i]->reply());
            EXPECT_EQ(answer.text, "HELD " + std::to_string(i) + "\n");
            answered.insert(answer.pid);
        }
        const Answer last = parse_answer(next->reply());
        EXPECT_EQ(last.text, "NEXT\n");
        answered.insert(last.pid);
        EXPECT_EQ(answered.size(), limit + 1) << "two requests were answered by one process";
        EXPECT_EQ(answered.count(::getpid()), 0u) << "a request was answered by the server's process";
        const auto arrived = gate.pids('A');
        EXPECT_EQ(answered, std::set<pid_t>(arrived.begin(), arrived.end()));
    }

    Gate gate;
};

// ---------------------------------------------------------------------------
// ForkingServer: every Forking class.

template <class Server>
class ForkingServer : public ForkingTest<Server> {};
TYPED_TEST_SUITE_P(ForkingServer);

TYPED_TEST_P(ForkingServer, TheDefaultsAreCPythons) {
    // timeout 300 changes what handle_request() does: it returns (after
    // collecting children) at least every five minutes, not never.
    auto server = this->make_watched();
    ASSERT_TRUE(server->timeout.has_value());
    EXPECT_EQ(server->timeout->count(), 300.0);
    EXPECT_EQ(server->max_children, 40u);
    EXPECT_TRUE(server->block_on_close);
    EXPECT_FALSE(server->active_children.has_value()) << "active_children before the first fork";
}

TYPED_TEST_P(ForkingServer, EachRequestIsServedByAProcessOfItsOwn) {
    // Three handlers at the gate at once, so three live processes: three
    // pids that differ from each other and from the server's.
    auto server = this->make_watched({&this->gate, true});
    ServerThread serving{*server, common::Seconds{0.1}};
    std::vector<std::unique_ptr<Peer>> peers;
    for (int i = 0; i < 3; ++i) {
        peers.push_back(this->client(server->server_address));
        peers.back()->request("client " + std::to_string(i) + "\n");
    }
    ASSERT_TRUE(this->gate.wait_for('A', 3)) << "three handlers do not run side by side";
    this->gate.release(3);

    std::set<pid_t> pids;
    for (int i = 0; i < 3; ++i) {
        const Answer answer = parse_answer(peers[static_cast<std::size_t>(i)]->reply());
        EXPECT_EQ(answer.text, "CLIENT " + std::to_string(i) + "\n");
        EXPECT_NE(answer.pid, ::getpid()) << "served in the server's own process";
        EXPECT_NE(answer.pid, 0);
        pids.insert(answer.pid);
    }
    EXPECT_EQ(pids.size(), 3u) << "two requests were served by one process";
}

TYPED_TEST_P(ForkingServer, ActiveChildrenIsEmptyUntilTheFirstForkThenHoldsTheChild) {
    auto server = this->make_watched();
    EXPECT_FALSE(server->active_children.has_value());
    auto peer = this->client(server->server_address);
    peer->request("first\n");

    ASSERT_TRUE(serve_one(*server));
    const Answer answer = parse_answer(peer->reply());
    EXPECT_EQ(answer.text, "FIRST\n");
    ASSERT_TRUE(server->active_children.has_value()) << "no record of the child made";
    EXPECT_EQ(*server->active_children, std::set<pid_t>{answer.pid});
}

TYPED_TEST_P(ForkingServer, AChildIsCollectedByTheNextPassOfTheLoop) {
    // handle_request() does not collect; the loop's next pass does
    // (service_actions()), and leaves no zombie behind.
    auto server = this->make_watched();
    pid_t child = 0;
    ASSERT_NO_FATAL_FAILURE(this->serve_and_leave_a_zombie(*server, "collect me\n", child));

    server->service_actions();
    EXPECT_FALSE(is_child_of_this_process(child)) << "a zombie outlived a pass of the loop";
    errno = 0;
    EXPECT_EQ(::waitpid(child, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD) << "the child was not collected";
    ASSERT_TRUE(server->active_children.has_value());
    EXPECT_TRUE(server->active_children->empty()) << "a collected child is still recorded";
}

TYPED_TEST_P(ForkingServer, ServeForeverLeavesNoZombieBehindTwentyRequests) {
    auto server = this->make_watched();
    std::vector<pid_t> children;
    {
        ServerThread serving{*server, common::Seconds{0.1}};
        for (int i = 0; i < 20; ++i) {
            const Answer answer = this->ask(server->server_address, "request " + std::to_string(i) + "\n");
            ASSERT_EQ(answer.text, "REQUEST " + std::to_string(i) + "\n");
            children.push_back(answer.pid);
        }
        // Each child ends after its answer; within a poll interval or so
        // of that, a pass of the loop collects it.
        EXPECT_EQ(wait_until_all_collected(children), std::vector<pid_t>{})
            << "children never collected";
    }
}

TYPED_TEST_P(ForkingServer, WithMaxChildrenFourTheFifthRequestWaitsForAChildToEnd) {
    this->expect_at_most_children(4);
}

TYPED_TEST_P(ForkingServer, MaxChildrenOneServesOneRequestAtATime) {
    this->expect_at_most_children(1);
}

TYPED_TEST_P(ForkingServer, ServerCloseReturnsOnlyOnceTheRunningChildHasEnded) {
    auto server = this->make_watched({&this->gate, true});
    auto peer = this->client(server->server_address);
    pid_t child = 0;
    ASSERT_NO_FATAL_FAILURE(this->hold_in_flight(*server, *peer, child));

    BackgroundCall closing{[&] { server->server_close(); }, "server_close()"};
    EXPECT_FALSE(closing.finishes_within(not_before_released))
        << "server_close() did not wait for the child (block_on_close)";
    this->gate.release();
    ASSERT_TRUE(closing.finishes_within());
    EXPECT_FALSE(is_child_of_this_process(child))
        << "server_close() returned before it collected the child";
    EXPECT_EQ(parse_answer(peer->reply()).text, "IN FLIGHT\n");
}

TYPED_TEST_P(ForkingServer, WithoutBlockOnCloseServerCloseReturnsAndTheChildStillFinishes) {
    auto server = this->make_watched({&this->gate, true});
    server->block_on_close = false;
    auto peer = this->client(server->server_address);
    pid_t child = 0;
    ASSERT_NO_FATAL_FAILURE(this->hold_in_flight(*server, *peer, child));

    BackgroundCall closing{[&] { server->server_close(); }, "server_close()"};
    EXPECT_TRUE(closing.finishes_within()) << "server_close() waits with block_on_close false";
    EXPECT_TRUE(is_child_of_this_process(child) && !is_zombie_child(child))
        << "the child ended before it was let go";

    this->gate.release();
    EXPECT_EQ(parse_answer(peer->reply()).text, "IN FLIGHT\n");
    this->expect_ends_with(child, 0);
}

TYPED_TEST_P(ForkingServer, HandleTimeoutCollectsTheChildren) {
    // A server driven by handle_request() collects its children when the
    // wait for a request times out.
    auto server = this->make_watched();
    pid_t child = 0;
    ASSERT_NO_FATAL_FAILURE(this->serve_and_leave_a_zombie(*server, "served\n", child));

    server->timeout = common::Seconds{0.05};
    ASSERT_TRUE(serve_one(*server));  // no request: handle_timeout()
    EXPECT_FALSE(is_child_of_this_process(child)) << "handle_timeout() did not collect the child";
    ASSERT_TRUE(server->active_children.has_value());
    EXPECT_TRUE(server->active_children->empty());
}

TYPED_TEST_P(ForkingServer, AChildEndsWithStatusZeroAndNeverComesBackIntoTheLoop) {
    // A child that came back from process_request() would go on as a copy
    // of the server (and of this test): Watched stops it with status 77.
    // The child must end by itself, with status 0 after a served request;
    // the test collects it before the server can (handle_request() does
    // not collect).
    auto server = this->make_watched();
    CaptureStderr reports;
    auto peer = this->client(server->server_address);
    peer->request("once\n");
    ASSERT_TRUE(serve_one(*server));
    const pid_t child = this->only_child(*server);
    EXPECT_EQ(parse_answer(peer->reply()).pid, child);

    ASSERT_NO_FATAL_FAILURE(this->expect_ends_with(child, 0));
    EXPECT_EQ(reports.text(), "");

    // The parent serves the next request, in a new child.
    auto second = this->client(server->server_address);
    second->request("twice\n");
    ASSERT_TRUE(serve_one(*server));
    const Answer answer = parse_answer(second->reply());
    EXPECT_EQ(answer.text, "TWICE\n");
    EXPECT_NE(answer.pid, child);
}

TYPED_TEST_P(ForkingServer, AHandlersExceptionIsReportedByTheChildWhichExitsWithStatusOne) {
    // The child inherits this test's stderr, captured into a file.
    CaptureStderr reports;
    auto server = this->make_watched(handler_factory<Failing, TypeParam>());
    auto peer = this->client(server->server_address);
    peer->request("");
    ASSERT_TRUE(serve_one(*server));
    const pid_t child = this->only_child(*server);

    ASSERT_NO_FATAL_FAILURE(this->expect_ends_with(child, 1 << 8));
    const std::string text = reports.text();
    EXPECT_NE(text.find("Exception occurred during processing of request"), std::string::npos)
        << "handle_error() did not report; stderr: " << text;
    EXPECT_NE(text.find("std::runtime_error: the handler failed on purpose"), std::string::npos)
        << text;
    expect_closed_unanswered<TypeParam>(*peer, "the failed request's connection was not closed");
}

TYPED_TEST_P(ForkingServer, SystemExitEndsTheChildWithStatusOneQuietly) {
    using Handler = BaseRequestHandlerOf<TypeParam>;
    using SystemExit = SystemExitOf<TypeParam>;
    struct Exits : Handler {
        using Handler::Handler;
        void handle() override { throw SystemExit{3}; }
    };
    CaptureStderr reports;
    auto server = this->make_watched(
        [](RequestOf<TypeParam>& request, const common::Address& client,
           BaseServerOf<TypeParam>& server) -> std::unique_ptr<Handler> {
            return std::make_unique<Exits>(request, client, server);
        });
    auto peer = this->client(server->server_address);
    peer->request("");
    ASSERT_TRUE(serve_one(*server));
    const pid_t child = this->only_child(*server);

    ASSERT_NO_FATAL_FAILURE(this->expect_ends_with(child, 1 << 8));
    EXPECT_EQ(reports.text(), "") << "SystemExit was reported";
    expect_closed_unanswered<TypeParam>(*peer, "the request was not shut down");
}

TYPED_TEST_P(ForkingServer, TheParentsDescriptorsAreFlatAfterTwoHundredRequests) {
    // The parent closes its copy of each connection; a datagram request
    // has only the server's socket, which stays. A client may have its
    // answer before the parent has closed its copy; once the child is
    // collected, the loop is past that request: each count waits for it.
    auto server = this->make_watched();
    ServerThread serving{*server, common::Seconds{0.1}};
    const Answer first = this->ask(server->server_address, "first\n");
    ASSERT_EQ(first.text, "FIRST\n");
    ASSERT_TRUE(wait_until_collected(first.pid));
    const std::size_t before = open_fd_count();
    pid_t last = 0;
    for (int i = 0; i < 200; ++i) {
        const Answer answer = this->ask(server->server_address, "request " + std::to_string(i) + "\n");
        ASSERT_EQ(answer.text, "REQUEST " + std::to_string(i) + "\n");
        last = answer.pid;
    }
    ASSERT_TRUE(wait_until_collected(last));
    EXPECT_EQ(open_fd_count(), before);
}

TYPED_TEST_P(ForkingServer, TheParentStaysIdleWhileAChildRuns) {
    // With poll_interval 0.1 the loop makes about ten passes a second;
    // a loop woken for nothing makes hundreds of thousands. Only the spin
    // is judged, with room for any slowness.
    auto server = this->make_watched({&this->gate, true});
    ServerThread serving{*server, common::Seconds{0.1}};
    auto peer = this->client(server->server_address);
    peer->request("long\n");
    ASSERT_TRUE(this->gate.wait_for('A', 1));

    const long before = server->passes;
    EXPECT_TRUE(this->gate.quiet_for(common::Seconds{1.0}));
    const long passes = server->passes - before;
    EXPECT_LT(passes, 200) << "the serving loop spun while a child ran";

    this->gate.release();
    EXPECT_EQ(parse_answer(peer->reply()).text, "LONG\n");
}

TYPED_TEST_P(ForkingServer, TheParentStaysIdleAndServingAfterAChildCallsShutdown) {
    // The child's shutdown() is its own copy's: it must neither stop the
    // parent's loop nor leave it woken for ever (the wake-up descriptor is
    // inherited).
    auto server = this->make_watched({nullptr, false, true});
    ServerThread serving{*server, common::Seconds{0.1}};
    const Answer first = this->ask(server->server_address, "shut down\n");
    ASSERT_EQ(first.text, "SHUT DOWN\n");
    ASSERT_TRUE(wait_until_collected(first.pid)) << "the child that called shutdown() lingers";

    const long before = server->passes;
    EXPECT_TRUE(this->gate.quiet_for(common::Seconds{1.0}));
    const long passes = server->passes - before;
    EXPECT_LT(passes, 200) << "the serving loop spins since a child called shutdown()";

    const Answer next = this->ask(server->server_address, "still serving\n");
    EXPECT_EQ(next.text, "STILL SERVING\n") << "a child's shutdown() stopped the parent's loop";
}

REGISTER_TYPED_TEST_SUITE_P(ForkingServer,
                            TheDefaultsAreCPythons,
                            EachRequestIsServedByAProcessOfItsOwn,
                            ActiveChildrenIsEmptyUntilTheFirstForkThenHoldsTheChild,
                            AChildIsCollectedByTheNextPassOfTheLoop,
                            ServeForeverLeavesNoZombieBehindTwentyRequests,
                            WithMaxChildrenFourTheFifthRequestWaitsForAChildToEnd,
                            MaxChildrenOneServesOneRequestAtATime,
                            ServerCloseReturnsOnlyOnceTheRunningChildHasEnded,
                            WithoutBlockOnCloseServerCloseReturnsAndTheChildStillFinishes,
                            HandleTimeoutCollectsTheChildren,
                            AChildEndsWithStatusZeroAndNeverComesBackIntoTheLoop,
                            AHandlersExceptionIsReportedByTheChildWhichExitsWithStatusOne,
                            SystemExitEndsTheChildWithStatusOneQuietly,
                            TheParentsDescriptorsAreFlatAfterTwoHundredRequests,
                            TheParentStaysIdleWhileAChildRuns,
                            TheParentStaysIdleAndServingAfterAChildCallsShutdown);

// ---------------------------------------------------------------------------
// ForkingStreamServer: ForkingTCPServer and ForkingUnixStreamServer.

template <class Server>
class ForkingStreamServer : public ForkingTest<Server> {};
TYPED_TEST_SUITE_P(ForkingStreamServer);

TYPED_TEST_P(ForkingStreamServer, AChildDoesNotKeepTheListeningSocket) {
    // Closed by the parent while a child still serves: a child that kept
    // its copy would keep accepting connections into a queue nobody reads.
    auto server = this->make_watched({&this->gate, true});
    server->block_on_close = false;
    auto peer = this->client(server->server_address);
    pid_t child = 0;
    ASSERT_NO_FATAL_FAILURE(this->hold_in_flight(*server, *peer, child));

    server->server_close();
    EXPECT_EQ(connect_error(server->server_address), std::errc::connection_refused)
        << "the port still takes connections after server_close(): a child kept the socket";

    this->gate.release();
    EXPECT_EQ(parse_answer(peer->reply()).text, "IN FLIGHT\n");
    EXPECT_TRUE(exit_status_of(child).has_value());
}

TYPED_TEST_P(ForkingStreamServer, AClientThatSendsNothingDoesNotBlockAnother) {
    auto server = this->make_watched();
    ServerThread serving{*server, common::Seconds{0.1}};
    Client silent{server->server_address};

    EXPECT_EQ(this->ask(server->server_address, "not blocked\n").text, "NOT BLOCKED\n");
    silent.close_write();
    EXPECT_EQ(parse_answer(silent.recv_until_eof()).text, "");
}

REGISTER_TYPED_TEST_SUITE_P(ForkingStreamServer,
                            AChildDoesNotKeepTheListeningSocket,
                            AClientThatSendsNothingDoesNotBlockAnother);

// ---------------------------------------------------------------------------
// ForkingDatagramServer: ForkingUDPServer and ForkingUnixDatagramServer.

template <class Server>
class ForkingDatagramServer : public ForkingTest<Server> {};
TYPED_TEST_SUITE_P(ForkingDatagramServer);

TYPED_TEST_P(ForkingDatagramServer, TheReplyComesFromTheServersOwnSocket) {
    // The child answers through its copy of the server's socket, which it
    // keeps (a stream child closes it): the client sees the server's address.
    auto server = this->make_watched();
    ServerThread serving{*server, common::Seconds{0.1}};
    std::optional<std::filesystem::path> own_path;
    if constexpr (kind_of<TypeParam>.unix_domain) {
        own_path = this->directory / "from.sock";
    }
    DatagramClient client{server->server_address, own_path};

    client.send("where from");
    auto [reply, sender] = client.recv_from();

    const Answer answer = parse_answer(reply);
    EXPECT_EQ(answer.text, "WHERE FROM");
    EXPECT_NE(answer.pid, ::getpid());
    EXPECT_EQ(sender, server->server_address);
}

REGISTER_TYPED_TEST_SUITE_P(ForkingDatagramServer, TheReplyComesFromTheServersOwnSocket);

}  // namespace sockserv::test
