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

// poll(2) skips a negative fd and reports a closed one as POLLNVAL, quietly:
// a loop on a server that was closed under it would wait forever or spin.
// Python raises instead (select on a closed socket); so do we.
void Poller::throw_if_closed() const {
    for (const pollfd& watched : fds_) {
        if (watched.fd < 0 || (watched.revents & POLLNVAL) != 0) {
            throw_system_error(EBADF, "poll", "(a watched socket is closed)");
        }
    }
}

// [poll-wait]
bool Poller::wait(std::optional<Seconds> timeout) {
    throw_if_closed();
    using Clock = std::chrono::steady_clock;
    // A limit beyond any clock's range (infinity, 1e300 s) means "no limit":
    // converting it to clock ticks would overflow. NaN is no limit either.
    if (timeout && !(*timeout < Seconds{1e9})) {
        timeout.reset();
    }
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
            throw_if_closed();
            return ready > 0;
        }
        if (errno != EINTR) {
            throw_system_error("poll");
        }
    }
}
// [poll-wait]

bool Poller::readable(int fd) const noexcept {
    for (const pollfd& watched : fds_) {
        if (watched.fd == fd) {
            return (watched.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
        }
    }
    return false;
}

}  // namespace sockserv::common
