#include "common/shutdown_on_signal.hpp"

#include <csignal>
#include <cstring>
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

}  // namespace

ShutdownOnSignal::ShutdownOnSignal(std::function<void()> shutdown, std::string_view program)
    : shutdown_(std::move(shutdown)), program_(program) {
    sigset_t set = shutdown_signals();
    if (int error = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); error != 0) {
        throw_system_error(error, "pthread_sigmask");
    }
    signals_ = FileDescriptor{::signalfd(-1, &set, SFD_CLOEXEC)};
    if (!signals_.is_open()) {
        throw_system_error("signalfd");
    }
    watcher_ = std::thread([this] { watch(); });
}

ShutdownOnSignal::~ShutdownOnSignal() {
    stop_.notify();
    watcher_.join();
    if (stopper_.joinable()) {
        stopper_.join();
    }
}

void ShutdownOnSignal::watch() {
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
            // shutdown() blocks until serve_forever() returns, which can take
            // as long as the request in progress; keep watching meanwhile.
            stopper_ = std::thread(shutdown_);
            continue;
        }
        // A second signal: the user does not want to wait. Only
        // async-signal-safe calls from here on: another thread may hold
        // any lock, and exit() would run destructors under its feet.
        std::string message = program_ + ": second SIG" + std::string{::sigabbrev_np(static_cast<int>(info.ssi_signo))} +
                              " during shutdown: exiting without finishing the requests in progress\n";
        [[maybe_unused]] auto written = ::write(STDERR_FILENO, message.data(), message.size());
        ::_exit(1);
    }
}

}  // namespace sockserv::common
