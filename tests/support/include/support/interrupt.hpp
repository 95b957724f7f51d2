/// \file
/// \brief Interrupting a thread that is blocked in a system call, to test
/// that the call is retried after `EINTR`.
#pragma once

#include <vector>

#include <pthread.h>
#include <signal.h>
#include <sys/types.h>

#include "common/seconds.hpp"
#include "common/waker.hpp"
#include "support/client.hpp"

namespace sockserv::test {

/// \brief The calling thread's kernel id (what `/proc/self/task/` lists).
pid_t current_thread_id();

/// \brief Waits until thread \p tid of this process, or the (single-threaded)
/// process \p tid, is inside one of the system calls \p numbers
/// (`SYS_recvfrom`, `SYS_poll`…), at most \p timeout.
///
/// Nothing announces "this thread is now blocked in recv", so this reads
/// `/proc/TID/syscall` until it names the call, pausing a
/// millisecond between reads. It is the one wait in the tests that has to
/// look repeatedly, because there is nothing to be woken by.
/// \return false if the thread was not seen in the call in time.
bool wait_until_in_syscall(pid_t tid, const std::vector<long>& numbers,
                           common::Seconds timeout = default_timeout);

/// \brief The calls a thread waiting in poll(2) is seen in: glibc uses
/// `poll` or `ppoll`, depending on the architecture.
std::vector<long> poll_syscalls();

/// \brief While alive, SIGUSR1 runs a handler that only counts, installed
/// without `SA_RESTART`: a system call it interrupts fails with `EINTR`
/// instead of being restarted by the kernel. Only one may exist at a time.
class CountingSignalHandler {
public:
    CountingSignalHandler();
    ~CountingSignalHandler();
    CountingSignalHandler(const CountingSignalHandler&) = delete;
    CountingSignalHandler& operator=(const CountingSignalHandler&) = delete;

    /// \brief Sends SIGUSR1 to \p thread.
    void interrupt(pthread_t thread);
    /// \brief Waits (at most \p timeout) until the handler has run \p count
    /// times in all; false if it has not.
    bool wait_for_count(int count, common::Seconds timeout = default_timeout);
    /// \brief How many times the handler has run.
    [[nodiscard]] int count() const;

private:
    struct sigaction previous_;
    common::Waker delivered_;  // readable once the handler has run
};

}  // namespace sockserv::test
