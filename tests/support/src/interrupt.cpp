#include "support/interrupt.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/poller.hpp"

namespace sockserv::test {

namespace {

// A signal handler may only touch lock-free atomics and make
// async-signal-safe calls: it counts, and wakes wait_for_count() through
// the eventfd (Waker::notify() is only a write(2)).
std::atomic<int> deliveries{0};
static_assert(std::atomic<int>::is_always_lock_free);
std::atomic<common::Waker*> delivered{nullptr};

void count_delivery(int) {
    deliveries.fetch_add(1);
    delivered.load()->notify();
}

using Clock = std::chrono::steady_clock;

Clock::time_point deadline_after(common::Seconds timeout) {
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
}

}  // namespace

pid_t current_thread_id() {
    return ::gettid();
}

bool wait_until_in_syscall(pid_t tid, const std::vector<long>& numbers,
                           common::Seconds timeout) {
    // /proc/ID works for a process id and, unlisted, for a thread id too.
    const std::string path = "/proc/" + std::to_string(tid) + "/syscall";
    const auto deadline = deadline_after(timeout);
    while (Clock::now() < deadline) {
        // The first word is the call's number while the thread is in one,
        // "running" while it runs in user space.
        std::ifstream file(path);
        std::string first;
        if (file >> first && first != "running") {
            try {
                long number = std::stol(first);
                for (long wanted : numbers) {
                    if (number == wanted) {
                        return true;
                    }
                }
            } catch (const std::exception&) {
                // not a number: look again
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

std::vector<long> poll_syscalls() {
#ifdef SYS_poll
    return {SYS_poll, SYS_ppoll};
#else
    return {SYS_ppoll};
#endif
}

CountingSignalHandler::CountingSignalHandler() : previous_{} {
    deliveries = 0;
    delivered = &delivered_;
    struct sigaction action {};
    action.sa_handler = count_delivery;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: interrupted calls fail with EINTR
    if (::sigaction(SIGUSR1, &action, &previous_) < 0) {
        common::throw_system_error("sigaction", "SIGUSR1");
    }
}

CountingSignalHandler::~CountingSignalHandler() {
    ::sigaction(SIGUSR1, &previous_, nullptr);
    delivered = nullptr;
}

void CountingSignalHandler::interrupt(pthread_t thread) {
    if (int error = ::pthread_kill(thread, SIGUSR1); error != 0) {
        common::throw_system_error(error, "pthread_kill", "SIGUSR1");
    }
}

bool CountingSignalHandler::wait_for_count(int count, common::Seconds timeout) {
    const auto deadline = deadline_after(timeout);
    common::Poller poller{delivered_.fd()};
    while (deliveries.load() < count) {
        common::Seconds left = deadline - Clock::now();
        if (left <= common::Seconds{0} || !poller.wait(left)) {
            return deliveries.load() >= count;
        }
        delivered_.drain();
    }
    return true;
}

int CountingSignalHandler::count() const {
    return deliveries.load();
}

}  // namespace sockserv::test
