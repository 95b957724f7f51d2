/// \file
/// \brief What chapter 6's exercise tests need to watch child processes,
/// besides what every test of forking code has (support/children.hpp:
/// waiting for a child, collecting it, its status in words): a log that
/// every process can write to, and guards that stop a forked copy of the
/// test program from running on as if it were the test.
///
/// A child made by fork() is a copy of the whole test program, GoogleTest
/// included. It must end with `_exit()`, never by returning into the test:
/// the copy would go on running the tests, or run the program's exit
/// handlers a second time. Everything here is written so that a child
/// that goes astray ends at once, with a status that says where it was.
#pragma once

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/file_descriptor.hpp"
#include "common/seconds.hpp"
#include "support/children.hpp"
#include "support/client.hpp"
#include "support/process.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test::children {

/// \brief The test program's own pid, taken before main() runs.
inline const pid_t test_pid = ::getpid();

/// \brief True in a process forked from the test program.
inline bool in_child() { return ::getpid() != test_pid; }

/// \brief How long a child of a test may live at most: a stuck child is
/// ended by SIGALRM rather than left behind when the test is over.
inline constexpr unsigned child_lifetime_seconds = 30;

/// \brief Exit statuses the tests give a child that went where it must
/// not: they name the mistake in the failure message.
inline constexpr int status_back_in_the_loop = 98;  ///< ran the serving loop again
inline constexpr int status_back_in_the_test = 99;  ///< came back out of serve_forever()

/// \brief A wait status in words, as test::describe_status() says it,
/// with what the exit statuses these tests give a stray child mean.
inline std::string describe_status(int status) {
    std::string text = test::describe_status(status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == status_back_in_the_loop) {
        text += " (the test's mark for a child that came back into the serving loop)";
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == status_back_in_the_test) {
        text += " (the test's mark for a child that came back out of serve_forever())";
    }
    return text;
}

/// \brief One line of the log: which process wrote it, and what.
struct Event {
    pid_t pid = 0;
    std::string what;
};

/// \brief A log that the test program and every child it forks write to:
/// a pipe, made before the fork, so that children inherit it.
///
/// write() is one `write(2)` of less than `PIPE_BUF` bytes: lines from
/// several processes never mix, and it takes no lock (a lock held by
/// another thread when a child was forked would stay held in the child).
/// Only the test program reads, on the test's own thread.
class EventPipe {
public:
    EventPipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            common::throw_system_error("pipe2", "the tests' event log");
        }
        read_ = common::FileDescriptor{fds[0]};
        write_ = common::FileDescriptor{fds[1]};
    }

    /// \brief Adds "<this process's pid> <what>" to the log.
    void write(std::string_view what) const noexcept {
        char line[512];
        int length = std::snprintf(line, sizeof line, "%d %.*s\n", static_cast<int>(::getpid()),
                                   static_cast<int>(std::min<std::size_t>(what.size(), 400)),
                                   what.data());
        if (length > 0) {
            [[maybe_unused]] ssize_t written = ::write(write_.get(), line, static_cast<std::size_t>(length));
        }
    }

    /// \brief Waits at most \p limit until \p done says the log is complete
    /// enough; returns the log either way.
    std::vector<Event> wait_for(const std::function<bool(const std::vector<Event>&)>& done,
                                common::Seconds limit = default_timeout) {
        auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit);
        while (true) {
            read_available();
            if (done(events_)) {
                break;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                break;
            }
            pollfd ready{read_.get(), POLLIN, 0};
            if (::poll(&ready, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) {
                break;
            }
        }
        return events_;
    }

    /// \brief Waits (at most \p limit) for an event that \p what begins
    /// with, from any process; returns it, or nothing.
    std::optional<Event> wait_for_event(std::string_view what,
                                        common::Seconds limit = default_timeout) {
        auto found = [&](const std::vector<Event>& events) -> std::optional<Event> {
            for (const Event& event : events) {
                if (event.what.starts_with(what)) {
                    return event;
                }
            }
            return std::nullopt;
        };
        return found(wait_for([&](const std::vector<Event>& events) {
            return found(events).has_value();
        }, limit));
    }

    /// \brief The log as it is now, without waiting.
    std::vector<Event> now() {
        return wait_for([](const std::vector<Event>&) { return true; }, common::Seconds{0});
    }

    /// \brief The whole log, one event a line, for a failure message.
    static std::string describe(const std::vector<Event>& events) {
        std::ostringstream out;
        out << "the log of the hooks (pid, event; the test program is pid " << test_pid << "):";
        if (events.empty()) {
            out << " empty";
        }
        for (const Event& event : events) {
            out << "\n    " << event.pid << " " << event.what;
        }
        return out.str();
    }

private:
    // Reads every line written so far, without waiting.
    void read_available() {
        pollfd ready{read_.get(), POLLIN, 0};
        while (::poll(&ready, 1, 0) > 0) {
            if (!read_some()) {
                return;
            }
        }
    }

    bool read_some() {
        char buffer[4096];
        ssize_t n = ::read(read_.get(), buffer, sizeof buffer);
        if (n <= 0) {
            return false;
        }
        partial_.append(buffer, static_cast<std::size_t>(n));
        for (auto end = partial_.find('\n'); end != std::string::npos; end = partial_.find('\n')) {
            std::string line = partial_.substr(0, end);
            partial_.erase(0, end + 1);
            auto space = line.find(' ');
            events_.push_back({static_cast<pid_t>(std::atoi(line.substr(0, space).c_str())),
                               space == std::string::npos ? "" : line.substr(space + 1)});
        }
        return true;
    }

    common::FileDescriptor read_;
    common::FileDescriptor write_;
    std::string partial_;
    std::vector<Event> events_;
};

/// \brief serve_forever() on a thread of its own (test::ServerThread),
/// with a guard for forked copies: a child that comes back out of
/// serve_forever() ends at once, with a mark in the log and status 99,
/// instead of running the rest of the test program.
template <class Server>
class ServingLoop {
public:
    ServingLoop(Server& server, const EventPipe& log,
                common::Seconds poll_interval = common::Seconds{0.5})
        : guarded_{server, log, {}} {
        serving_.emplace(guarded_, poll_interval);
    }
    ~ServingLoop() { stop(); }
    ServingLoop(const ServingLoop&) = delete;
    ServingLoop& operator=(const ServingLoop&) = delete;

    /// \brief shutdown(), and the loop's end, each within default_timeout;
    /// a loop that ended with an exception fails the test, naming it.
    void stop() {
        if (!serving_) {
            return;
        }
        serving_.reset();
        if (!guarded_.escaped.empty()) {
            ADD_FAILURE() << "serve_forever() stopped with an exception: " << guarded_.escaped
                          << " (SystemExit is one: it is no std::exception, and a synchronous "
                             "serving loop lets it through). The serving loop must go on, "
                             "whatever a request does.";
        }
    }

private:
    // What ServerThread serves: the server, and the guard around its loop.
    // The exception is kept for stop() to report in the exercise's words.
    struct Guarded {
        Server& server;
        const EventPipe& log;
        std::string escaped;

        void serve_forever(common::Seconds poll_interval) {
            try {
                server.serve_forever(poll_interval);
            } catch (...) {
                escaped = common::describe_current_exception();
                leave_if_child("came back out of serve_forever(): " + escaped);
                return;
            }
            leave_if_child("came back out of serve_forever()");
        }
        void shutdown() { server.shutdown(); }

        void leave_if_child(const std::string& what) const {
            if (in_child()) {
                log.write("back in the test: " + what);
                ::_exit(status_back_in_the_test);
            }
        }
    };

    Guarded guarded_;
    std::optional<ServerThread<Guarded>> serving_;
};

/// \brief In a forked child that has come back into the serving loop:
/// says so in the log and ends the child at once (status 98).
inline void leave_the_loop_if_child(const EventPipe& log, std::string_view hook) {
    if (in_child()) {
        log.write("back in the loop: " + std::string{hook} + "() ran in a child");
        ::_exit(status_back_in_the_loop);
    }
}

/// \brief How many times \p needle occurs in \p text.
inline std::size_t occurrences(std::string_view text, std::string_view needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string_view::npos;
         at = text.find(needle, at + needle.size())) {
        ++count;
    }
    return count;
}

}  // namespace sockserv::test::children
