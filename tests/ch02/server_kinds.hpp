/// \file
/// \brief Chapter 2's four server classes as typed-test parameters, each
/// with the address it binds and a client of its kind.
///
/// Most of what chapter 1 promised must hold for every class chapter 2
/// adds (a handler's exception goes to handle_error, the next client is
/// served, no descriptor leaks), so those tests are written once, as
/// GoogleTest typed tests, and run for TCPServer, UDPServer,
/// UnixStreamServer and UnixDatagramServer.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "ch02/socketserver.hpp"
#include "common/address.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/process.hpp"
#include "test_handlers.hpp"

namespace sockserv::ch02_test {

/// \brief One client making one request, whatever the kind of server.
class Peer {
public:
    virtual ~Peer() = default;
    /// \brief Sends \p data as one request: a stream client sends it and
    /// closes its sending side; a datagram client sends one datagram.
    virtual void request(std::string_view data) = 0;
    /// \brief The whole reply: a stream client reads to the end of the
    /// stream, a datagram client reads one datagram.
    virtual std::string reply() = 0;
    /// \brief This client's address, as the server's client_address shows it.
    virtual common::Address address() = 0;
};

/// \brief A Peer over a connection (TCPServer, UnixStreamServer).
class StreamPeer : public Peer {
public:
    explicit StreamPeer(const common::Address& server) : client_(server) {}
    void request(std::string_view data) override {
        client_.send(data);
        client_.close_write();
    }
    std::string reply() override { return client_.recv_until_eof(); }
    common::Address address() override { return client_.socket().local_address(); }

private:
    test::Client client_;
};

/// \brief A Peer over datagrams (UDPServer, UnixDatagramServer).
class DatagramPeer : public Peer {
public:
    DatagramPeer(const common::Address& server, std::optional<std::filesystem::path> own_path)
        : client_(server, std::move(own_path)) {}
    void request(std::string_view data) override { client_.send(data); }
    std::string reply() override { return client_.recv(); }
    common::Address address() override { return client_.local_address(); }

private:
    test::DatagramClient client_;
};

/// \brief What a typed test needs to know about server class \p Server:
/// its Python name, its kind of address and socket.
///
/// The typed tests are parameterised by the server classes themselves, so
/// that ctest names them after the class: `EveryServer.….<sockserv::ch02::UDPServer>`.
template <class Server>
struct KindOf;

/// \brief TCPServer: IPv4 loopback, a connection per request.
template <>
struct KindOf<ch02::TCPServer> {
    static constexpr const char* name = "TCPServer";
    static constexpr bool unix_domain = false;
    static constexpr bool datagram = false;
    static constexpr int family = AF_INET;
    static constexpr int socket_type = SOCK_STREAM;
};

/// \brief UDPServer: IPv4 loopback, a datagram per request.
template <>
struct KindOf<ch02::UDPServer> {
    static constexpr const char* name = "UDPServer";
    static constexpr bool unix_domain = false;
    static constexpr bool datagram = true;
    static constexpr int family = AF_INET;
    static constexpr int socket_type = SOCK_DGRAM;
};

/// \brief UnixStreamServer: a path, a connection per request.
template <>
struct KindOf<ch02::UnixStreamServer> {
    static constexpr const char* name = "UnixStreamServer";
    static constexpr bool unix_domain = true;
    static constexpr bool datagram = false;
    static constexpr int family = AF_UNIX;
    static constexpr int socket_type = SOCK_STREAM;
};

/// \brief UnixDatagramServer: a path, a datagram per request.
template <>
struct KindOf<ch02::UnixDatagramServer> {
    static constexpr const char* name = "UnixDatagramServer";
    static constexpr bool unix_domain = true;
    static constexpr bool datagram = true;
    static constexpr int family = AF_UNIX;
    static constexpr int socket_type = SOCK_DGRAM;
};

using AllServers = ::testing::Types<ch02::TCPServer, ch02::UDPServer, ch02::UnixStreamServer,
                                    ch02::UnixDatagramServer>;
using StreamServers = ::testing::Types<ch02::TCPServer, ch02::UnixStreamServer>;
using DatagramServers = ::testing::Types<ch02::UDPServer, ch02::UnixDatagramServer>;
using UnixServers = ::testing::Types<ch02::UnixStreamServer, ch02::UnixDatagramServer>;

/// \brief The fixture of the typed tests: a directory of the test's own
/// for Unix paths, and servers and clients of the kind under test.
template <class Server>
class ServerTest : public ::testing::Test {
protected:
    using Kind = KindOf<Server>;

    /// \brief Where a server of this kind binds: loopback port 0, or a
    /// path in this test's own directory (so `ctest -j` runs never meet).
    common::Address server_address(const std::string& name = "server.sock") const {
        if constexpr (Kind::unix_domain) {
            return common::Address::unix_path((directory / name).string());
        } else {
            return loopback_any_port();
        }
    }

    /// \brief An address the class refuses: a path for the inet classes,
    /// `HOST:PORT` for the Unix ones.
    common::Address wrong_address() const {
        if constexpr (Kind::unix_domain) {
            return loopback_any_port();
        } else {
            return common::Address::unix_path((directory / "server.sock").string());
        }
    }

    /// \brief A new server of the kind under test.
    std::unique_ptr<Server> make_server(ch02::HandlerFactory factory,
                                        bool bind_and_activate = true) const {
        return std::make_unique<Server>(server_address(), std::move(factory), bind_and_activate);
    }

    /// \brief A client of \p server. A Unix datagram client binds a path
    /// of its own, or replies could not reach it.
    std::unique_ptr<Peer> client(const common::Address& server) {
        if constexpr (!Kind::datagram) {
            return std::make_unique<StreamPeer>(server);
        } else if constexpr (Kind::unix_domain) {
            return std::make_unique<DatagramPeer>(
                server, directory / ("client-" + std::to_string(clients_++) + ".sock"));
        } else {
            return std::make_unique<DatagramPeer>(server, std::nullopt);
        }
    }

    /// \brief One request to a server that is serving (on another thread):
    /// success if \p data comes back upper-cased.
    ::testing::AssertionResult answers(const common::Address& server,
                                       const std::string& data = "ping\n") {
        auto peer = client(server);
        peer->request(data);
        std::string expected = data;
        common::ascii_upper(expected);
        return same_reply(peer->reply(), expected);
    }

    test::TempDir directory;

private:
    int clients_ = 0;
};

/// \brief A server of class \p Base whose handle_error() writes down the
/// client and the exception, and lets a test wait for it.
template <class Base>
class ErrorRecording : public Base {
public:
    using Base::Base;

    void handle_error(ch02::Request&, const common::Address& client) override {
        std::lock_guard lock(mutex_);
        clients_.push_back(client);
        errors_.push_back(common::describe_current_exception());
        changed_.notify_all();
    }

    /// \brief Waits (at most the tests' time limit) until handle_error()
    /// has been called \p count times; false if it has not.
    bool wait_for_errors(std::size_t count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, test::default_timeout,
                                 [&] { return clients_.size() >= count; });
    }
    std::vector<common::Address> clients() {
        std::lock_guard lock(mutex_);
        return clients_;
    }
    std::vector<std::string> errors() {
        std::lock_guard lock(mutex_);
        return errors_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<common::Address> clients_;
    std::vector<std::string> errors_;
};

}  // namespace sockserv::ch02_test
