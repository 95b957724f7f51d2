#include "ch06/request.hpp"

namespace sockserv::ch06 {

Request::Request(common::Socket connection) : connection_(std::move(connection)) {}

Request::Request(std::string data, common::Socket& server_socket, bool truncated)
    : data(std::move(data)), truncated(truncated), socket_(&server_socket) {}

// [request-move]
// A stream request points at its own member: after a move, the pointer
// must follow to the new object's member, not stay with the old one.
Request::Request(Request&& other) noexcept
    : data(std::move(other.data)),
      truncated(other.truncated),
      connection_(std::move(other.connection_)),
      socket_(other.is_datagram() ? other.socket_ : &connection_) {}
// [request-move]

Request& Request::operator=(Request&& other) noexcept {
    if (this != &other) {
        bool datagram = other.is_datagram();
        data = std::move(other.data);
        truncated = other.truncated;
        connection_ = std::move(other.connection_);
        socket_ = datagram ? other.socket_ : &connection_;
    }
    return *this;
}

}  // namespace sockserv::ch06
