#include "common/socket.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <stdexcept>
#include <string>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "common/error.hpp"

namespace sockserv::common {

namespace {

// [retry-on-eintr]
// Runs a system call until it is not interrupted by a signal. A signal
// handler (the demo's SIGINT, a profiler's SIGPROF) must not turn into a
// spurious error in the middle of a request.
template <class Call>
auto retry_on_eintr(Call call) {
    decltype(call()) result;
    do {
        result = call();
    } while (result < 0 && errno == EINTR);
    return result;
}
// [retry-on-eintr]

// Python's settimeout(0): no waiting at all (O_NONBLOCK), rather than a
// very short wait.
bool means_non_blocking(const std::optional<Seconds>& timeout) {
    return timeout && timeout->count() == 0;
}

}  // namespace

// A socket with a timeout (set_timeout) reports an expired wait as
// EAGAIN; "timed out" is what the caller needs to read. A non-blocking
// socket (timeout zero) reports EAGAIN too, and there it means what it
// says: nothing to do without waiting.
void Socket::throw_io_error(std::string_view call, std::string_view subject) const {
    int error = errno;
    if ((error == EAGAIN || error == EWOULDBLOCK) && !means_non_blocking(timeout_)) {
        std::string detail{subject};
        throw_system_error(ETIMEDOUT, call, detail.empty() ? "(timed out)" : detail + " (timed out)");
    }
    throw_system_error(error, call, subject);
}

// [socket-open]
Socket Socket::open(int family, int type) {
    int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw_system_error("socket");
    }
    return Socket{FileDescriptor{fd}};
}
// [socket-open]

// [bind-listen]
void Socket::bind(const Address& address) {
    if (::bind(fd(), address.data(), address.size()) < 0) {
        throw_system_error("bind", address.to_string());
    }
}

void Socket::listen(int backlog) {
    if (::listen(fd(), backlog) < 0) {
        throw_system_error("listen");
    }
}
// [bind-listen]

void Socket::connect(const Address& address) {
    // A connect interrupted by a signal goes on in the background; calling
    // it again would fail with EALREADY. Wait for it to finish instead.
    if (::connect(fd(), address.data(), address.size()) == 0) {
        return;
    }
    if (errno != EINTR) {
        throw_system_error("connect", address.to_string());
    }
    pollfd watch{fd(), POLLOUT, 0};
    if (retry_on_eintr([&] { return ::poll(&watch, 1, -1); }) < 0) {
        throw_system_error("connect", address.to_string());
    }
    int error = get_option(SOL_SOCKET, SO_ERROR);
    if (error != 0) {
        throw_system_error(error, "connect", address.to_string());
    }
}

// [accept]
std::pair<Socket, Address> Socket::accept() {
    Address client;
    socklen_t size = Address::capacity();
    int fd = retry_on_eintr([&] { return ::accept4(this->fd(), client.data(), &size, SOCK_CLOEXEC); });
    if (fd < 0) {
        throw_io_error("accept");
    }
    client.set_size(size);
    return {Socket{FileDescriptor{fd}}, client};
}
// [accept]

std::size_t Socket::recv(std::span<char> buffer, int flags) {
    auto received = retry_on_eintr([&] { return ::recv(fd(), buffer.data(), buffer.size(), flags); });
    if (received < 0) {
        throw_io_error("recv");
    }
    return static_cast<std::size_t>(received);
}

// [send-all]
void Socket::send_all(std::string_view data, std::size_t* sent) {
    // A positive timeout bounds the whole call (Python's sendall() since
    // 3.5). SO_SNDTIMEO would bound each send() alone, and a peer reading
    // a byte a second lets every send() take a little: the call would
    // never end. So with a deadline, send() never blocks (MSG_DONTWAIT)
    // and the waiting is done here, in poll(), against the deadline.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (timeout_ && timeout_->count() > 0) {
        deadline = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(*timeout_);
    }
    int flags = MSG_NOSIGNAL | (deadline ? MSG_DONTWAIT : 0);
    // send() may take only part of the data (a full socket buffer, a
    // signal): keep going from where it stopped, as Python's sendall().
    while (!data.empty()) {
        auto written = retry_on_eintr([&] { return ::send(fd(), data.data(), data.size(), flags); });
        if (written < 0 && deadline && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_writable(*deadline);
            continue;
        }
        if (written < 0) {
            throw_io_error("send");
        }
        data.remove_prefix(static_cast<std::size_t>(written));
        if (sent) {
            *sent += static_cast<std::size_t>(written);
        }
    }
}
// [send-all]

void Socket::wait_writable(std::chrono::steady_clock::time_point deadline) {
    while (true) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw_system_error(ETIMEDOUT, "send", "(timed out)");
        }
        pollfd watch{fd(), POLLOUT, 0};
        int ready = ::poll(&watch, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
        if (ready > 0) {
            return;  // writable, or an error that the next send() will report
        }
        if (ready < 0 && errno != EINTR) {
            throw_system_error("poll");
        }
    }
}

std::pair<std::size_t, Address> Socket::recvfrom(std::span<char> buffer, int flags) {
    Address sender;
    socklen_t size = Address::capacity();
    auto received = retry_on_eintr([&] {
        return ::recvfrom(fd(), buffer.data(), buffer.size(), flags, sender.data(), &size);
    });
    if (received < 0) {
        throw_io_error("recvfrom");
    }
    sender.set_size(size);
    return {static_cast<std::size_t>(received), sender};
}

void Socket::sendto(std::string_view data, const Address& address) {
    auto sent = retry_on_eintr([&] {
        return ::sendto(fd(), data.data(), data.size(), MSG_NOSIGNAL, address.data(), address.size());
    });
    if (sent < 0) {
        throw_io_error("sendto", address.to_string());
    }
}

void Socket::shutdown(int how) {
    if (::shutdown(fd(), how) < 0) {
        throw_system_error("shutdown");
    }
}

void Socket::set_option(int level, int name, int value) {
    if (::setsockopt(fd(), level, name, &value, sizeof value) < 0) {
        throw_system_error("setsockopt");
    }
}

int Socket::get_option(int level, int name) const {
    int value = 0;
    socklen_t size = sizeof value;
    if (::getsockopt(fd(), level, name, &value, &size) < 0) {
        throw_system_error("getsockopt");
    }
    return value;
}

void Socket::set_timeout(std::optional<Seconds> timeout) {
    // Python's settimeout() raises ValueError for these: a negative wait is
    // a caller's mistake, and converting it would block for ever (-1 s),
    // round to a few milliseconds (-1e-7 s) or fail with EDOM (-1.5 s).
    if (timeout && (timeout->count() < 0 || std::isnan(timeout->count()))) {
        throw std::invalid_argument{"set_timeout: the timeout must be zero or positive, not " +
                                    std::to_string(timeout->count()) + " s"};
    }
    // Beyond any time_t (infinity, 1e300 s) is forever too; converting it
    // would overflow.
    if (timeout && *timeout >= Seconds{1e9}) {
        timeout.reset();
    }
    // Zero is Python's non-blocking mode: O_NONBLOCK, and no kernel timeouts.
    bool non_blocking = means_non_blocking(timeout);
    int flags = ::fcntl(fd(), F_GETFL);
    if (flags < 0 ||
        ::fcntl(fd(), F_SETFL, non_blocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0) {
        throw_system_error("fcntl");
    }
    timeval limit{};  // all zero: block forever
    if (timeout && !non_blocking) {
        double whole = 0;
        double fraction = std::modf(timeout->count(), &whole);
        limit.tv_sec = static_cast<time_t>(whole);
        limit.tv_usec = static_cast<suseconds_t>(fraction * 1e6);
        if (limit.tv_sec == 0 && limit.tv_usec == 0) {
            limit.tv_usec = 1;  // zero would mean "no limit", the opposite of what was asked
        }
    }
    for (int name : {SO_RCVTIMEO, SO_SNDTIMEO}) {
        if (::setsockopt(fd(), SOL_SOCKET, name, &limit, sizeof limit) < 0) {
            throw_system_error("setsockopt");
        }
    }
    timeout_ = timeout;
}

namespace {

// getsockname(2) and getpeername(2) have one shape: fill in an address.
Address ask_for_address(int fd, int (*call)(int, sockaddr*, socklen_t*), std::string_view name) {
    Address address;
    socklen_t size = Address::capacity();
    if (call(fd, address.data(), &size) < 0) {
        throw_system_error(name);
    }
    address.set_size(size);
    return address;
}

}  // namespace

Address Socket::local_address() const {
    return ask_for_address(fd(), ::getsockname, "getsockname");
}

Address Socket::peer_address() const {
    return ask_for_address(fd(), ::getpeername, "getpeername");
}

}  // namespace sockserv::common
