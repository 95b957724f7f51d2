/// \file
/// \brief Part 0's tests run programs: the plain echo server, and a shell
/// that inherits (or does not inherit) a server's descriptors.
///
/// Header-only, so that an exercise's test program (built from its test
/// file and the student's files alone) can include it too.
#pragma once

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/file_descriptor.hpp"
#include "common/poller.hpp"
#include "common/seconds.hpp"
#include "support/interrupt.hpp"

extern char** environ;

namespace sockserv::test {

/// \brief A program started with posix_spawn(), its stdin, stdout and
/// stderr connected to pipes that this object holds; every wait on it
/// has a time limit.
///
/// The destructor kills a child still running (SIGKILL) and reaps it, so
/// that a failing test leaves no process behind.
class ChildProcess {
public:
    /// \brief Starts \p argv[0] (a path) with the arguments that follow.
    ///
    /// When this returns, the child has already called execve(): glibc's
    /// posix_spawn() waits for it, so descriptors marked close-on-exec are
    /// already closed in the child.
    explicit ChildProcess(const std::vector<std::string>& argv) {
        int in[2];
        int out[2];
        int err[2];
        if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(out, O_CLOEXEC) < 0 ||
            ::pipe2(err, O_CLOEXEC) < 0) {
            common::throw_system_error("pipe2");
        }
        common::FileDescriptor child_in{in[0]};
        common::FileDescriptor child_out{out[1]};
        common::FileDescriptor child_err{err[1]};
        stdin_ = common::FileDescriptor{in[1]};
        stdout_ = common::FileDescriptor{out[0]};
        stderr_ = common::FileDescriptor{err[0]};

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        // dup2() gives the child plain copies: the close-on-exec mark stays behind.
        posix_spawn_file_actions_adddup2(&actions, child_in.get(), STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, child_out.get(), STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, child_err.get(), STDERR_FILENO);
        std::vector<char*> args;
        for (const std::string& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        int error = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (error != 0) {
            common::throw_system_error(error, "posix_spawn", argv[0]);
        }
        // The syscall itself: glibc 2.36's <sys/pidfd.h> forgets extern "C".
        pidfd_ = common::FileDescriptor{static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0))};
        if (!pidfd_.is_open()) {
            int saved = errno;
            kill_and_reap();
            common::throw_system_error(saved, "pidfd_open");
        }
    }

    ~ChildProcess() { kill_and_reap(); }

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// \brief The child's process id.
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    /// \brief Sends \p number to the child.
    void signal(int number) {
        if (::kill(pid_, number) < 0) {
            common::throw_system_error("kill");
        }
    }

    /// \brief Waits until the child is blocked in one of the system calls
    /// \p numbers (`SYS_recvfrom`…), at most \p timeout; false if it was not
    /// seen there in time (test::wait_until_in_syscall(), on the child).
    bool wait_until_in_syscall(const std::vector<long>& numbers, common::Seconds timeout) {
        return test::wait_until_in_syscall(pid_, numbers, timeout);
    }

    /// \brief Waits until the child has taken delivery of \p number (its
    /// handler has started), at most \p timeout; false if it is still pending.
    ///
    /// kill() only marks a signal pending; it is delivered when the child
    /// next runs. `/proc/PID/status` lists the pending ones in hexadecimal.
    bool wait_until_delivered(int number, common::Seconds timeout) {
        using Clock = std::chrono::steady_clock;
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
        const unsigned long long bit = 1ULL << (number - 1);
        while (Clock::now() < deadline) {
            std::ifstream file("/proc/" + std::to_string(pid_) + "/status");
            std::string line;
            unsigned long long pending = 0;
            while (std::getline(file, line)) {
                if (line.starts_with("SigPnd:") || line.starts_with("ShdPnd:")) {
                    pending |= std::stoull(line.substr(7), nullptr, 16);
                }
            }
            if ((pending & bit) == 0) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return false;
    }

    /// \brief Closes our end of the child's stdin: it reads end-of-file.
    void close_stdin() noexcept { stdin_.close(); }

    /// \brief The next line the child writes on stdout, without its `\n`;
    /// std::nullopt when stdout ends first or \p timeout passes.
    std::optional<std::string> stdout_line(common::Seconds timeout) {
        std::size_t end;
        while ((end = stdout_text_.find('\n')) == std::string::npos) {
            if (read_some(stdout_, stdout_text_, timeout) <= 0) {
                return std::nullopt;
            }
        }
        std::string line = stdout_text_.substr(0, end);
        stdout_text_.erase(0, end + 1);
        return line;
    }

    /// \brief Everything the child writes on stdout (after the lines already
    /// taken) until it closes it, or \p timeout passes.
    std::string stdout_rest(common::Seconds timeout) {
        while (read_some(stdout_, stdout_text_, timeout) > 0) {
        }
        return std::exchange(stdout_text_, {});
    }

    /// \brief Everything the child writes on stderr until it closes it, or
    /// \p timeout passes.
    std::string stderr_text(common::Seconds timeout) {
        std::string text;
        while (read_some(stderr_, text, timeout) > 0) {
        }
        return text;
    }

    /// \brief Waits at most \p timeout for the child to end.
    /// \return its exit status, 128 + N when signal N killed it, or
    ///         std::nullopt when it is still running
    std::optional<int> wait(common::Seconds timeout) {
        if (status_) {
            return status_;
        }
        if (!common::Poller{pidfd_.get()}.wait(timeout)) {
            return std::nullopt;
        }
        reap();
        return status_;
    }

private:
    // One read of what has arrived; 0 at end of file, -1 when the time ran out.
    static long read_some(const common::FileDescriptor& fd, std::string& into,
                          common::Seconds timeout) {
        if (!fd.is_open() || !common::Poller{fd.get()}.wait(timeout)) {
            return -1;
        }
        char chunk[4096];
        ssize_t got;
        do {
            got = ::read(fd.get(), chunk, sizeof chunk);
        } while (got < 0 && errno == EINTR);
        if (got > 0) {
            into.append(chunk, static_cast<std::size_t>(got));
        }
        return got;
    }

    void reap() {
        int raw = 0;
        pid_t done;
        do {
            done = ::waitpid(pid_, &raw, 0);
        } while (done < 0 && errno == EINTR);
        if (done == pid_) {
            status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
        }
    }

    void kill_and_reap() noexcept {
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            reap();
        }
    }

    pid_t pid_ = -1;
    common::FileDescriptor pidfd_;
    common::FileDescriptor stdin_;
    common::FileDescriptor stdout_;
    common::FileDescriptor stderr_;
    std::string stdout_text_;
    std::optional<int> status_;
};

}  // namespace sockserv::test
