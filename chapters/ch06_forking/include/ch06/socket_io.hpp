/// \file
/// \brief Python's `socket.SocketIO`: a socket seen as a raw file.
#pragma once

#include <cstddef>
#include <span>

#include "ch06/raw_io_base.hpp"
#include "common/socket.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief The raw layer under a stream handler's `rfile`: each readinto()
/// is one `recv(2)` on the connection.
///
/// One rule of Python's SocketIO is kept: once a read has timed out, the
/// object refuses every later read with "cannot read from timed out
/// object". A timeout may strike after `recv` has delivered part of a line
/// into the buffer above; what the next read would return is then
/// anybody's guess, so Python declares the stream unusable, and so does
/// this class.
///
/// \see \ref part-ch04, \ref ch04-layers and \ref ch04-timeouts.
class SocketIO : public RawIOBase {
public:
    /// \brief A raw reader over \p socket, which it borrows.
    /// \param socket the connection to read from; must outlive this object
    explicit SocketIO(common::Socket& socket) noexcept : socket_(&socket) {}

    /// \brief One `recv(2)`.
    /// \param buffer where to store the bytes
    /// \return the number of bytes read; 0 when the peer has closed its side
    /// \throws std::system_error as Socket::recv() does; `timed_out` once
    ///         the socket's timeout runs out, and after that
    ///         std::runtime_error on every call
    std::size_t readinto(std::span<char> buffer) override;

private:
    common::Socket* socket_;
    bool timeout_occurred_ = false;
};

}  // namespace sockserv::ch06
