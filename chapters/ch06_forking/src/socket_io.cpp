#include "ch06/socket_io.hpp"

#include <stdexcept>
#include <system_error>

namespace sockserv::ch06 {

// [socket-io-readinto]
std::size_t SocketIO::readinto(std::span<char> buffer) {
    if (timeout_occurred_) {
        throw std::runtime_error("cannot read from timed out object");
    }
    try {
        return socket_->recv(buffer);
    } catch (const std::system_error& error) {
        if (error.code() == std::errc::timed_out) {
            timeout_occurred_ = true;
        }
        throw;
    }
}
// [socket-io-readinto]

}  // namespace sockserv::ch06
