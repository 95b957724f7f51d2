/// \file
/// \brief A test's side of a datagram exchange: a UDP or Unix datagram
/// client whose every wait has a limit.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/address.hpp"
#include "common/seconds.hpp"
#include "common/socket.hpp"
#include "support/client.hpp"  // default_timeout

namespace sockserv::test {

/// \brief A datagram client for tests: send one datagram, wait (with a
/// limit) for one to come back, and see who sent it.
///
/// Datagrams have no connection, so what a stream client learns from the
/// connection (who is at the other end, where one message ends) a
/// datagram client learns from each datagram: recv_from() gives its bytes
/// and its sender, and one call never returns more or less than one
/// datagram.
///
/// Where the client's own address comes from, by family:
/// - UDP (IPv4 or IPv6): bound at once to the loopback address of the
///   server's family with a port the OS chooses, so local_address() is the
///   address the server will see before anything is sent.
/// - Unix: a Unix datagram socket has no address unless it binds one, and
///   a server cannot answer a client that has none. With \p own_path the
///   client binds that path (and removes the file when destroyed); without
///   it the client stays unbound: it can send, but replies cannot reach it.
///
/// A wait that runs out throws `std::runtime_error` saying what was
/// awaited, which GoogleTest prints as the reason the test failed.
class DatagramClient {
public:
    /// \brief A client of \p server, each wait limited to \p timeout.
    /// \param server   where send() sends: a UDP or a Unix datagram server
    /// \param own_path Unix only: the path to bind, so that replies can
    ///        reach this client; ignored for UDP
    /// \param timeout  the longest any single send or receive may block
    explicit DatagramClient(const common::Address& server,
                            std::optional<std::filesystem::path> own_path = std::nullopt,
                            common::Seconds timeout = default_timeout);
    /// \brief Removes the client's socket file, if it bound one.
    ~DatagramClient();

    DatagramClient(const DatagramClient&) = delete;
    DatagramClient& operator=(const DatagramClient&) = delete;

    /// \brief Sends \p data to the server as one datagram (`sendto(2)`).
    void send(std::string_view data);
    /// \brief Waits for the next datagram from anyone; returns its bytes.
    std::string recv();
    /// \brief Waits for the next datagram; returns its bytes and its sender.
    std::pair<std::string, common::Address> recv_from();
    /// \brief `connect(2)` to the server, as `nc -u` does: from then on the
    /// kernel delivers only datagrams whose source is exactly the server's
    /// address, and drops the rest.
    void connect();

    /// \brief This client's address, as the server sees it in client_address
    /// (unnamed for a Unix client that bound no path).
    [[nodiscard]] common::Address local_address() const { return socket_.local_address(); }
    /// \brief The underlying socket, for anything else.
    common::Socket& socket() { return socket_; }

private:
    common::Address server_;
    common::Socket socket_;
    std::optional<std::filesystem::path> own_path_;  // removed by the destructor
};

}  // namespace sockserv::test
