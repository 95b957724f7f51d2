/// \file
/// \brief What a test can see of the processes its own process made:
/// whether one is still a child (running, or a zombie waiting to be
/// collected), waiting for one to end without collecting it, and its exit
/// status. Header only; Linux's /proc and pidfd_open(2).
///
/// A test of a Forking server must look at its children without taking
/// the server's work away: waitpid() would collect a zombie the server is
/// meant to collect, and the test would then pass for a server that
/// collects nothing. So "is it still there" reads /proc, and "has it
/// ended" waits on a pidfd, neither of which collects.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_descriptor.hpp"
#include "common/seconds.hpp"
#include "support/client.hpp"  // default_timeout

namespace sockserv::test {

/// \brief What /proc/PID/stat says of a process: its state letter (`R`,
/// `S`, `Z` for a zombie…) and its parent's pid; empty once the process
/// is gone (collected, for a child of ours).
struct ProcessStat {
    char state = '?';
    pid_t parent = 0;
};

/// \brief /proc/\p pid/stat's state and parent, or nothing if no such process.
inline std::optional<ProcessStat> process_stat(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!file || !std::getline(file, line)) {
        return std::nullopt;
    }
    // "PID (COMMAND) STATE PPID ...": COMMAND may hold spaces and ')'.
    const auto end_of_command = line.rfind(')');
    if (end_of_command == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream rest(line.substr(end_of_command + 1));
    ProcessStat stat;
    if (!(rest >> stat.state >> stat.parent)) {
        return std::nullopt;
    }
    return stat;
}

/// \brief True while \p pid is a child of this process that nobody has
/// collected yet: running, or a zombie.
inline bool is_child_of_this_process(pid_t pid) {
    const auto stat = process_stat(pid);
    return stat && stat->parent == ::getpid();
}

/// \brief True if \p pid is a child of this process that has ended and
/// waits to be collected.
inline bool is_zombie_child(pid_t pid) {
    const auto stat = process_stat(pid);
    return stat && stat->parent == ::getpid() && stat->state == 'Z';
}

/// \brief Every process whose parent is this one, zombies included.
inline std::vector<pid_t> children_of_this_process() {
    std::vector<pid_t> children;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const pid_t pid = static_cast<pid_t>(std::stol(name));
        if (is_child_of_this_process(pid)) {
            children.push_back(pid);
        }
    }
    return children;
}

/// \brief Waits at most \p limit for process \p pid to end, without
/// collecting it (a pidfd becomes readable when its process ends).
/// \return true once it has ended (or is gone already)
inline bool wait_until_ended(pid_t pid, common::Seconds limit = default_timeout) {
    common::FileDescriptor pidfd{static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))};
    if (!pidfd.is_open()) {
        return errno == ESRCH;  // no such process: ended and collected
    }
    pollfd entry{pidfd.get(), POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const int ready = ::poll(&entry, 1, static_cast<int>(std::max<long>(left.count(), 0)));
        if (ready > 0) {
            return true;
        }
        if (ready == 0 || errno != EINTR) {
            return false;
        }
    }
}

/// \brief Waits at most \p limit for child \p pid to end, and collects it.
/// \return its status as waitpid(2) gives it (WIFEXITED, WEXITSTATUS…);
///         nothing if it did not end in time or was not there to collect
inline std::optional<int> exit_status_of(pid_t pid, common::Seconds limit = default_timeout) {
    if (!wait_until_ended(pid, limit)) {
        return std::nullopt;
    }
    int status = 0;
    pid_t collected = -1;
    do {
        collected = ::waitpid(pid, &status, 0);
    } while (collected < 0 && errno == EINTR);
    if (collected != pid) {
        return std::nullopt;
    }
    return status;
}

/// \brief Collects child \p pid, ending it first (SIGKILL) if it is still
/// running after \p limit: what a test does last with a child of its own,
/// so that none outlives it, whatever the code under test did.
/// \return its wait status; nothing if it was no child of this process
///         (or was collected already)
inline std::optional<int> end_and_collect(pid_t pid, common::Seconds limit = default_timeout) {
    if (!is_child_of_this_process(pid)) {
        return std::nullopt;
    }
    if (!wait_until_ended(pid, limit)) {
        ::kill(pid, SIGKILL);  // not collected yet, so this pid is still that child
    }
    return exit_status_of(pid);
}

/// \brief Waits (at most default_timeout) until \p pid is no longer a
/// child of this process: collected by whoever should collect it. Nothing
/// announces that moment to a third party, so this looks every millisecond.
inline bool wait_until_collected(pid_t pid, common::Seconds limit = default_timeout) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (is_child_of_this_process(pid)) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

/// \brief Waits (at most \p limit in all) until none of \p pids is a
/// child of this process any more.
/// \return those still there when the time ran out (none: all collected)
inline std::vector<pid_t> wait_until_all_collected(const std::vector<pid_t>& pids,
                                                   common::Seconds limit = default_timeout) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::vector<pid_t> left = pids;
    while (true) {
        std::erase_if(left, [](pid_t pid) { return !is_child_of_this_process(pid); });
        if (left.empty() || std::chrono::steady_clock::now() > deadline) {
            return left;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

/// \brief Ends and collects every child of this process still there: the
/// last step of a test of forking code, so that a broken server's children
/// never outlive the test that made them.
/// \return how many there were
inline std::size_t end_children_of_this_process() {
    const auto children = children_of_this_process();
    for (pid_t pid : children) {
        ::kill(pid, SIGKILL);
    }
    for (pid_t pid : children) {
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    return children.size();
}

/// \brief "exited with status 1", "was killed by signal 9 (Killed)": a
/// waitpid() status as a test's message says it, with the usual cause of
/// a SIGABRT, which a reader would otherwise have to guess.
inline std::string describe_status(int status) {
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        std::string text = "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                           ::strsignal(WTERMSIG(status)) + ")";
        if (WTERMSIG(status) == SIGABRT) {
            text += ": an exception left a noexcept function, or something called abort()";
        }
        return text;
    }
    return "ended with wait status " + std::to_string(status);
}

}  // namespace sockserv::test
