// Tests of exercise 1.1: ReuseAddressServer::server_bind() (exercises/ch01/reuse_address.cpp).
//
// Everything is observed from outside, as a client or an administrator
// would: where the socket is bound, what getsockopt() says, whether the
// port can be bound again while an old connection lingers in TIME_WAIT.
#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "reuse_address.hpp"
#include "support/client.hpp"

namespace {

using namespace sockserv;
using ch01::exercises::ReuseAddressServer;

// Says one line and returns: the server then closes the connection first,
// which is what leaves the server's side of it in TIME_WAIT.
class SayBye : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override { request.send_all("bye\n"); }
};

common::Address loopback(std::uint16_t port) {
    return common::Address::inet("127.0.0.1", port);
}

// Checks that server_bind() bound the socket where it was asked (127.0.0.1,
// on \p port, or any port when \p port is 0) and recorded that address.
testing::AssertionResult bound_as_asked(const ReuseAddressServer& server, std::uint16_t port) {
    common::Address actual = server.socket.local_address();
    if (actual.host() != "127.0.0.1" || (port != 0 && actual.port() != port)) {
        return testing::AssertionFailure()
               << "the server was asked to bind " << loopback(port)
               << ", but its socket is bound to " << actual
               << ". Did server_bind() call bind() on `socket`? (Without a bind, "
                  "listen() puts the socket on every address and a random port.)";
    }
    if (server.server_address.port() == 0) {
        return testing::AssertionFailure()
               << "the socket is bound to " << actual
               << ", but server_address still says " << server.server_address
               << ". After bind(), ask the socket for its real address (the port the "
                  "OS chose for port 0) and store it in server_address: clients read "
                  "it to find the server.";
    }
    if (!(server.server_address == actual)) {
        return testing::AssertionFailure()
               << "server_address is " << server.server_address
               << ", but the socket is really bound to " << actual
               << ": store the socket's own address in server_address.";
    }
    return testing::AssertionSuccess();
}

// Explains why a server was built although its bind() had to fail.
std::string why_it_bound(const ReuseAddressServer& server, std::uint16_t port) {
    if (server.socket.local_address().port() != port) {
        return " bind() did fail, but server_bind() did not let the error out, and the server "
               "went on with an unbound socket (now on " +
               server.socket.local_address().to_string() +
               "). Leave out any try/catch: a constructor that cannot bind must throw.";
    }
    return "";
}

// getsockopt() on the descriptor itself: what the kernel will act on.
bool reuse_address_is_on(const ReuseAddressServer& server) {
    int value = 0;
    socklen_t size = sizeof value;
    if (::getsockopt(server.fileno(), SOL_SOCKET, SO_REUSEADDR, &value, &size) != 0) {
        throw std::system_error(errno, std::system_category(), "getsockopt SO_REUSEADDR");
    }
    return value != 0;
}

// Runs one request on a server that allows address reuse, with the server
// closing the connection first, then closes the server. Returns (in \p port)
// the port it used, which is left with a connection in TIME_WAIT: what a
// server restarted at once finds.
void leave_port_in_time_wait(std::uint16_t& port) {
    ReuseAddressServer old_server{loopback(0), ch01::handler<SayBye>(), true};
    ASSERT_TRUE(bound_as_asked(old_server, 0));
    port = old_server.server_address.port();

    test::Client client{old_server.server_address};
    old_server.handle_request();  // the client is already waiting: no block
    ASSERT_EQ(client.recv_line(), "bye\n");
    ASSERT_TRUE(client.at_eof()) << "the server should have closed the connection first";
    // The server's side of the connection sent its FIN first, so once the
    // client closes too, it is the one that waits in TIME_WAIT. Then the
    // server stops listening: only that old connection holds the port.
    client.socket().close();
    old_server.server_close();

    // The premise of the tests below, checked without your code: a plain
    // socket cannot bind the port now. (A kernel told to keep no TIME_WAIT
    // sockets would make the tests meaningless, so they are skipped.)
    common::Socket probe = common::Socket::open(AF_INET, SOCK_STREAM);
    try {
        probe.bind(loopback(port));
    } catch (const std::system_error&) {
        return;  // EADDRINUSE, as expected
    }
    GTEST_SKIP() << "this system let a plain socket bind a port in TIME_WAIT";
}

TEST(ServerBind, BindsTheAddressAndRecordsTheRealPort) {
    ReuseAddressServer server{loopback(0), ch01::handler<SayBye>(), false};
    ASSERT_TRUE(bound_as_asked(server, 0));

    // A client that trusts server_address reaches the server.
    test::Client client{server.server_address};
    server.handle_request();
    EXPECT_EQ(client.recv_line(), "bye\n");
}

TEST(ServerBind, SetsSoReuseAddrWhenAllowed) {
    ReuseAddressServer server{loopback(0), ch01::handler<SayBye>(), true};
    ASSERT_TRUE(bound_as_asked(server, 0));
    EXPECT_TRUE(reuse_address_is_on(server))
        << "allow_reuse_address is true, but getsockopt(SO_REUSEADDR) on the listening "
           "socket says the option is off: set it with setsockopt before bind().";
}

TEST(ServerBind, LeavesSoReuseAddrOffWhenNotAllowed) {
    ReuseAddressServer server{loopback(0), ch01::handler<SayBye>(), false};
    ASSERT_TRUE(bound_as_asked(server, 0));
    EXPECT_FALSE(reuse_address_is_on(server))
        << "allow_reuse_address is false (Python's default), but SO_REUSEADDR is on: "
           "set the option only when the server asks for it.";
}

TEST(ServerBind, RebindsAPortInTimeWaitWhenAllowed) {
    std::uint16_t port = 0;
    leave_port_in_time_wait(port);
    if (HasFatalFailure() || IsSkipped()) {
        return;  // the reason is above
    }
    try {
        ReuseAddressServer restarted{loopback(port), ch01::handler<SayBye>(), true};
        EXPECT_TRUE(bound_as_asked(restarted, port));
    } catch (const std::system_error& error) {
        FAIL() << "a server restarted on port " << port
               << " with allow_reuse_address = true could not bind (" << error.what()
               << ") while the old server's connection was in TIME_WAIT. SO_REUSEADDR "
                  "allows exactly that, but only if it is set before bind().";
    }
}

TEST(ServerBind, RefusesAPortInTimeWaitWhenNotAllowed) {
    std::uint16_t port = 0;
    leave_port_in_time_wait(port);
    if (HasFatalFailure() || IsSkipped()) {
        return;  // the reason is above
    }
    try {
        ReuseAddressServer restarted{loopback(port), ch01::handler<SayBye>(), false};
        std::string swallowed = why_it_bound(restarted, port);
        ADD_FAILURE() << "a server restarted on port " << port
                      << " with allow_reuse_address = false was built, although the old "
                         "server's connection was in TIME_WAIT: expected bind() to fail "
                         "with EADDRINUSE."
                      << (swallowed.empty() ? " Is SO_REUSEADDR set even when not allowed?"
                                            : swallowed);
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::address_in_use)
            << "binding failed, as it should, but with: " << error.what();
    }
}

TEST(ServerBind, NeverSharesAPortWithAListeningServer) {
    ReuseAddressServer first{loopback(0), ch01::handler<SayBye>(), true};
    ASSERT_TRUE(bound_as_asked(first, 0));
    std::uint16_t port = first.server_address.port();
    try {
        ReuseAddressServer second{loopback(port), ch01::handler<SayBye>(), true};
        ADD_FAILURE() << "a second server was built on port " << port
                      << " while the first one still listens on it. SO_REUSEADDR only "
                         "forgives old connections in TIME_WAIT: bind() must fail here "
                         "with EADDRINUSE."
                      << why_it_bound(second, port);
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::address_in_use)
            << "binding failed, as it should, but with: " << error.what();
    }
}

}  // namespace
