#include "common/poller.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <chrono>
#include <cmath>

#include "common/error.hpp"

namespace sockserv::common {

Poller::Poller(std::initializer_list<int> fds) {
    for (int fd : fds) {
        fds_.push_back(pollfd{fd, POLLIN, 0});
    }
}

bool Poller::wait(std::optional<Seconds> timeout) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             timeout.value_or(Seconds{0}));
    for (;;) {
        int milliseconds = -1;
        if (timeout) {
            // Round up: a 0.4 ms remainder must still wait, not spin at 0.
            Seconds left = deadline - Clock::now();
            double wanted = std::ceil(left.count() * 1000);
            milliseconds = wanted <= 0 ? 0 : static_cast<int>(std::min(wanted, double{INT_MAX}));
        }
        int ready = ::poll(fds_.data(), fds_.size(), milliseconds);
        if (ready >= 0) {
            return ready > 0;
        }
        if (errno != EINTR) {
            throw_system_error("poll");
        }
    }
}

bool Poller::readable(int fd) const noexcept {
    for (const pollfd& watched : fds_) {
        if (watched.fd == fd) {
            return (watched.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
        }
    }
    return false;
}

}  // namespace sockserv::common
