// Tests of exercise 6.3: start_child(), ParentServer::leave_the_parent()
// and end_child() (exercises/ch06/what_a_child_keeps.cpp).
//
// Each test forks children of the test program and watches what they do
// through what the parent can see: their exit status, what ends up in a
// file, whether a port still takes connections, whether the parent's
// serving loop wakes up. Each of your three functions is tested on its
// own: where a test needs a fork or an ending that is not the one under
// test, it calls fork() or _exit() itself. Every child ends on SIGALRM
// after 30 s at the latest, and every wait has a time limit.
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ch06/socketserver.hpp"
#include "child_processes.hpp"
#include "common/error.hpp"
#include "support/client.hpp"
#include "support/probe.hpp"
#include "what_a_child_keeps.hpp"

namespace {

using namespace sockserv;
using ch06::exercises::end_child;
using ch06::exercises::ParentServer;
using ch06::exercises::start_child;
using test::children::describe_status;
using test::children::EventPipe;
using test::children::in_child;

// --- The parent's exit handler: what a child must not run -------------------

// A file the test program removes when it exits, as a program removes its
// temporary files. A fixed-size array, not a std::string: an atexit handler
// may run after static objects are destroyed.
char parents_file[PATH_MAX] = "";

void remove_parents_file() {
    if (parents_file[0] != '\0') {
        std::remove(parents_file);
    }
}

// Registers the handler once, for the whole test program.
void register_exit_handler() {
    static const bool registered = (std::atexit(remove_parents_file) == 0);
    ASSERT_TRUE(registered) << "atexit() failed";
}

// Forks with fork() itself (start_child() is tested on its own); the child
// runs \p body, which must end the process, and ends with status 97 if it
// does not.
template <class Body>
pid_t fork_running(Body body) {
    const pid_t pid = ::fork();
    if (pid < 0) {
        common::throw_system_error("fork");
    }
    if (pid == 0) {
        ::alarm(test::children::child_lifetime_seconds);
        body();
        ::_exit(97);
    }
    return pid;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

TEST(EndChild, GivesItsStatusToTheParent) {
    const pid_t child = fork_running([] { end_child(7); });
    auto status = test::end_and_collect(child);
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 7)
        << "a child that called end_child(7) should exit with status 7; it "
        << describe_status(*status);
}

TEST(EndChild, RunsNoneOfTheParentsExitHandlers) {
    register_exit_handler();
    test::TempDir dir;
    const std::filesystem::path file = dir / "parents-file";
    std::ofstream{file} << "the parent still needs this";
    std::snprintf(parents_file, sizeof parents_file, "%s", file.c_str());
    const pid_t child = fork_running([] { end_child(0); });
    auto status = test::end_and_collect(child);
    parents_file[0] = '\0';
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(std::filesystem::exists(file))
        << "the test program has an atexit() handler that removes its temporary file when it "
           "exits. A child called end_child(0), and the parent's file is gone: the child ran "
           "the parent's exit handler. exit() runs every atexit() handler and static "
           "destructor of the program, in the child too; _exit() ends the process with none.";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "the child " << describe_status(*status);
}

TEST(EndChild, WritesTheChildsOwnOutputFirst) {
    test::TempDir dir;
    const std::filesystem::path file = dir / "childs-file";
    std::string captured;
    std::optional<int> status;
    {
        test::CaptureStdout capture;
        const pid_t child = fork_running([&file] {
            std::printf("written by the child");  // no newline: it stays in the buffer
            if (std::FILE* own = std::fopen(file.c_str(), "w")) {
                std::fputs("the child's own file", own);  // not closed: buffered too
            }
            end_child(0);
        });
        status = test::end_and_collect(child);
        captured = capture.text();
    }
    // Checked once stdout is back: a failure's message goes there.
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "the child " << describe_status(*status);
    EXPECT_TRUE(captured.find("written by the child") != std::string::npos)
        << "the child printf()ed \"written by the child\" (no newline, so it sat in stdout's "
           "buffer) and called end_child(0); the text never reached stdout. _exit() drops what "
           "the buffers hold: write them out first.";
    EXPECT_EQ(read_file(file), "the child's own file")
        << "the child wrote to a file it had opened with fopen() and not closed, then called "
           "end_child(0); the file should hold what it wrote. Every stdio stream has a "
           "buffer, not only stdout: std::fflush(nullptr) writes out all of them.";
}

TEST(StartChild, LeavesTheChildNothingOfTheParentsToWriteAgain) {
    test::TempDir dir;
    std::string captured;
    pid_t child = -1;
    std::optional<int> status;
    test::children::EventPipe log;
    {
        test::CaptureStdout capture;
        std::printf("the parent's words ");  // no newline: still in the buffer
        child = start_child();
        if (child == 0) {
            log.write("child");
            std::fflush(nullptr);  // the child writes out whatever it holds
            ::_exit(0);
        }
        if (child > 0) {
            status = test::end_and_collect(child);
        }
        captured = capture.text();
    }
    // Checked once stdout is back: a failure's message goes there.
    ASSERT_GT(child, 0) << "start_child() returned " << child << " in the parent";
    ASSERT_TRUE(status.has_value());
    auto reported = log.wait_for_event("child");
    ASSERT_TRUE(reported.has_value()) << "the child never ran";
    EXPECT_EQ(reported->pid, child)
        << "start_child() should return the child's pid in the parent";
    EXPECT_EQ(test::children::occurrences(captured, "the parent's words"), 1u)
        << "the parent printf()ed \"the parent's words\" (no newline, so it was still in "
           "stdout's buffer), then called start_child(); the child wrote out its buffers and "
           "exited. stdout now holds: \""
        << captured
        << "\". The child's memory is a copy of the parent's, buffers included: flush every "
           "output stream before fork(), or what the parent has not yet written is written "
           "twice.";
}

// --- leave_the_parent(): a handler that forks ------------------------------

// The server under test: a plain TCPServer (one request at a time) whose
// handler forks on some lines. It counts the passes of its serving loop.
class Forking : public ParentServer {
public:
    Forking();
    void service_actions() override {
        test::children::leave_the_loop_if_child(log, "service_actions");
        std::lock_guard lock{mutex_};
        ++passes_;
        changed_.notify_all();
    }
    // The shutdown_request() of a synchronous server would shut the
    // connection down, for a child that still uses it too: only close.
    void shutdown_request(ch06::Request& request) override { close_request(request); }

    // Waits (with the tests' limit) for at least \p count passes; returns the count.
    int passes_after(int count, common::Seconds limit = test::default_timeout) {
        std::unique_lock lock{mutex_};
        changed_.wait_for(lock, limit, [&] { return passes_ >= count; });
        return passes_;
    }

    // Lets the children go on: each waits for one byte.
    void let_children_go(int count) {
        for (int i = 0; i < count; ++i) {
            char byte = 1;
            [[maybe_unused]] ssize_t n = ::write(go_write_.get(), &byte, 1);
        }
    }
    // In a child: waits for the test's go.
    void wait_for_go() {
        char byte = 0;
        ssize_t n = 0;
        do {
            n = ::read(go_read_.get(), &byte, 1);
        } while (n < 0 && errno == EINTR);
    }

    EventPipe log;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int passes_ = 0;
    common::FileDescriptor go_read_;   // kept open in the parent too: no SIGPIPE
    common::FileDescriptor go_write_;
};

// "keep": forks; the child calls leave_the_parent(), says "left", waits for go.
// "shutdown": the same, then after go calls shutdown() on its copy of the
// server and says "shutdown returned".
// Else: echoes the line, in the server's own process.
class ForkingHandler : public ch06::StreamRequestHandler {
public:
    using StreamRequestHandler::StreamRequestHandler;
    void handle() override {
        auto& forking = dynamic_cast<Forking&>(server);
        std::string line = rfile.readline();
        if (line != "keep\n" && line != "shutdown\n") {
            wfile.write(line);
            return;
        }
        const pid_t pid = ::fork();
        if (pid != 0) {
            forking.log.write("forked " + std::to_string(pid));
            return;
        }
        ::alarm(test::children::child_lifetime_seconds);
        try {
            forking.leave_the_parent();
            forking.log.write("left");
            forking.wait_for_go();
            if (line == "shutdown\n") {
                forking.shutdown();
                forking.log.write("shutdown returned");
            }
        } catch (...) {
            forking.log.write("threw " + common::describe_current_exception());
            ::_exit(1);
        }
        ::_exit(0);
    }
};

Forking::Forking()
    : ParentServer{common::Address::inet("127.0.0.1", 0), ch06::handler<ForkingHandler>()} {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        common::throw_system_error("pipe2");
    }
    go_read_ = common::FileDescriptor{fds[0]};
    go_write_ = common::FileDescriptor{fds[1]};
}

// Asks the server for a child that runs \p line's script; returns its pid
// once it has called leave_the_parent(), or nothing.
std::optional<pid_t> child_that_left(Forking& server, const std::string& line) {
    test::Client client{server.server_address};
    client.send(line);
    auto left = server.log.wait_for_event("left");
    if (!left) {
        ADD_FAILURE() << "the child never got past leave_the_parent().\n"
                      << EventPipe::describe(server.log.now());
        return std::nullopt;
    }
    return left->pid;
}

TEST(LeaveTheParent, ClosesTheListeningSocketInTheChild) {
    Forking server;
    std::optional<pid_t> child;
    {
        test::children::ServingLoop serving{server, server.log};
        child = child_that_left(server, "keep\n");
        ASSERT_TRUE(child.has_value());
    }
    const common::Address address = server.server_address;
    server.server_close();  // the parent closes its listening socket
    std::error_code connecting = test::connect_error(address);
    EXPECT_TRUE(connecting == std::errc::connection_refused)
        << "the parent has closed its listening socket, and a child is still running: a new "
           "client should be refused, but connect() gave \""
        << (connecting ? connecting.message() : std::string{"success"})
        << "\". The child still holds a copy of the listening socket, which keeps the port "
           "open: the client is queued there, and waits for an answer that will never come. "
           "leave_the_parent() should close the child's copy (the member `socket`).";
    server.let_children_go(1);
    auto status = test::end_and_collect(*child);
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "the child " << describe_status(*status) << "\n"
        << EventPipe::describe(server.log.now());
}

TEST(LeaveTheParent, AChildsShutdownDoesNotWakeTheParentsLoop) {
    Forking server;
    std::optional<pid_t> child;
    {
        // A long poll interval: the parent's loop runs a pass only when
        // woken, by a client or by a shutdown().
        test::children::ServingLoop serving{server, server.log, common::Seconds{60.0}};
        child = child_that_left(server, "shutdown\n");
        ASSERT_TRUE(child.has_value());
        // The parent's own pass after the request.
        const int before = server.passes_after(1);
        ASSERT_GE(before, 1) << "the parent's loop never finished the request";
        server.let_children_go(1);
        auto returned = server.log.wait_for_event("shutdown returned");
        ASSERT_TRUE(returned.has_value())
            << "the child's shutdown() did not return.\n"
            << EventPipe::describe(server.log.now());
        const int after = server.passes_after(before + 1, common::Seconds{1.0});
        EXPECT_EQ(after, before)
            << "a child called shutdown() on its copy of the server, and the parent's serving "
               "loop woke up: service_actions() ran again, with no client and a poll interval of "
               "60 s. The child still shares the parent's shutdown() wake-up (an eventfd): "
               "leave_the_parent() should give the child one of its own with "
               "forget_parent_loop().";
        test::Client client{server.server_address};
        client.send("still serving?\n");
        EXPECT_EQ(client.recv_line(), "still serving?\n")
            << "the parent should go on serving, whatever its child did";
    }
    auto status = test::end_and_collect(*child);
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "the child " << describe_status(*status) << "\n"
        << EventPipe::describe(server.log.now());
}

}  // namespace
