// Chapter 1's failure cases: addresses that cannot be bound, clients that
// misbehave, handlers that throw, and descriptors that must not leak.
#include <array>
#include <csignal>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "ch01/socketserver.hpp"
#include "support/client.hpp"
#include "support/process.hpp"
#include "support/server_thread.hpp"
#include "test_handlers.hpp"

namespace {

using namespace sockserv;
using ch01::TCPServer;
using ch01_test::answers;
using ch01_test::loopback_any_port;
using ch01_test::serve_one;
using ch01_test::UpperEcho;

// The system_error that constructing a TCPServer on address throws.
std::system_error bind_error(const common::Address& address) {
    try {
        TCPServer server{address, ch01::handler<UpperEcho>()};
    } catch (const std::system_error& error) {
        return error;
    }
    ADD_FAILURE() << "binding " << address << " succeeded";
    return std::system_error{std::error_code{}};
}

TEST(BindErrors, APortInUseThrowsAddressInUseNamingTheAddress) {
    TCPServer first{loopback_any_port(), ch01::handler<UpperEcho>()};

    auto error = bind_error(first.server_address);

    EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();
    EXPECT_NE(std::string{error.what()}.find(first.server_address.to_string()), std::string::npos)
        << error.what();
}

TEST(BindErrors, AnAddressOfNoInterfaceHereThrowsNamingTheAddress) {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    auto address = common::Address::parse_inet("192.0.2.1:0");

    auto error = bind_error(address);

    EXPECT_EQ(error.code(), std::errc::address_not_available) << error.what();
    EXPECT_NE(std::string{error.what()}.find("192.0.2.1"), std::string::npos) << error.what();
}

TEST(BindErrors, AMalformedAddressIsRefusedBeforeAnySocketIsMade) {
    auto fds_before = test::open_fd_count();

    EXPECT_THROW(TCPServer(common::Address::parse_inet(":0"), ch01::handler<UpperEcho>()),
                 std::invalid_argument);

    EXPECT_EQ(test::open_fd_count(), fds_before);
}

TEST(BindErrors, AThousandAndTwentyFourFailedBindsLeakNoDescriptor) {
    // CPython issue 22435: a TCPServer whose bind failed leaked its socket.
    TCPServer holder{loopback_any_port(), ch01::handler<UpperEcho>()};
    auto fds_before = test::open_fd_count();

    for (int attempt = 0; attempt < 1024; ++attempt) {
        EXPECT_THROW(TCPServer(holder.server_address, ch01::handler<UpperEcho>()),
                     std::system_error);
    }

    EXPECT_EQ(test::open_fd_count(), fds_before);
}

TEST(Descriptors, ManyRequestsLeakNoDescriptor) {
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    auto fds_before = test::open_fd_count();

    for (int i = 0; i < 200; ++i) {
        test::Client client{server.server_address};
        client.send("ping\n");
        client.close_write();
        ASSERT_TRUE(serve_one(server));
        ASSERT_EQ(client.recv_until_eof(), "PING\n");
    }

    EXPECT_EQ(test::open_fd_count(), fds_before);
}

TEST(ClientErrors, AClientThatConnectsAndResetsDoesNotStopTheServer) {
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::CaptureStderr reports;  // the reset may be reported; keep the log clean
    test::ServerThread serving{server};

    test::Client vanishing{server.server_address};
    vanishing.reset();

    EXPECT_TRUE(answers(server.server_address));
}

TEST(ClientErrors, AClientThatSendsThenResetsDoesNotStopTheServer) {
    TCPServer server{loopback_any_port(), ch01::handler<UpperEcho>()};
    test::CaptureStderr reports;
    test::Client vanishing{server.server_address};
    vanishing.send("half a li");
    vanishing.reset();

    ASSERT_TRUE(serve_one(server));

    test::ServerThread serving{server};
    EXPECT_TRUE(answers(server.server_address));
}

// Reads one line, then answers with an endless stream until writing fails.
class Flood : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        request.set_timeout(test::default_timeout);
        char byte = 0;
        while (byte != '\n' && request.recv({&byte, 1}) == 1) {
        }
        const std::string chunk(64 * 1024, 'x');
        for (;;) {
            request.send_all(chunk);
        }
    }
};

TEST(ClientErrors, AClientThatHangsUpBeforeTheReplyDoesNotKillTheServer) {
    // The client sends its request and closes without reading. The first
    // reply bytes are answered with a reset, and the next write raises
    // SIGPIPE, which by default kills the process: the server must get an
    // error instead, report it, and serve the next client.
    ASSERT_NE(std::signal(SIGPIPE, SIG_DFL), SIG_ERR);
    TCPServer server{loopback_any_port(), ch01::handler<Flood>()};
    test::CaptureStderr reports;
    {
        test::Client impatient{server.server_address};
        impatient.send("go\n");
    }

    ASSERT_TRUE(serve_one(server));

    EXPECT_NE(reports.text().find("Broken pipe"), std::string::npos)
        << "the failed write was not reported through handle_error:\n"
        << reports.text();
    server.RequestHandlerClass = ch01::handler<UpperEcho>();
    test::ServerThread serving{server};
    EXPECT_TRUE(answers(server.server_address));
}

// Fails with a message a test can look for.
class Failing : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override { throw std::runtime_error("the handler failed on purpose"); }
};

// Remembers the clients handle_error() was called for, and what was thrown.
class ErrorRecordingServer : public TCPServer {
public:
    using TCPServer::TCPServer;
    void handle_error(ch01::Request&, const common::Address& client) override {
        std::lock_guard lock(mutex);
        clients.push_back(client);
        errors.push_back(common::describe_current_exception());
    }
    std::mutex mutex;
    std::vector<common::Address> clients;
    std::vector<std::string> errors;
};

TEST(HandlerErrors, HandleErrorIsCalledWithTheClientAddress) {
    ErrorRecordingServer server{loopback_any_port(), ch01::handler<Failing>()};
    test::Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    ASSERT_EQ(server.clients.size(), 1u);
    EXPECT_EQ(server.clients[0], client.socket().local_address());
    EXPECT_EQ(server.errors[0], "std::runtime_error: the handler failed on purpose");
}

TEST(HandlerErrors, TheClientOfAFailedHandlerSeesTheConnectionClosed) {
    ErrorRecordingServer server{loopback_any_port(), ch01::handler<Failing>()};
    test::Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(client.at_eof());
}

TEST(HandlerErrors, DefaultHandleErrorReportsTheClientAndTheExceptionOnStderr) {
    TCPServer server{loopback_any_port(), ch01::handler<Failing>()};
    test::Client client{server.server_address};
    test::CaptureStderr reports;

    ASSERT_TRUE(serve_one(server));

    const std::string text = reports.text();
    EXPECT_NE(text.find(client.socket().local_address().to_string()), std::string::npos)
        << "the report does not name the client:\n"
        << text;
    EXPECT_NE(text.find("the handler failed on purpose"), std::string::npos)
        << "the report does not give the exception's message:\n"
        << text;
}

// Throws something that is not a std::exception at all.
class ThrowsAnInt : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override { throw 42; }
};

TEST(HandlerErrors, AnythingThrownIsReportedNotJustStdExceptions) {
    TCPServer server{loopback_any_port(), ch01::handler<ThrowsAnInt>()};
    test::Client client{server.server_address};
    test::CaptureStderr reports;

    ASSERT_TRUE(serve_one(server));

    EXPECT_NE(reports.text().find("unknown exception"), std::string::npos) << reports.text();
}

// Fails for the first client, echoes for the others.
class FailsFirst : public UpperEcho {
public:
    FailsFirst(ch01::Request& request, const common::Address& client, ch01::BaseServer& server,
               bool first)
        : UpperEcho(request, client, server), first_(first) {}
    void handle() override {
        if (first_) {
            throw std::runtime_error("first client");
        }
        UpperEcho::handle();
    }

private:
    bool first_;
};

TEST(HandlerErrors, TheServerGoesOnToTheNextClient) {
    // demo-cli.md rule 8, and Python: handle_error() "continues handling
    // further requests".
    int requests = 0;  // only touched by the serving thread
    TCPServer server{loopback_any_port(),
                     [&requests](ch01::Request& request, const common::Address& client,
                                 ch01::BaseServer& server) {
                         return std::make_unique<FailsFirst>(request, client, server,
                                                             ++requests == 1);
                     }};
    test::CaptureStderr reports;
    test::ServerThread serving{server};

    test::Client unlucky{server.server_address};
    EXPECT_TRUE(unlucky.at_eof());

    EXPECT_TRUE(answers(server.server_address));
}

}  // namespace
