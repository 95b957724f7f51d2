/// \file
/// \brief The socket handle every chapter builds on.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "common/address.hpp"
#include "common/file_descriptor.hpp"
#include "common/seconds.hpp"

namespace sockserv::common {

/// \brief A move-only socket: Python's `socket.socket`, owning its fd.
///
/// Every call throws `std::system_error` naming itself (and the address,
/// where there is one) when the kernel says no. Three pitfalls of the raw
/// API are handled here once, so no chapter has to:
/// - a call interrupted by a signal (`EINTR`) is retried;
/// - send_all() loops until every byte is sent, as `sendall()` does;
/// - sending to a peer that has gone never raises `SIGPIPE` (which would
///   kill the whole server): `MSG_NOSIGNAL` turns it into an `EPIPE` error.
///
/// \see \ref part-ch00, which teaches this layer:
/// \ref ch00-socket-bind-listen, \ref ch00-walk-accept,
/// \ref ch00-walk-send-all, \ref ch00-eintr, \ref ch00-sigpipe.
class Socket {
public:
    /// \brief An empty socket (`fd() == -1`).
    Socket() noexcept = default;
    /// \brief Takes ownership of an open socket.
    /// \param fd the socket's descriptor, e.g. from `accept(2)`
    explicit Socket(FileDescriptor fd) noexcept : fd_(std::move(fd)) {}

    /// \brief `socket(2)`: a new socket, close-on-exec.
    /// \param family `AF_INET`, `AF_INET6` or `AF_UNIX` (Python's `address_family`)
    /// \param type   `SOCK_STREAM` or `SOCK_DGRAM` (Python's `socket_type`)
    /// \return the new, unbound socket
    static Socket open(int family, int type);

    /// \brief The descriptor: Python's `fileno()`.
    /// \return the descriptor number, or `-1` when closed
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    /// \brief Whether the socket is still open.
    /// \return true until close() or a move
    [[nodiscard]] bool is_open() const noexcept { return fd_.is_open(); }
    /// \brief Closes the socket now; closing twice is harmless.
    void close() noexcept { fd_.close(); }

    /// \brief `bind(2)`: gives the socket its local address.
    /// \param address where to bind; port 0 lets the OS choose (read the
    ///        choice back with local_address())
    void bind(const Address& address);
    /// \brief `listen(2)`: lets the kernel accept connections for us.
    /// \param backlog how many finished handshakes may wait for accept()
    ///        (Python's `request_queue_size`)
    void listen(int backlog);
    /// \brief `connect(2)`: connects to a listening socket (or, for a
    /// datagram socket, sets the default destination).
    /// \param address whom to connect to
    void connect(const Address& address);
    /// \brief `accept(2)`: takes the next connection off the listen queue.
    /// \return the new socket, connected to the client, and the client's address
    std::pair<Socket, Address> accept();

    /// \brief `recv(2)`: reads what has arrived, at most `buffer.size()` bytes.
    ///
    /// Blocks until at least one byte is there or the peer has closed. TCP is a byte stream: the
    /// bytes of one send() of the peer may come in several recv()s, and
    /// several sends in one.
    /// \param buffer where to store the bytes
    /// \param flags  `recv(2)` flags, e.g. `MSG_PEEK`; usually none
    /// \return the number of bytes read; 0 means the peer closed its side
    std::size_t recv(std::span<char> buffer, int flags = 0);
    /// \brief Sends all of \p data, however many `send(2)` calls it takes:
    /// Python's `sendall()`.
    ///
    /// With a timeout (set_timeout()), the timeout bounds the whole call, as
    /// it has in Python since 3.5: a peer that reads a byte now and then
    /// cannot keep the call alive past it.
    /// \param data the bytes to send
    /// \param sent if given, the bytes sent are added to it, also when the
    ///        call throws. Python has no way to tell; a buffered writer
    ///        needs it, so that a second try never sends a byte twice.
    /// \throws std::system_error e.g. `EPIPE` when the peer has gone (never
    ///         a SIGPIPE), `std::errc::timed_out` when the timeout ran out
    void send_all(std::string_view data, std::size_t* sent = nullptr);
    /// \brief `recvfrom(2)`: one datagram into \p buffer and who sent it.
    /// \param buffer where to store the datagram; the rest of a longer one
    ///        is lost
    /// \param flags  `recvfrom(2)` flags; usually none. With `MSG_TRUNC`
    ///        the count returned is the datagram's full length, which may
    ///        exceed what was stored: that is how a truncation shows.
    /// \return the number of bytes received (see \p flags) and the sender's address
    std::pair<std::size_t, Address> recvfrom(std::span<char> buffer, int flags = 0);
    /// \brief `sendto(2)`: one datagram.
    /// \param data    the datagram's bytes
    /// \param address where to send it
    void sendto(std::string_view data, const Address& address);
    /// \brief `shutdown(2)`: ends one or both directions of a connection
    /// for every holder of the socket; the descriptor stays open.
    /// \param how `SHUT_RD`, `SHUT_WR` (the peer reads end-of-file) or `SHUT_RDWR`
    void shutdown(int how);

    /// \brief `setsockopt(2)` for an integer option.
    /// \param level e.g. `SOL_SOCKET`, `IPPROTO_TCP`
    /// \param name  e.g. `SO_REUSEADDR`, `TCP_NODELAY`
    /// \param value the value; 1 and 0 switch a flag on and off
    void set_option(int level, int name, int value);
    /// \brief `getsockopt(2)` for an integer option.
    /// \param level e.g. `SOL_SOCKET`
    /// \param name  e.g. `SO_REUSEADDR`, `SO_ERROR`
    /// \return the option's value
    [[nodiscard]] int get_option(int level, int name) const;
    /// \brief Limits how long calls may block, as Python's `settimeout()`;
    /// `std::nullopt` blocks forever.
    ///
    /// A positive limit bounds each recv(), accept() and sendto() (the
    /// kernel's SO_RCVTIMEO and SO_SNDTIMEO) and the whole of a send_all().
    /// A call that runs out of time throws `std::system_error` with
    /// `std::errc::timed_out`. Zero makes the socket non-blocking, as
    /// Python's `settimeout(0)` does: a call that would have to wait throws
    /// at once with `std::errc::operation_would_block` (Python's
    /// `BlockingIOError`). A limit beyond 10⁹ s is no limit.
    /// \param timeout the longest a single call may wait
    /// \throws std::invalid_argument for a negative or NaN timeout, which
    ///         Python's `settimeout()` refuses with `ValueError`
    void set_timeout(std::optional<Seconds> timeout);
    /// \brief The limit set_timeout() set: Python's `gettimeout()`.
    /// \return the limit, or `std::nullopt` for a blocking socket
    [[nodiscard]] std::optional<Seconds> timeout() const noexcept { return timeout_; }

    /// \brief `getsockname(2)`: where this socket is bound.
    /// \return the local address, with the real port after binding port 0
    [[nodiscard]] Address local_address() const;
    /// \brief `getpeername(2)`: who is at the other end.
    /// \return the address of the connected peer
    [[nodiscard]] Address peer_address() const;

private:
    [[noreturn]] void throw_io_error(std::string_view call, std::string_view subject = {}) const;
    void wait_writable(std::chrono::steady_clock::time_point deadline);

    FileDescriptor fd_;
    std::optional<Seconds> timeout_;  // as set_timeout() left it
};

}  // namespace sockserv::common
