/// \file
/// \brief The clients of the Unix servers, as chapter 2 met them: a stream
/// client that bound no path or one, and the Unix datagram client that bound
/// no path (what the server sees of it, and that the server survives it).
/// `UnixStreamClients` and `UnixDatagramClients`, over every chapter's
/// classes of those kinds.
#pragma once

#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/address.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"  // connect_error
#include "support/process.hpp"
#include "support/recording.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

// Answers with how it sees the client: client_address as printed.
template <class Base>
class SayClientAddress : public Base {
public:
    using Base::Base;
    void handle() override {
        std::string reply = this->client_address.to_string() + "\n";
        if (this->request.is_datagram()) {
            this->request.socket().sendto(reply, this->client_address);
        } else {
            this->request.socket().send_all(reply);
        }
    }
};

// ---------------------------------------------------------------------------
// UnixStreamServer

template <class Server>
class UnixStreamClients : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(UnixStreamClients);

TYPED_TEST_P(UnixStreamClients, AClientThatBoundNoPathIsAnUnnamedClientAddress) {
    // Python shows such a client_address as ''. It does not matter for a
    // stream: the reply goes back over the connection, not to an address.
    TypeParam server{common::Address::unix_path((this->directory / "s.sock").string()),
                     handler_factory<SayClientAddress, TypeParam>()};
    Client client{server.server_address};

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv_until_eof(), "(unnamed Unix socket)\n");
}

TYPED_TEST_P(UnixStreamClients, AClientThatBoundAPathIsSeenByThatPath) {
    TypeParam server{common::Address::unix_path((this->directory / "s.sock").string()),
                     handler_factory<SayClientAddress, TypeParam>()};
    const std::string client_path = (this->directory / "c.sock").string();
    auto client = common::Socket::open(AF_UNIX, SOCK_STREAM);
    client.set_timeout(default_timeout);
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

TYPED_TEST_P(UnixStreamClients, OnlyServerActivateLetsClientsConnect) {
    // server_bind() made the file (UnixServer.ServerBindMakesTheFile), but
    // nobody listens on it yet.
    TypeParam server{common::Address::unix_path((this->directory / "s.sock").string()),
                     handler_factory<UpperEcho, TypeParam>(), false};
    server.server_bind();
    EXPECT_EQ(connect_error(server.server_address), std::errc::connection_refused)
        << "a client could connect before server_activate()";

    server.server_activate();
    ServerThread serving{server};
    Client client{server.server_address};
    client.send("now\n");
    EXPECT_EQ(client.recv_line(), "NOW\n");
}

// ---------------------------------------------------------------------------
// UnixDatagramServer and the client that bound no path

// Writes down the client_address of each datagram, and answers nobody.
template <class Base>
class RememberSender : public Base {
public:
    template <class Request, class Server>
    RememberSender(Request& request, const common::Address& client, Server& server,
                   std::promise<common::Address>& seen)
        : Base(request, client, server), seen_(seen) {}
    // Through a promise: the test reads it once written, whichever thread
    // the server ran the handler on.
    void handle() override { seen_.set_value(this->client_address); }

private:
    std::promise<common::Address>& seen_;
};

// "@" and five lowercase hex digits: the name Linux gives an autobound socket.
inline bool is_autobind_name(const std::string& name) {
    return name.size() == 6 && name[0] == '@' &&
           name.find_first_not_of("0123456789abcdef", 1) == std::string::npos;
}

template <class Server>
class UnixDatagramClients : public ServerTest<Server> {
protected:
    common::Address server_path() const {
        return common::Address::unix_path((this->directory / "s.sock").string());
    }
};
TYPED_TEST_SUITE_P(UnixDatagramClients);

TYPED_TEST_P(UnixDatagramClients, AClientThatBoundNoPathIsSeenAsUnnamed) {
    // recvfrom(2) reports no address at all for such a sender: there is
    // nothing the server could send a reply to.
    std::promise<common::Address> handed_over;
    TypeParam server{this->server_path(),
                     [&handed_over](RequestOf<TypeParam>& request, const common::Address& client,
                                    BaseServerOf<TypeParam>& server) {
                         return std::make_unique<RememberSender<BaseRequestHandlerOf<TypeParam>>>(
                             request, client, server, handed_over);
                     }};
    DatagramClient anonymous{server.server_address};  // no path of its own

    anonymous.send("who am i?");
    ASSERT_TRUE(serve_one(server));
    auto handled = handed_over.get_future();
    ASSERT_EQ(handled.wait_for(default_timeout), std::future_status::ready)
        << "the handler did not report the sender within " << default_timeout.count() << " s";
    const common::Address seen = handled.get();

    EXPECT_TRUE(seen.is_unnamed()) << "seen as " << seen;
    EXPECT_EQ(seen.host(), "");
    EXPECT_TRUE(anonymous.local_address().is_unnamed());
}

TYPED_TEST_P(UnixDatagramClients, ReplyingToAnUnnamedClientFailsIntoHandleErrorAndTheServerGoesOn) {
    // A handler that answers every sender, as UpperEcho does, cannot
    // answer this one: sendto(2) has no address to send to. The failure
    // goes to handle_error and the next client, which bound a path, is
    // answered.
    RecordingServer<TypeParam> server{this->server_path(), handler_factory<UpperEcho, TypeParam>()};
    ServerThread serving{server};
    DatagramClient anonymous{server.server_address};

    anonymous.send("who am i?");

    ASSERT_TRUE(server.wait_for("handle_error", 1)) << "handle_error() was never called";
    EXPECT_TRUE(server.error_clients()[0].is_unnamed()) << server.error_clients()[0];
    EXPECT_NE(server.errors()[0].find("sendto"), std::string::npos) << server.errors()[0];
    DatagramClient named{server.server_address, this->directory / "named.sock"};
    named.send("and me?");
    EXPECT_EQ(named.recv(), "AND ME?");
}

TYPED_TEST_P(UnixDatagramClients, DefaultHandleErrorReportsTheFailedReplyOnStderr) {
    TypeParam server{this->server_path(), handler_factory<UpperEcho, TypeParam>()};
    DatagramClient anonymous{server.server_address};
    anonymous.send("who am i?");
    CaptureStderr reports;

    ASSERT_TRUE(serve_one(server));
    // A Threading server reports on the request's thread, which
    // server_close() waits for.
    server.server_close();

    const std::string text = reports.text();
    EXPECT_NE(text.find("Exception occurred during processing of request"), std::string::npos)
        << text;
    EXPECT_NE(text.find("sendto"), std::string::npos) << text;
}

TYPED_TEST_P(UnixDatagramClients, AClientThatAutoBindsGetsAnAbstractNameAndIsAnswered) {
    // Binding with no path at all (just the family) asks Linux to choose
    // a name in the abstract namespace: five hex digits after a NUL,
    // printed as @xxxxx. That is an address the server can reply to.
    TypeParam server{this->server_path(), handler_factory<SayClientAddress, TypeParam>()};
    ServerThread serving{server};
    auto client = common::Socket::open(AF_UNIX, SOCK_DGRAM);
    client.set_timeout(default_timeout);
    client.bind(unix_autobind_address());  // the family alone, no path
    const std::string name = client.local_address().to_string();
    ASSERT_TRUE(is_autobind_name(name)) << name;

    client.sendto("who am i?", server.server_address);
    char reply[256];
    auto [length, sender] = client.recvfrom(reply);

    EXPECT_EQ(std::string(reply, length), name + "\n");
    EXPECT_EQ(sender, server.server_address);
}

TYPED_TEST_P(UnixDatagramClients, AClientThatLeftBeforeTheReplyFailsIntoHandleErrorAndTheServerGoesOn) {
    // The client's socket is closed but its file is still there: sendto(2)
    // finds nobody reading and fails (ECONNREFUSED). The error names the
    // call and the path.
    RecordingServer<TypeParam> server{this->server_path(), handler_factory<UpperEcho, TypeParam>()};
    const std::string gone_path = (this->directory / "gone.sock").string();
    {
        auto gone = common::Socket::open(AF_UNIX, SOCK_DGRAM);
        gone.set_timeout(default_timeout);
        gone.bind(common::Address::unix_path(gone_path));
        gone.sendto("reply to me", server.server_address);
    }

    ASSERT_TRUE(serve_one(server));
    ASSERT_TRUE(server.wait_for("close_request", 1));

    ASSERT_EQ(server.errors().size(), 1u);
    EXPECT_NE(server.errors()[0].find("sendto " + gone_path), std::string::npos)
        << server.errors()[0];
    ServerThread serving{server};
    DatagramClient next{server.server_address, this->directory / "next.sock"};
    next.send("still there?");
    EXPECT_EQ(next.recv(), "STILL THERE?");
}

REGISTER_TYPED_TEST_SUITE_P(UnixStreamClients,
                            AClientThatBoundNoPathIsAnUnnamedClientAddress,
                            AClientThatBoundAPathIsSeenByThatPath,
                            OnlyServerActivateLetsClientsConnect);

REGISTER_TYPED_TEST_SUITE_P(UnixDatagramClients,
                            AClientThatBoundNoPathIsSeenAsUnnamed,
                            ReplyingToAnUnnamedClientFailsIntoHandleErrorAndTheServerGoesOn,
                            DefaultHandleErrorReportsTheFailedReplyOnStderr,
                            AClientThatAutoBindsGetsAnAbstractNameAndIsAnswered,
                            AClientThatLeftBeforeTheReplyFailsIntoHandleErrorAndTheServerGoesOn);

}  // namespace sockserv::test
