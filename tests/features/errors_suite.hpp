/// \file
/// \brief Chapter 1's failure cases: addresses that cannot be bound,
/// clients that misbehave, handlers that throw, and descriptors that must
/// not leak. `Errors`, over every chapter's TCP classes, and
/// `ReportsAnything`, the one promise chapter 3 changed.
#pragma once

#include <atomic>
#include <csignal>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/process.hpp"
#include "support/recording.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class Errors : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(Errors);

// The system_error that constructing a TCPServer on address throws.
template <class Server>
std::system_error bind_error(const common::Address& address) {
    try {
        Server server{address, handler_factory<UpperEcho, Server>()};
    } catch (const std::system_error& error) {
        return error;
    }
    ADD_FAILURE() << "binding " << address << " succeeded";
    return std::system_error{std::error_code{}};
}

TYPED_TEST_P(Errors, APortInUseThrowsAddressInUseNamingTheAddress) {
    TypeParam first{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};

    auto error = bind_error<TypeParam>(first.server_address);

    EXPECT_EQ(error.code(), std::errc::address_in_use) << error.what();
    EXPECT_NE(std::string{error.what()}.find(first.server_address.to_string()), std::string::npos)
        << error.what();
}

TYPED_TEST_P(Errors, AnAddressOfNoInterfaceHereThrowsNamingTheAddress) {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    auto address = common::Address::parse_inet("192.0.2.1:0");

    auto error = bind_error<TypeParam>(address);

    EXPECT_EQ(error.code(), std::errc::address_not_available) << error.what();
    EXPECT_NE(std::string{error.what()}.find("192.0.2.1"), std::string::npos) << error.what();
}

TYPED_TEST_P(Errors, AMalformedAddressIsRefusedBeforeAnySocketIsMade) {
    auto fds_before = open_fd_count();

    EXPECT_THROW(TypeParam(common::Address::parse_inet(":0"), handler_factory<UpperEcho, TypeParam>()),
                 std::invalid_argument);

    EXPECT_EQ(open_fd_count(), fds_before);
}

TYPED_TEST_P(Errors, AThousandAndTwentyFourFailedBindsLeakNoDescriptor) {
    // CPython issue 22435: a TCPServer whose bind failed leaked its socket.
    TypeParam holder{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    auto fds_before = open_fd_count();

    for (int attempt = 0; attempt < 1024; ++attempt) {
        EXPECT_THROW(TypeParam(holder.server_address, handler_factory<UpperEcho, TypeParam>()),
                     std::system_error);
    }

    EXPECT_EQ(open_fd_count(), fds_before);
}

TYPED_TEST_P(Errors, ManyRequestsLeakNoDescriptor) {
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    auto fds_before = open_fd_count();

    for (int i = 0; i < 200; ++i) {
        Client client{server.server_address};
        client.send("ping\n");
        client.close_write();
        ASSERT_TRUE(serve_one(server));
        ASSERT_EQ(client.recv_until_eof(), "PING\n");
    }
    // Counted after server_close(), which waits for requests in progress:
    // only the server's own socket is gone.
    server.server_close();

    EXPECT_EQ(open_fd_count(), fds_before - 1);
}

TYPED_TEST_P(Errors, AClientThatConnectsAndResetsDoesNotStopTheServer) {
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    CaptureStderr reports;  // the reset may be reported; keep the log clean
    ServerThread serving{server};

    Client vanishing{server.server_address};
    vanishing.reset();

    EXPECT_TRUE(answers_line(server.server_address));
}

TYPED_TEST_P(Errors, AClientThatSendsThenResetsDoesNotStopTheServer) {
    TypeParam server{loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};
    CaptureStderr reports;
    Client vanishing{server.server_address};
    vanishing.send("half a li");
    vanishing.reset();

    ASSERT_TRUE(serve_one(server));

    ServerThread serving{server};
    EXPECT_TRUE(answers_line(server.server_address));
}

// Reads one line, then answers with an endless stream until writing fails.
template <class Base>
class Flood : public Base {
public:
    using Base::Base;
    void handle() override {
        common::Socket& connection = socket_of(this->request);
        connection.set_timeout(default_timeout);
        char byte = 0;
        while (byte != '\n' && connection.recv({&byte, 1}) == 1) {
        }
        const std::string chunk(64 * 1024, 'x');
        for (;;) {
            connection.send_all(chunk);
        }
    }
};

TYPED_TEST_P(Errors, AClientThatHangsUpBeforeTheReplyDoesNotKillTheServer) {
    // The client sends its request and closes without reading. The first
    // reply bytes are answered with a reset, and the next write raises
    // SIGPIPE, which by default kills the process: the server must get an
    // error instead, report it, and serve the next client.
    ASSERT_NE(std::signal(SIGPIPE, SIG_DFL), SIG_ERR);
    ErrorsCounted<TypeParam> server{loopback_any_port(), handler_factory<Flood, TypeParam>()};
    CaptureStderr reports;
    {
        Client impatient{server.server_address};
        impatient.send("go\n");
    }

    ASSERT_TRUE(serve_one(server));
    ASSERT_TRUE(server.wait_for_errors(1)) << "handle_error() was never called";

    EXPECT_NE(reports.text().find("Broken pipe"), std::string::npos)
        << "the failed write was not reported through handle_error:\n"
        << reports.text();
    server.RequestHandlerClass = handler_factory<UpperEcho, TypeParam>();
    ServerThread serving{server};
    EXPECT_TRUE(answers_line(server.server_address));
}

TYPED_TEST_P(Errors, HandleErrorIsCalledWithTheClientAddress) {
    RecordingServer<TypeParam> server{loopback_any_port(), handler_factory<Failing, TypeParam>()};
    Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    ASSERT_TRUE(server.wait_for("handle_error", 1)) << "handle_error() was never called";
    ASSERT_EQ(server.error_clients().size(), 1u);
    EXPECT_EQ(server.error_clients()[0], client.socket().local_address());
    EXPECT_EQ(server.errors()[0], "std::runtime_error: the handler failed on purpose");
}

TYPED_TEST_P(Errors, TheClientOfAFailedHandlerSeesTheConnectionClosed) {
    RecordingServer<TypeParam> server{loopback_any_port(), handler_factory<Failing, TypeParam>()};
    Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(client.at_eof());
}

TYPED_TEST_P(Errors, DefaultHandleErrorReportsTheClientAndTheExceptionOnStderr) {
    TypeParam server{loopback_any_port(), handler_factory<Failing, TypeParam>()};
    Client client{server.server_address};
    CaptureStderr reports;

    ASSERT_TRUE(serve_one(server));
    // A Threading server reports on the request's thread, which
    // server_close() waits for.
    server.server_close();

    const std::string text = reports.text();
    EXPECT_NE(text.find(client.socket().local_address().to_string()), std::string::npos)
        << "the report does not name the client:\n"
        << text;
    EXPECT_NE(text.find("the handler failed on purpose"), std::string::npos)
        << "the report does not give the exception's message:\n"
        << text;
}

// Fails for the first client, echoes for the others.
template <class Base>
class FailsFirst : public UpperEcho<Base> {
public:
    template <class Request, class Server>
    FailsFirst(Request& request, const common::Address& client, Server& server, bool first)
        : UpperEcho<Base>(request, client, server), first_(first) {}
    void handle() override {
        if (first_) {
            throw std::runtime_error("first client");
        }
        UpperEcho<Base>::handle();
    }

private:
    bool first_;
};

TYPED_TEST_P(Errors, TheServerGoesOnToTheNextClient) {
    // The demo contract, "A client that fails" (docs/demo-contract.md), and
    // Python: handle_error() "continues handling
    // further requests".
    std::atomic<int> requests = 0;
    TypeParam server{loopback_any_port(),
                     [&requests](RequestOf<TypeParam>& request, const common::Address& client,
                                 BaseServerOf<TypeParam>& server) {
                         return std::make_unique<FailsFirst<BaseRequestHandlerOf<TypeParam>>>(
                             request, client, server, ++requests == 1);
                     }};
    CaptureStderr reports;
    ServerThread serving{server};

    Client unlucky{server.server_address};
    EXPECT_TRUE(unlucky.at_eof());

    EXPECT_TRUE(answers_line(server.server_address));
}

REGISTER_TYPED_TEST_SUITE_P(Errors,
                            APortInUseThrowsAddressInUseNamingTheAddress,
                            AnAddressOfNoInterfaceHereThrowsNamingTheAddress,
                            AMalformedAddressIsRefusedBeforeAnySocketIsMade,
                            AThousandAndTwentyFourFailedBindsLeakNoDescriptor,
                            ManyRequestsLeakNoDescriptor,
                            AClientThatConnectsAndResetsDoesNotStopTheServer,
                            AClientThatSendsThenResetsDoesNotStopTheServer,
                            AClientThatHangsUpBeforeTheReplyDoesNotKillTheServer,
                            HandleErrorIsCalledWithTheClientAddress,
                            TheClientOfAFailedHandlerSeesTheConnectionClosed,
                            DefaultHandleErrorReportsTheClientAndTheExceptionOnStderr,
                            TheServerGoesOnToTheNextClient);

// Until chapter 3, handle_error() is told of anything a handler throws.
// Chapter 3 draws Python's line between errors and SystemExit: from then
// on only a std::exception is reported, and anything else leaves the
// serving call (the ErrorPolicy suite), so this suite stops at chapter 2.
template <class Server>
class ReportsAnything : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(ReportsAnything);

// Throws something that is not a std::exception at all.
template <class Base>
class ThrowsAnInt : public Base {
public:
    using Base::Base;
    void handle() override { throw 42; }
};

TYPED_TEST_P(ReportsAnything, AnythingThrownIsReportedNotJustStdExceptions) {
    TypeParam server{loopback_any_port(), handler_factory<ThrowsAnInt, TypeParam>()};
    Client client{server.server_address};
    CaptureStderr reports;

    ASSERT_TRUE(serve_one(server));

    EXPECT_NE(reports.text().find("unknown exception"), std::string::npos) << reports.text();
}

REGISTER_TYPED_TEST_SUITE_P(ReportsAnything, AnythingThrownIsReportedNotJustStdExceptions);

}  // namespace sockserv::test
