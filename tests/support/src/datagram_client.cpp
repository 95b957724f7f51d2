#include "support/datagram_client.hpp"

#include <stdexcept>
#include <system_error>
#include <tuple>
#include <sys/socket.h>
#include <unistd.h>

namespace sockserv::test {

namespace {

// Room for any UDP datagram (at most 65,507 bytes of payload over IPv4);
// the tests never send a longer Unix datagram.
constexpr std::size_t largest_datagram = 64 * 1024;

// The loopback address of the server's family, port 0: where a UDP client
// binds so that its address is known before it sends anything.
common::Address loopback_like(const common::Address& server) {
    return common::Address::inet(server.family() == AF_INET6 ? "::1" : "127.0.0.1", 0);
}

}  // namespace

DatagramClient::DatagramClient(const common::Address& server,
                               std::optional<std::filesystem::path> own_path,
                               common::Seconds timeout)
    : server_(server), socket_(common::Socket::open(server.family(), SOCK_DGRAM)) {
    socket_.set_timeout(timeout);
    if (server.family() != AF_UNIX) {
        socket_.bind(loopback_like(server));
    } else if (own_path) {
        socket_.bind(common::Address::unix_path(own_path->string()));
        own_path_ = std::move(own_path);  // only now is the file ours to remove
    }
}

DatagramClient::~DatagramClient() {
    if (own_path_) {
        ::unlink(own_path_->c_str());  // bind(2) made it; close(2) leaves it behind
    }
}

void DatagramClient::send(std::string_view data) {
    socket_.sendto(data, server_);
}

std::string DatagramClient::recv() {
    return recv_from().first;
}

std::pair<std::string, common::Address> DatagramClient::recv_from() {
    std::string buffer(largest_datagram, '\0');
    std::size_t length = 0;
    common::Address sender;
    try {
        // MSG_TRUNC: the datagram's real length, even if it did not fit.
        std::tie(length, sender) = socket_.recvfrom(buffer, MSG_TRUNC);
    } catch (const std::system_error& error) {
        throw std::runtime_error(std::string{"waiting for a datagram from "} +
                                 server_.to_string() + ": " + error.what());
    }
    if (length > buffer.size()) {
        throw std::runtime_error("received a datagram of " + std::to_string(length) +
                                 " bytes, more than the " + std::to_string(buffer.size()) +
                                 " a test client takes");
    }
    buffer.resize(length);
    return {std::move(buffer), sender};
}

void DatagramClient::connect() {
    socket_.connect(server_);
}

}  // namespace sockserv::test
