#include "support/client.hpp"

#include "support/printable.hpp"

#include <array>
#include <stdexcept>
#include <utility>
#include <sys/socket.h>

namespace sockserv::test {

Client::Client(const common::Address& server, common::Seconds timeout)
    : socket_(common::Socket::open(server.family(), SOCK_STREAM)) {
    socket_.set_timeout(timeout);
    socket_.connect(server);
}

Client::Client(const common::Address& server, const common::Address& own_address,
               common::Seconds timeout)
    : socket_(common::Socket::open(server.family(), SOCK_STREAM)) {
    socket_.set_timeout(timeout);
    socket_.bind(own_address);
    socket_.connect(server);
}

common::Address unix_autobind_address() {
    // Only the family, no path at all: bind(2) then picks the name itself.
    const sa_family_t family_only = AF_UNIX;
    return common::Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&family_only),
                                          sizeof family_only);
}

void Client::send(std::string_view data) {
    socket_.send_all(data);
}

std::size_t Client::fill() {
    std::array<char, 64 * 1024> chunk;
    std::size_t received = 0;
    try {
        received = socket_.recv(chunk);
    } catch (const std::exception& error) {
        throw std::runtime_error(std::string{"waiting for the server: "} + error.what() +
                                 "; received so far: " + printable(buffer_, 200));
    }
    buffer_.append(chunk.data(), received);
    return received;
}

std::string Client::recv_line() {
    std::size_t end;
    while ((end = buffer_.find('\n')) == std::string::npos) {
        if (fill() == 0) {
            throw std::runtime_error("expected a line ending in \\n, but the server closed after " +
                                     printable(buffer_, 200));
        }
    }
    std::string line = buffer_.substr(0, end + 1);
    buffer_.erase(0, end + 1);
    return line;
}

std::string Client::recv_exactly(std::size_t count) {
    while (buffer_.size() < count) {
        if (fill() == 0) {
            throw std::runtime_error("expected " + std::to_string(count) +
                                     " bytes, but the server closed after " + printable(buffer_, 200));
        }
    }
    std::string bytes = buffer_.substr(0, count);
    buffer_.erase(0, count);
    return bytes;
}

std::string Client::recv_until_eof() {
    while (fill() != 0) {
    }
    return std::exchange(buffer_, {});
}

bool Client::at_eof() {
    return buffer_.empty() && fill() == 0;
}

void Client::close_write() {
    socket_.shutdown(SHUT_WR);
}

void Client::reset() {
    // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    linger abrupt{1, 0};
    ::setsockopt(socket_.fd(), SOL_SOCKET, SO_LINGER, &abrupt, sizeof abrupt);
    socket_.close();
}

}  // namespace sockserv::test
