#include "common/shutdown_on_signal.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <string>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/poller.hpp"

namespace sockserv::common {

namespace {

sigset_t shutdown_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

// The signals this class blocked that were not blocked before, for a
// forked child to unblock. A child of fork() inherits its parent's signal
// mask but none of its threads: with no watcher to read the signalfd, a
// SIGINT or SIGTERM would stay pending for ever, and Ctrl-C could not stop
// the child. A plain atomic per signal: the child handler must be
// async-signal-safe, so it takes no lock.
std::atomic<bool> unblock_sigint_in_child{false};
std::atomic<bool> unblock_sigterm_in_child{false};

void unblock_in_child() noexcept {
    sigset_t set;
    sigemptyset(&set);
    if (unblock_sigint_in_child.load()) {
        sigaddset(&set, SIGINT);
    }
    if (unblock_sigterm_in_child.load()) {
        sigaddset(&set, SIGTERM);
    }
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

// pthread_atfork() handlers cannot be removed, so it is registered once,
// by the first ShutdownOnSignal, and reads the flags above.
void register_fork_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (int error = ::pthread_atfork(nullptr, nullptr, unblock_in_child); error != 0) {
            throw_system_error(error, "pthread_atfork");
        }
    });
}

}  // namespace

// [signalfd-setup]
ShutdownOnSignal::ShutdownOnSignal(std::function<void()> shutdown, std::string_view program)
    : shutdown_(std::move(shutdown)), program_(program) {
    register_fork_handler();
    sigset_t set = shutdown_signals();
    sigset_t before;
    if (int error = ::pthread_sigmask(SIG_BLOCK, &set, &before); error != 0) {
        throw_system_error(error, "pthread_sigmask");
    }
    try {
        signals_ = FileDescriptor{::signalfd(-1, &set, SFD_CLOEXEC)};
        if (!signals_.is_open()) {
            throw_system_error("signalfd");
        }
        watcher_ = std::thread([this] { watch(); });
    } catch (...) {
        // Nobody will read the signals: let them act as they did before,
        // rather than leave a program that Ctrl-C cannot stop.
        ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
        throw;
    }
    if (!sigismember(&before, SIGINT)) {
        unblock_sigint_in_child = true;
    }
    if (!sigismember(&before, SIGTERM)) {
        unblock_sigterm_in_child = true;
    }
}
// [signalfd-setup]

ShutdownOnSignal::~ShutdownOnSignal() {
    stop_.notify();
    watcher_.join();
    if (stopper_.joinable()) {
        stopper_.join();
    }
}

void ShutdownOnSignal::rethrow_if_failed() const {
    if (failure_) {
        std::rethrow_exception(failure_);
    }
}

void ShutdownOnSignal::watch() noexcept {
    // An exception leaving a thread's function ends the program with
    // std::terminate. A watcher that cannot watch any longer stops the
    // server instead, and rethrow_if_failed() tells the owner why.
    try {
        watch_signals();
    } catch (...) {
        failure_ = std::current_exception();
        run_shutdown();
    }
}

// [signalfd-read]
void ShutdownOnSignal::watch_signals() {
    Poller poller{signals_.get(), stop_.fd()};
    for (;;) {
        poller.wait(std::nullopt);
        if (poller.readable(stop_.fd())) {
            return;
        }
        signalfd_siginfo info{};
        if (::read(signals_.get(), &info, sizeof info) != sizeof info) {
            continue;
        }
        if (!stopper_.joinable()) {
            run_shutdown();
            continue;
        }
        // A second signal: the user does not want to wait. _exit(), not
        // exit(): exit() would run the destructors of static objects while
        // the other threads are still using them. (This is an ordinary
        // thread, not a signal handler, so building the message is fine.)
        std::string message = program_ + ": second SIG" + std::string{::sigabbrev_np(static_cast<int>(info.ssi_signo))} +
                              " during shutdown: exiting without finishing the requests in progress\n";
        [[maybe_unused]] auto written = ::write(STDERR_FILENO, message.data(), message.size());
        ::_exit(1);
    }
}
// [signalfd-read]

void ShutdownOnSignal::run_shutdown() noexcept {
    if (stopper_.joinable()) {
        return;
    }
    try {
        // shutdown() blocks until serve_forever() returns, which can take
        // as long as the request in progress; the watcher keeps watching
        // meanwhile, for a second signal.
        stopper_ = std::thread(shutdown_);
    } catch (const std::system_error&) {
        // No thread to be had (a resource limit): shut down from this one.
        // A second signal is not noticed during the wait, but the server
        // does stop, which is what the first signal asked for.
        shutdown_();
    }
}

}  // namespace sockserv::common
