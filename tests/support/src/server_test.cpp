#include "support/server_test.hpp"

#include <utility>

namespace sockserv::test {

namespace {

Client connect_stream(const common::Address& server,
                      const std::optional<common::Address>& own_address) {
    return own_address ? Client{server, *own_address} : Client{server};
}

}  // namespace

StreamPeer::StreamPeer(const common::Address& server,
                       const std::optional<common::Address>& own_address)
    : client_(connect_stream(server, own_address)) {}

void StreamPeer::request(std::string_view data) {
    client_.send(data);
    client_.close_write();
}

std::string StreamPeer::reply() {
    return client_.recv_until_eof();
}

common::Address StreamPeer::address() {
    return client_.socket().local_address();
}

DatagramPeer::DatagramPeer(const common::Address& server,
                           std::optional<std::filesystem::path> own_path)
    : client_(server, std::move(own_path)) {}

void DatagramPeer::request(std::string_view data) {
    client_.send(data);
}

std::string DatagramPeer::reply() {
    return client_.recv();
}

common::Address DatagramPeer::address() {
    return client_.local_address();
}

}  // namespace sockserv::test
