// UnixStreamServer and UnixDatagramServer: a filesystem path instead of
// HOST:PORT. The path is server_address; binding a path that exists fails;
// a path longer than sun_path is refused, never truncated; server_close()
// leaves the file behind, as in Python. And the Unix datagram client that
// bound no path: what the server sees of it, and that the server survives it.
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "ch02/socketserver.hpp"
#include "common/address.hpp"
#include "servers.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"
#include "support/recording.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace {

using namespace sockserv;
using ch02::UnixDatagramServer;
using ch02::UnixStreamServer;
using test::kind_of;
using test::RecordingServer;
using test::serve_one;
using UpperEcho = test::UpperEcho<ch02::BaseRequestHandler>;

bool is_socket_file(const std::filesystem::path& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0 && S_ISSOCK(status.st_mode);
}

template <class Server>
class UnixServer : public test::ServerTest<Server> {
protected:
    // The system_error that making a server of this kind on path throws.
    std::system_error bind_error(const std::filesystem::path& path) {
        try {
            Server server{common::Address::unix_path(path.string()), ch02::handler<UpperEcho>()};
        } catch (const std::system_error& error) {
            return error;
        }
        ADD_FAILURE() << "binding " << path << " succeeded";
        return std::system_error{std::error_code{}};
    }
};
TYPED_TEST_SUITE(UnixServer, test::ChapterServers<ch02::BaseServer>::Unix);

TYPED_TEST(UnixServer, ServerAddressIsThePathAndTheFileIsASocket) {
    const auto path = this->directory / "server.sock";
    auto server = this->make_server(ch02::handler<UpperEcho>());

    EXPECT_EQ(server->server_address.family(), AF_UNIX);
    EXPECT_EQ(server->server_address.host(), path.string());
    EXPECT_EQ(server->server_address.to_string(), path.string());
    EXPECT_TRUE(is_socket_file(path)) << path << " is not a socket";
    test::ServerThread serving{*server};
    EXPECT_TRUE(this->answers(server->server_address));
}

TYPED_TEST(UnixServer, BindingAPathWhereAFileExistsFailsWithAddressInUseAndKeepsTheFile) {
    // bind(2) creates the socket file and never replaces what is there,
    // even a file that is not a socket. The error names the path.
    const auto path = this->directory / "taken";
    std::ofstream{path} << "precious";

    auto error = this->bind_error(path);

    EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();
    EXPECT_NE(std::string{error.what()}.find(path.string()), std::string::npos) << error.what();
    std::ifstream kept{path};
    std::stringstream contents;
    contents << kept.rdbuf();
    EXPECT_EQ(contents.str(), "precious") << "the existing file was touched";
}

TYPED_TEST(UnixServer, ServerCloseLeavesTheSocketFileAndTheNextBindFailsUntilItIsRemoved) {
    // As in Python: server_close() closes the socket but does not unlink
    // the path. The stale file keeps the path taken until someone removes
    // it (the demo does, for the file it made).
    const auto path = this->directory / "server.sock";
    auto server = this->make_server(ch02::handler<UpperEcho>());
    server->server_close();

    EXPECT_TRUE(is_socket_file(path)) << "server_close() removed the socket file";
    if constexpr (kind_of<TypeParam>.datagram) {
        test::DatagramClient client{server->server_address, this->directory / "client.sock"};
        try {
            client.send("anyone there?");
            ADD_FAILURE() << "a datagram to a closed server's path was accepted";
        } catch (const std::system_error& error) {
            EXPECT_EQ(error.code(), std::errc::connection_refused) << error.what();
        }
    } else {
        EXPECT_EQ(test::connect_error(server->server_address), std::errc::connection_refused);
    }
    auto error = this->bind_error(path);
    EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();

    std::filesystem::remove(path);
    auto restarted = this->make_server(ch02::handler<UpperEcho>());
    test::ServerThread serving{*restarted};
    EXPECT_TRUE(this->answers(restarted->server_address));
}

TYPED_TEST(UnixServer, DestroyingTheServerLeavesTheSocketFile) {
    // The destructor does what server_close() does, and no more.
    const auto path = this->directory / "server.sock";

    this->make_server(ch02::handler<UpperEcho>()).reset();

    EXPECT_TRUE(is_socket_file(path));
}

TYPED_TEST(UnixServer, APathInADirectoryThatDoesNotExistFailsNamingThePath) {
    const auto path = this->directory / "no-such-directory" / "server.sock";
    const auto fds_before = test::open_fd_count();

    auto error = this->bind_error(path);

    EXPECT_EQ(error.code(), std::errc::no_such_file_or_directory) << error.what();
    EXPECT_NE(std::string{error.what()}.find(path.string()), std::string::npos) << error.what();
    EXPECT_EQ(test::open_fd_count(), fds_before) << "the failed server leaked its socket";
}

// A path of exactly `length` bytes inside directory; none if the directory's
// own name is already too long for that (an unusual TMPDIR).
std::optional<std::string> path_of_length(const std::filesystem::path& directory,
                                          std::size_t length) {
    std::string path = directory.string() + "/";
    if (path.size() >= length) {
        return std::nullopt;
    }
    path += std::string(length - path.size(), 'x');
    return path;
}

TYPED_TEST(UnixServer, APathLongerThanSunPathIsRefusedNamingTheLimitAndNothingIsCreated) {
    // sockaddr_un's sun_path holds 108 bytes on Linux, the last one for the
    // terminating NUL. A longer path must not be cut to fit: the server
    // would then bind, and a client find, some other file.
    const auto long_path = path_of_length(this->directory.path(), 120);
    if (!long_path) {
        GTEST_SKIP() << "the temporary directory's name alone is 120 bytes or more";
    }
    const std::string& path = *long_path;

    try {
        TypeParam server{common::Address::unix_path(path), ch02::handler<UpperEcho>()};
        FAIL() << "a " << path.size() << "-byte path was accepted";
    } catch (const common::AddressError& error) {
        EXPECT_STREQ(error.what(), "path is 120 bytes, the limit is 107");
    }

    EXPECT_TRUE(std::filesystem::is_empty(this->directory.path()))
        << "something was bound under a truncated name";
}

TYPED_TEST(UnixServer, APathOfExactlyTheLimitIsBoundWhole) {
    const auto longest_path = path_of_length(this->directory.path(), 107);
    if (!longest_path) {
        GTEST_SKIP() << "the temporary directory's name alone is 107 bytes or more";
    }
    const std::string& path = *longest_path;

    TypeParam server{common::Address::unix_path(path), ch02::handler<UpperEcho>()};

    EXPECT_EQ(server.server_address.host(), path);
    EXPECT_TRUE(is_socket_file(path));
    test::ServerThread serving{server};
    EXPECT_TRUE(this->answers(server.server_address));
    EXPECT_THROW(common::Address::unix_path(path + "x"), common::AddressError)
        << "one byte more is over the limit";
}

// Answers with how it sees the client: client_address as printed.
class SayClientAddress : public ch02::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        std::string reply = client_address.to_string() + "\n";
        if (request.is_datagram()) {
            request.socket().sendto(reply, client_address);
        } else {
            request.socket().send_all(reply);
        }
    }
};

// ---------------------------------------------------------------------------
// UnixStreamServer

TEST(UnixStreamServer, AClientThatBoundNoPathIsAnUnnamedClientAddress) {
    // Python shows such a client_address as ''. It does not matter for a
    // stream: the reply goes back over the connection, not to an address.
    test::TempDir directory;
    UnixStreamServer server{common::Address::unix_path((directory / "s.sock").string()),
                            ch02::handler<SayClientAddress>()};
    test::Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv_until_eof(), "(unnamed Unix socket)\n");
}

TEST(UnixStreamServer, AClientThatBoundAPathIsSeenByThatPath) {
    test::TempDir directory;
    UnixStreamServer server{common::Address::unix_path((directory / "s.sock").string()),
                            ch02::handler<SayClientAddress>()};
    const std::string client_path = (directory / "c.sock").string();
    auto client = common::Socket::open(AF_UNIX, SOCK_STREAM);
    client.set_timeout(test::default_timeout);
    client.bind(common::Address::unix_path(client_path));
    client.connect(server.server_address);

    ASSERT_TRUE(serve_one(server));

    std::string reply;
    char chunk[256];
    while (std::size_t length = client.recv(chunk)) {  // to the end of the stream
        reply.append(chunk, length);
    }
    EXPECT_EQ(reply, client_path + "\n");
}

TEST(UnixStreamServer, ServerBindMakesTheFileButOnlyServerActivateLetsClientsConnect) {
    test::TempDir directory;
    const auto path = directory / "s.sock";
    UnixStreamServer server{common::Address::unix_path(path.string()),
                            ch02::handler<UpperEcho>(), false};

    EXPECT_FALSE(std::filesystem::exists(path));
    server.server_bind();
    EXPECT_TRUE(is_socket_file(path));
    EXPECT_EQ(test::connect_error(server.server_address), std::errc::connection_refused)
        << "a client could connect before server_activate()";

    server.server_activate();
    test::ServerThread serving{server};
    test::Client client{server.server_address};
    client.send("now\n");
    EXPECT_EQ(client.recv_line(), "NOW\n");
}

// ---------------------------------------------------------------------------
// UnixDatagramServer and the client that bound no path

// Writes down the client_address of each datagram, and answers nobody.
class RememberSender : public ch02::BaseRequestHandler {
public:
    RememberSender(ch02::Request& request, const common::Address& client,
                   ch02::BaseServer& server, common::Address& seen)
        : BaseRequestHandler(request, client, server), seen_(seen) {}
    void handle() override { seen_ = client_address; }

private:
    common::Address& seen_;
};

// "@" and five lowercase hex digits: the name Linux gives an autobound socket.
bool is_autobind_name(const std::string& name) {
    return name.size() == 6 && name[0] == '@' &&
           name.find_first_not_of("0123456789abcdef", 1) == std::string::npos;
}

class UnixDatagramClients : public ::testing::Test {
protected:
    common::Address server_path() const {
        return common::Address::unix_path((directory / "s.sock").string());
    }
    test::TempDir directory;
};

TEST_F(UnixDatagramClients, AClientThatBoundNoPathIsSeenAsUnnamed) {
    // recvfrom(2) reports no address at all for such a sender: there is
    // nothing the server could send a reply to.
    common::Address seen = common::Address::inet("127.0.0.1", 9);  // anything but unnamed
    UnixDatagramServer server{server_path(),
                              [&seen](ch02::Request& request, const common::Address& client,
                                      ch02::BaseServer& server) {
                                  return std::make_unique<RememberSender>(request, client,
                                                                          server, seen);
                              }};
    test::DatagramClient anonymous{server.server_address};  // no path of its own

    anonymous.send("who am i?");
    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(seen.is_unnamed()) << "seen as " << seen;
    EXPECT_EQ(seen.host(), "");
    EXPECT_TRUE(anonymous.local_address().is_unnamed());
}

TEST_F(UnixDatagramClients, ReplyingToAnUnnamedClientFailsIntoHandleErrorAndTheServerGoesOn) {
    // A handler that answers every sender, as UpperEcho does, cannot
    // answer this one: sendto(2) has no address to send to. The failure
    // goes to handle_error and the next client, which bound a path, is
    // answered.
    RecordingServer<UnixDatagramServer> server{server_path(), ch02::handler<UpperEcho>()};
    test::ServerThread serving{server};
    test::DatagramClient anonymous{server.server_address};

    anonymous.send("who am i?");

    ASSERT_TRUE(server.wait_for("handle_error", 1)) << "handle_error() was never called";
    EXPECT_TRUE(server.error_clients()[0].is_unnamed()) << server.error_clients()[0];
    EXPECT_NE(server.errors()[0].find("sendto"), std::string::npos) << server.errors()[0];
    test::DatagramClient named{server.server_address, directory / "named.sock"};
    named.send("and me?");
    EXPECT_EQ(named.recv(), "AND ME?");
}

TEST_F(UnixDatagramClients, DefaultHandleErrorReportsTheFailedReplyOnStderr) {
    UnixDatagramServer server{server_path(), ch02::handler<UpperEcho>()};
    test::DatagramClient anonymous{server.server_address};
    anonymous.send("who am i?");
    test::CaptureStderr reports;

    ASSERT_TRUE(serve_one(server));

    const std::string text = reports.text();
    EXPECT_NE(text.find("Exception occurred during processing of request"), std::string::npos)
        << text;
    EXPECT_NE(text.find("sendto"), std::string::npos) << text;
}

TEST_F(UnixDatagramClients, AClientThatAutoBindsGetsAnAbstractNameAndIsAnswered) {
    // Binding with no path at all (just the family) asks Linux to choose
    // a name in the abstract namespace: five hex digits after a NUL,
    // printed as @xxxxx. That is an address the server can reply to.
    UnixDatagramServer server{server_path(), ch02::handler<SayClientAddress>()};
    test::ServerThread serving{server};
    auto client = common::Socket::open(AF_UNIX, SOCK_DGRAM);
    client.set_timeout(test::default_timeout);
    client.bind(test::unix_autobind_address());  // the family alone, no path
    const std::string name = client.local_address().to_string();
    ASSERT_TRUE(is_autobind_name(name)) << name;

    client.sendto("who am i?", server.server_address);
    char reply[256];
    auto [length, sender] = client.recvfrom(reply);

    EXPECT_EQ(std::string(reply, length), name + "\n");
    EXPECT_EQ(sender, server.server_address);
}

TEST_F(UnixDatagramClients, AClientThatLeftBeforeTheReplyFailsIntoHandleErrorAndTheServerGoesOn) {
    // The client's socket is closed but its file is still there: sendto(2)
    // finds nobody reading and fails (ECONNREFUSED). The error names the
    // call and the path.
    RecordingServer<UnixDatagramServer> server{server_path(), ch02::handler<UpperEcho>()};
    const std::string gone_path = (directory / "gone.sock").string();
    {
        auto gone = common::Socket::open(AF_UNIX, SOCK_DGRAM);
        gone.set_timeout(test::default_timeout);
        gone.bind(common::Address::unix_path(gone_path));
        gone.sendto("reply to me", server.server_address);
    }

    ASSERT_TRUE(serve_one(server));

    ASSERT_EQ(server.errors().size(), 1u);
    EXPECT_NE(server.errors()[0].find("sendto " + gone_path), std::string::npos)
        << server.errors()[0];
    test::ServerThread serving{server};
    test::DatagramClient next{server.server_address, directory / "next.sock"};
    next.send("still there?");
    EXPECT_EQ(next.recv(), "STILL THERE?");
}

TEST(UnixDatagramServer, ServerBindMakesTheFile) {
    test::TempDir directory;
    const auto path = directory / "s.sock";
    UnixDatagramServer server{common::Address::unix_path(path.string()),
                              ch02::handler<UpperEcho>(), false};

    EXPECT_FALSE(std::filesystem::exists(path));
    server.server_bind();
    EXPECT_TRUE(is_socket_file(path));
    EXPECT_EQ(server.server_address.host(), path.string());
}

}  // namespace
