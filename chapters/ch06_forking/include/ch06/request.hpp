/// \file
/// \brief What a server hands its handler: a connection, or a datagram.
#pragma once

#include <string>
#include <utility>

#include "common/socket.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief Python's `self.request`, for both kinds of server.
///
/// A stream server (TCPServer, UnixStreamServer) hands its handler the
/// socket connected to the client, and the request owns it. A datagram
/// server (UDPServer, UnixDatagramServer) has no connection: Python hands
/// its handler the pair `(data, socket)`, the bytes of one datagram and the
/// server's own socket to answer through with `sendto()`. Here that pair is
/// `request.data` and `request.socket()`; the request only borrows the
/// server's socket, which serves every client.
///
/// \see \ref part-ch02, which teaches this class (\ref ch02-request);
/// later chapters use it unchanged.
class Request {
public:
    /// \brief An empty request, to be assigned.
    Request() = default;
    /// \brief A stream request, owning \p connection.
    /// \param connection the socket accept() returned for one client
    explicit Request(common::Socket connection);
    /// \brief A datagram request: its bytes, and the server's socket to reply through.
    /// \param data          the datagram (at most `max_packet_size` bytes of it)
    /// \param server_socket the server's socket, borrowed
    /// \param truncated     whether the datagram was longer than what was kept
    Request(std::string data, common::Socket& server_socket, bool truncated = false);

    /// \brief Moves the request, and the connection it owns.
    /// \param other the request to take over; left empty
    Request(Request&& other) noexcept;
    /// \brief Moves the request, and the connection it owns.
    /// \param other the request to take over; left empty
    /// \return this request
    Request& operator=(Request&& other) noexcept;
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    /// \brief The socket to talk through.
    /// \return the connection (Python's `self.request`), or the server's
    ///         socket (`self.request[1]`) for a datagram request
    [[nodiscard]] common::Socket& socket() noexcept { return *socket_; }
    /// \brief Which kind of request this is.
    /// \return true for a datagram request, false for a stream request
    [[nodiscard]] bool is_datagram() const noexcept { return socket_ != &connection_; }
    /// \brief Closes the connection of a stream request; a datagram request
    /// has nothing of its own to close.
    void close() noexcept { connection_.close(); }

    /// \brief The datagram's bytes (`self.request[0]`); empty for streams.
    std::string data;
    /// \brief The datagram was longer than `max_packet_size` and data holds
    /// only its beginning (Python drops the rest without a word).
    bool truncated = false;

private:
    common::Socket connection_;             // owned: a stream request's connection
    common::Socket* socket_ = &connection_;  // connection_, or the server's socket
};

}  // namespace sockserv::ch06
