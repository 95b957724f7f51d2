// Tests of exercise 6.1: ForkPerRequestServer's process_request() and
// serve_in_child() (exercises/ch06/fork_per_request.cpp).
//
// A real server on loopback, serve_forever() on a thread of the test
// program, and test clients. Each hook of the server under test writes a
// line to a log that every process shares (a pipe, child_processes.hpp),
// with its pid: the test tells "served in the server's process" from
// "served in a child" by that pid. A child that comes back into the
// serving loop is stopped there by the test (status 98), and every child
// ends on SIGALRM after 30 s at the latest: no copy of the test program
// outlives its test.
//
// The clients live in the server's process here, so every child forked
// after a client connected holds a copy of that client's socket too:
// closing the client's descriptor then ends nothing. Each client says it
// is done with shutdown(SHUT_WR) instead (Caller), which ends the
// conversation however many copies there are.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "ch06/socketserver.hpp"
#include "child_processes.hpp"
#include "common/error.hpp"
#include "fork_per_request.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"

namespace {

using namespace sockserv;
using ch06::exercises::ForkPerRequestServer;
using test::printable;
using test::children::EventPipe;
using test::children::Event;
using test::children::describe_status;
using test::children::in_child;
using test::children::test_pid;

// What a handler does with each line its client sends:
//   "pid"        answers the pid of the process serving it
//   "fail"       throws std::runtime_error("failed on purpose")
//   "fail twice" throws, and makes handle_error() throw too
//   "exit"       throws ch06::SystemExit
//   else         echoes the line
// until the client closes.
class Scripted : public ch06::StreamRequestHandler {
public:
    using StreamRequestHandler::StreamRequestHandler;
    void setup() override {
        if (in_child()) {
            ::alarm(test::children::child_lifetime_seconds);  // a stuck child ends anyway
        }
        timeout = test::default_timeout;  // a silent client cannot hold a child for ever
        StreamRequestHandler::setup();
    }
    void handle() override;
};

// The server under test, writing every hook call to the log.
class Recorded : public ForkPerRequestServer {
public:
    Recorded()
        : ForkPerRequestServer{common::Address::inet("127.0.0.1", 0), ch06::handler<Scripted>()} {}

    void process_request(ch06::Request& request, const common::Address& client_address) override {
        log.write("process_request");
        ForkPerRequestServer::process_request(request, client_address);
        log.write("process_request returned");
    }
    void close_request(ch06::Request& request) override {
        log.write("close_request");
        ForkPerRequestServer::close_request(request);
    }
    void shutdown_request(ch06::Request& request) override {
        log.write("shutdown_request");
        ForkPerRequestServer::shutdown_request(request);
    }
    void handle_error(ch06::Request&, const common::Address&) override {
        log.write("handle_error(" + common::describe_current_exception() + ")");
        if (handle_error_throws) {
            throw std::runtime_error("handle_error failed too");
        }
    }
    // Hooks of the serving loop: a child that runs them has come back into it.
    std::pair<ch06::Request, common::Address> get_request() override {
        test::children::leave_the_loop_if_child(log, "get_request");
        return ForkPerRequestServer::get_request();
    }
    void service_actions() override {
        test::children::leave_the_loop_if_child(log, "service_actions");
        ForkPerRequestServer::service_actions();
    }

    EventPipe log;
    bool handle_error_throws = false;  // set by a handler, in its own process
};

void Scripted::handle() {
    auto& recorded = dynamic_cast<Recorded&>(server);
    for (std::string line = rfile.readline(); !line.empty(); line = rfile.readline()) {
        if (line == "pid\n") {
            wfile.write(std::to_string(::getpid()) + "\n");
        } else if (line == "fail\n") {
            throw std::runtime_error("failed on purpose");
        } else if (line == "fail twice\n") {
            recorded.handle_error_throws = true;
            throw std::runtime_error("failed on purpose");
        } else if (line == "exit\n") {
            throw ch06::SystemExit{3};
        } else {
            wfile.write(line);
        }
    }
}

// A test client that, when it goes, ends its side of the conversation.
struct Caller : test::Client {
    using Client::Client;
    ~Caller() {
        try {
            close_write();
        } catch (...) {
            // Already ended by the server: nothing to say.
        }
    }
    Caller(const Caller&) = delete;
    Caller& operator=(const Caller&) = delete;
};

// The events of process \p pid, in order.
std::vector<std::string> of(const std::vector<Event>& events, pid_t pid) {
    std::vector<std::string> mine;
    for (const Event& event : events) {
        if (event.pid == pid) {
            mine.push_back(event.what);
        }
    }
    return mine;
}

// The pid that served \p client, asked with "pid\n"; 0 (and a failure
// saying so) if no answer came.
pid_t served_by(Caller& client) {
    try {
        client.send("pid\n");
        return static_cast<pid_t>(std::stol(client.recv_line()));
    } catch (const std::exception& error) {
        ADD_FAILURE() << "a client asked which process serves it, and got no answer: "
                      << error.what();
        return 0;
    }
}

const char* const fork_it =
    "process_request() should fork: the child serves the request, the parent records the "
    "child's pid and goes straight back to the serving loop.";

// Stops the loop, closes the server (which waits for the recorded children),
// and fails the test for any child that came back into the loop or out of
// serve_forever(). Returns the log.
std::vector<Event> finish(Recorded& server, test::children::ServingLoop<Recorded>& serving) {
    serving.stop();
    server.server_close();
    std::vector<Event> events = server.log.now();
    for (const Event& event : events) {
        EXPECT_FALSE(event.what.starts_with("back in the"))
            << "child " << event.pid << ": " << event.what
            << ". serve_in_child() must end the child with exit_child(), whatever happened: "
               "a child that returns is a second copy of the server, serving the parent's "
               "clients.\n"
            << EventPipe::describe(events);
    }
    return events;
}

// The wait status of \p pid as the server collected it; fails the test if
// the server never did, and collects it then, so that no zombie is left.
std::optional<int> status_of(Recorded& server, pid_t pid) {
    auto found = server.exit_statuses.find(pid);
    if (found != server.exit_statuses.end()) {
        return found->second;
    }
    std::optional<int> status = test::end_and_collect(pid);
    ADD_FAILURE() << "child " << pid << " was never collected by the server"
                  << (status ? " (it " + describe_status(*status) + ")" : std::string{})
                  << ": the parent must add every child's pid to `children`, which "
                     "service_actions() and server_close() wait for; else it stays a zombie.";
    return status;
}

TEST(ForkPerRequest, EachRequestIsServedByAProcessOfItsOwn) {
    Recorded server;
    test::children::ServingLoop serving{server, server.log};
    std::set<pid_t> pids;
    {
        Caller first{server.server_address};
        Caller second{server.server_address, common::Seconds{5.0}};
        pid_t one = served_by(first);
        EXPECT_NE(one, test_pid)
            << "the request was served by the server's own process (pid " << test_pid
            << "), not by a child. " << fork_it;
        pid_t two = served_by(second);
        EXPECT_NE(two, 0) << "that was a second client, while the first was still connected. "
                          << fork_it;
        EXPECT_NE(one, two) << "two clients connected at the same time were served by the same "
                               "process "
                            << one << ": each request needs a child of its own";
        pids = {one, two};
    }
    finish(server, serving);
    for (pid_t pid : pids) {
        if (pid != 0 && pid != test_pid) {
            auto status = status_of(server, pid);
            if (status) {
                EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
                    << "child " << pid << " served its client, who then closed; it should exit "
                    << "with status 0 (exit_child(0)), but it " << describe_status(*status);
            }
        }
    }
}

TEST(ForkPerRequest, ASilentClientDoesNotHoldUpAnother) {
    Recorded server;
    test::children::ServingLoop serving{server, server.log};
    Caller silent{server.server_address};
    silent.send("first\n");
    ASSERT_EQ(silent.recv_line(), "first\n") << "the server should answer its first client";
    Caller other{server.server_address, common::Seconds{5.0}};
    try {
        other.send("hello\n");
        EXPECT_EQ(other.recv_line(), "hello\n");
    } catch (const std::exception& error) {
        ADD_FAILURE() << "a first client, still connected, sends nothing, and a second client "
                         "got no answer: "
                      << error.what() << ". " << fork_it;
    }
    silent.send("again\n");
    EXPECT_EQ(silent.recv_line(), "again\n") << "the first client should still be served";
}

TEST(ForkPerRequest, TheParentClosesItsCopyWithoutCuttingTheConversation) {
    Recorded server;
    test::children::ServingLoop serving{server, server.log};
    pid_t child = 0;
    {
        Caller client{server.server_address};
        client.send("hello\n");
        ASSERT_EQ(client.recv_line(), "hello\n");
        auto returned = server.log.wait_for_event("process_request returned", common::Seconds{5.0});
        ASSERT_TRUE(returned.has_value())
            << "process_request() had not returned 5 s after the client's first answer, while "
               "the client stays connected: "
            << fork_it << "\n" << EventPipe::describe(server.log.now());
        // The parent is done with the request; the child must still talk.
        try {
            client.send("still there?\n");
            EXPECT_EQ(client.recv_line(), "still there?\n");
        } catch (const std::exception& error) {
            ADD_FAILURE() << "after process_request() returned in the parent, the client's "
                             "connection no longer works: "
                          << error.what()
                          << ". The parent should let go of its copy with close_request(): "
                             "shutdown_request() shuts the connection itself down, for the "
                             "child too.";
        }
        child = served_by(client);
    }
    auto events = finish(server, serving);
    auto parent = of(events, test_pid);
    EXPECT_EQ(parent, (std::vector<std::string>{"process_request", "close_request",
                                                "process_request returned"}))
        << "in the parent, process_request() should only close its copy of the connection "
           "(close_request(), once), and leave shutdown_request() to the child.\n"
        << EventPipe::describe(events);
    if (child != test_pid && child != 0) {
        EXPECT_EQ(of(events, child), (std::vector<std::string>{"shutdown_request", "close_request"}))
            << "the child (pid " << child << ") should call shutdown_request() once its "
            << "handler has returned (which calls close_request()), and nothing else.\n"
            << EventPipe::describe(events);
    }
}

TEST(ForkPerRequest, AnErrorGoesToHandleErrorInTheChildWhichExitsWithStatusOne) {
    Recorded server;
    test::children::ServingLoop serving{server, server.log};
    pid_t child = 0;
    {
        Caller client{server.server_address};
        child = served_by(client);
        client.send("fail\n");
        EXPECT_EQ(client.recv_until_eof(), "")
            << "the handler threw: the client should see the connection end, with nothing more";
    }
    {
        Caller next{server.server_address};
        next.send("still serving?\n");
        EXPECT_EQ(next.recv_line(), "still serving?\n") << "after an error, the server goes on";
    }
    auto events = finish(server, serving);
    if (child == test_pid || child == 0) {
        ADD_FAILURE() << "the request was not served by a child. " << fork_it;
        return;
    }
    EXPECT_EQ(of(events, child),
              (std::vector<std::string>{"handle_error(std::runtime_error: failed on purpose)",
                                        "shutdown_request", "close_request"}))
        << "in the child (pid " << child << "), an exception from finish_request() goes to "
        << "handle_error(), called in the catch block where it sees the exception; then "
        << "shutdown_request().\n"
        << EventPipe::describe(events);
    auto status = status_of(server, child);
    if (status) {
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1)
            << "a child whose request failed should exit with status 1 (exit_child(1)), "
            << "but it " << describe_status(*status);
    }
}

TEST(ForkPerRequest, WhateverIsThrownTheChildEndsItself) {
    Recorded server;
    test::children::ServingLoop serving{server, server.log};
    std::vector<pid_t> pids;
    for (const char* line : {"exit\n", "fail twice\n"}) {
        Caller client{server.server_address, common::Seconds{5.0}};
        pids.push_back(served_by(client));
        try {
            client.send(line);
            EXPECT_EQ(client.recv_until_eof(), "")
                << "after " << printable(line) << " the connection should end, with nothing more";
        } catch (const std::exception& error) {
            ADD_FAILURE() << "a client sent " << printable(line) << ", and: " << error.what();
        }
    }
    try {
        Caller next{server.server_address, common::Seconds{5.0}};
        next.send("and now?\n");
        EXPECT_EQ(next.recv_line(), "and now?\n");
    } catch (const std::exception& error) {
        ADD_FAILURE() << "after a handler threw SystemExit, and another made handle_error() "
                         "throw, the server no longer answers: "
                      << error.what()
                      << ". What happens in a child must end in the child: it catches "
                         "everything and exits.";
    }
    auto events = finish(server, serving);
    const char* const what[] = {"SystemExit (not a std::exception, so no handle_error())",
                                "an exception from handle_error() itself"};
    for (std::size_t i = 0; i < pids.size(); ++i) {
        if (pids[i] == test_pid || pids[i] == 0) {
            ADD_FAILURE() << "the request was not served by a child. " << fork_it;
            continue;
        }
        auto mine = of(events, pids[i]);
        EXPECT_TRUE(std::find(mine.begin(), mine.end(), "shutdown_request") != mine.end())
            << "after " << what[i] << ", the child (pid " << pids[i]
            << ") should still call shutdown_request().\n"
            << EventPipe::describe(events);
        auto status = status_of(server, pids[i]);
        if (status) {
            EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1)
                << "after " << what[i] << ", the child should exit with status 1, but it "
                << describe_status(*status);
        }
    }
}

TEST(ForkPerRequest, EveryChildIsRecordedAndCollected) {
    Recorded server;
    test::children::ServingLoop serving{server, server.log};
    std::vector<pid_t> pids;
    for (int i = 0; i < 3; ++i) {
        Caller client{server.server_address};
        pids.push_back(served_by(client));
    }
    finish(server, serving);
    EXPECT_TRUE(server.children.empty())
        << "server_close() has waited for every recorded child, yet children still holds "
        << server.children.size() << " pid(s)";
    for (pid_t pid : pids) {
        if (pid == test_pid || pid == 0) {
            ADD_FAILURE() << "the request was not served by a child. " << fork_it;
            continue;
        }
        auto status = status_of(server, pid);
        if (status) {
            EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
                << "child " << pid << " served a client that then closed: it should exit with "
                << "status 0, but it " << describe_status(*status);
        }
    }
}

}  // namespace
