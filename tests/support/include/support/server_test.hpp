/// \file
/// \brief The fixture of the typed tests that run once per server class:
/// the address a class binds, and a client of its kind.
///
/// Much of what one chapter promises must hold for all four of its
/// classes (a handler's exception goes to handle_error, the next client
/// is served…), so those tests are written once, as GoogleTest typed
/// tests over the server classes, and run for TCPServer, UDPServer,
/// UnixStreamServer and UnixDatagramServer. ctest then names each run
/// after the class: `EveryServer.….<sockserv::ch03::UDPServer>`.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "common/address.hpp"
#include "common/seconds.hpp"
#include "support/children.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/process.hpp"
#include "support/server_classes.hpp"

namespace sockserv::test {

/// \brief A poll interval (or timeout) no test could wait out: a test
/// that passes it shows that something else ended the wait.
inline constexpr common::Seconds one_hour{3600.0};

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
    /// \brief Connects to \p server; from \p own_address if given.
    explicit StreamPeer(const common::Address& server,
                        const std::optional<common::Address>& own_address = std::nullopt);
    void request(std::string_view data) override;
    std::string reply() override;
    common::Address address() override;

private:
    Client client_;
};

/// \brief A Peer over datagrams (UDPServer, UnixDatagramServer).
class DatagramPeer : public Peer {
public:
    /// \brief A client of \p server; a Unix one binds \p own_path, or replies cannot reach it.
    DatagramPeer(const common::Address& server, std::optional<std::filesystem::path> own_path);
    void request(std::string_view data) override;
    std::string reply() override;
    common::Address address() override;

private:
    DatagramClient client_;
};

/// \brief The fixture of the typed tests: a directory of the test's own
/// for Unix paths, and servers and clients of the kind under test.
template <class Server>
class ServerTest : public ::testing::Test {
protected:
    static constexpr ServerKind kind = kind_of<Server>;
    using Factory = HandlerFactoryOf<Server>;

    /// \brief Ends the children a Forking server left running (a client
    /// the test dropped half-served), so that none outlives its test and
    /// reports into the next one's output.
    void TearDown() override {
        if constexpr (requires { Server::requests_run_in_processes; }) {
            end_children_of_this_process();
        }
    }

    /// \brief Where a server of this kind binds: loopback port 0, or a
    /// path in this test's own directory (so `ctest -j` runs never meet).
    common::Address server_address(const std::string& name = "server.sock") const {
        if constexpr (kind.unix_domain) {
            return common::Address::unix_path((directory / name).string());
        } else {
            return loopback_any_port();
        }
    }

    /// \brief An address the class refuses: a path for the inet classes,
    /// `HOST:PORT` for the Unix ones.
    common::Address wrong_address() const {
        if constexpr (kind.unix_domain) {
            return loopback_any_port();
        } else {
            return common::Address::unix_path((directory / "server.sock").string());
        }
    }

    /// \brief A new server of the kind under test.
    std::unique_ptr<Server> make_server(Factory factory, bool bind_and_activate = true) const {
        return std::make_unique<Server>(server_address(), std::move(factory), bind_and_activate);
    }

    /// \brief A client of \p server. A Unix datagram client binds a path
    /// of its own, or replies could not reach it; a Unix stream client
    /// binds nothing, so the server sees it as unnamed.
    std::unique_ptr<Peer> client(const common::Address& server) {
        if constexpr (!kind.datagram) {
            return std::make_unique<StreamPeer>(server);
        } else if constexpr (kind.unix_domain) {
            return std::make_unique<DatagramPeer>(
                server, directory / ("client-" + std::to_string(clients_++) + ".sock"));
        } else {
            return std::make_unique<DatagramPeer>(server, std::nullopt);
        }
    }

    /// \brief A client of \p server whose address no other client shares:
    /// as client() gives, but a Unix stream client binds a name (chosen by
    /// Linux) instead of being one more unnamed client.
    std::unique_ptr<Peer> named_client(const common::Address& server) {
        if constexpr (kind.unix_domain && !kind.datagram) {
            return std::make_unique<StreamPeer>(server, unix_autobind_address());
        } else {
            return client(server);
        }
    }

    /// \brief One request to a server that is serving (on another thread):
    /// success if \p data comes back upper-cased.
    ::testing::AssertionResult answers(const common::Address& server,
                                       const std::string& data = "ping\n") {
        auto peer = client(server);
        peer->request(data);
        return same_reply(peer->reply(), upper_copy(data));
    }

    TempDir directory;

private:
    int clients_ = 0;
};

}  // namespace sockserv::test
