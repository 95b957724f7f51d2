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
class Socket {
public:
    /// \brief An empty socket (`fd() == -1`).
    Socket() noexcept = default;
    /// \brief Takes ownership of the open socket \p fd.
    explicit Socket(FileDescriptor fd) noexcept : fd_(std::move(fd)) {}

    /// \brief `socket(2)`: a new socket of \p family and \p type, close-on-exec.
    static Socket open(int family, int type);

    /// \brief The descriptor (Python's `fileno()`), or `-1` when closed.
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    /// \brief True until close() or a move.
    [[nodiscard]] bool is_open() const noexcept { return fd_.is_open(); }
    /// \brief Closes the socket now; closing twice is harmless.
    void close() noexcept { fd_.close(); }

    /// \brief `bind(2)`.
    void bind(const Address& address);
    /// \brief `listen(2)` with a queue of \p backlog pending connections.
    void listen(int backlog);
    /// \brief `connect(2)`.
    void connect(const Address& address);
    /// \brief `accept(2)`: the connected socket and the client's address.
    std::pair<Socket, Address> accept();

    /// \brief `recv(2)` into \p buffer.
    /// \return the number of bytes read; 0 means the peer closed its side.
    std::size_t recv(std::span<char> buffer, int flags = 0);
    /// \brief Sends all of \p data, however many `send(2)` calls it takes.
    void send_all(std::string_view data);
    /// \brief `recvfrom(2)`: one datagram into \p buffer and who sent it.
    /// \return the number of bytes stored and the sender's address.
    std::pair<std::size_t, Address> recvfrom(std::span<char> buffer, int flags = 0);
    /// \brief `sendto(2)`: one datagram \p data to \p address.
    void sendto(std::string_view data, const Address& address);
    /// \brief `shutdown(2)` one or both directions (`SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`).
    void shutdown(int how);

    /// \brief `setsockopt(2)` for an integer option.
    void set_option(int level, int name, int value);
    /// \brief `getsockopt(2)` for an integer option.
    [[nodiscard]] int get_option(int level, int name) const;
    /// \brief Limits how long recv() and send_all() may block (SO_RCVTIMEO,
    /// SO_SNDTIMEO), as Python's `settimeout()`; `std::nullopt` blocks forever.
    ///
    /// A call that runs out of time throws `std::system_error` with
    /// `std::errc::timed_out`.
    void set_timeout(std::optional<Seconds> timeout);

    /// \brief `getsockname(2)`: the address this socket is bound to.
    [[nodiscard]] Address local_address() const;
    /// \brief `getpeername(2)`: the address of the connected peer.
    [[nodiscard]] Address peer_address() const;

private:
    FileDescriptor fd_;
};

}  // namespace sockserv::common
