// Tests of exercise 2.1: DatagramEchoHandler::handle() (exercises/ch02/datagram_handler.cpp).
//
// Real datagram servers (UDP on loopback, Unix datagram sockets in a fresh
// directory) run the handler; real clients send datagrams and read what
// comes back. Each test sends first and then calls handle_request() on its
// own thread, once the datagram is known to be waiting: whatever reply the
// handler sends has been sent by the time handle_request() returns.
//
// Most tests use Unix datagram sockets, because there a datagram is in the
// receiver's queue as soon as sendto() returns: a missing reply is known at
// once, without waiting. The handler does not care which kind of server
// runs it. The few UDP tests wait a little for the loopback delivery.
#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/error.hpp"
#include "common/poller.hpp"
#include "datagram_handler.hpp"
#include "support/printable.hpp"
#include "support/datagram_client.hpp"
#include "support/probe.hpp"
#include "support/process.hpp"

namespace {

using namespace sockserv;
using ch02::exercises::CannotReply;
using ch02::exercises::DatagramEchoHandler;

// How long a UDP client waits for a reply. A correct handler has sent it
// before handle_request() returns and the kernel delivers it at once; a
// handler that sends nothing fails a UDP test after this long.
constexpr common::Seconds udp_delivery_time{2.0};

// The longest a handler may wait on the server's socket. It has no reason
// to wait at all (the datagram is in request.data already): a recv() there
// would block the test forever, and fails after this long instead.
constexpr common::Seconds handler_wait_limit{2.0};

// What handle_error() was told: the client, the exception, and whether it
// was the CannotReply the exercise asks for.
struct Report {
    common::Address client;
    std::string error;
    bool cannot_reply = false;
};

// A datagram server (UDPServer or UnixDatagramServer) that serves with
// DatagramEchoHandler and records what handle_error() is asked to report,
// instead of printing it.
template <class Server>
class Recording : public Server {
public:
    explicit Recording(common::Address address)
        : Server(std::move(address), ch02::handler<DatagramEchoHandler>()) {
        this->socket.set_timeout(handler_wait_limit);
    }

    void handle_error(ch02::Request&, const common::Address& client) override {
        Report report{client, common::describe_current_exception(), false};
        if (std::current_exception()) {
            try {
                throw;  // only to ask the exception's type
            } catch (const CannotReply&) {
                report.cannot_reply = true;
            } catch (...) {
            }
        }
        reports.push_back(std::move(report));
    }

    std::vector<Report> reports;
};

using UDPServer = Recording<ch02::UDPServer>;
using UnixDatagramServer = Recording<ch02::UnixDatagramServer>;

std::string show(const std::vector<Report>& reports) {
    if (reports.empty()) {
        return "handle_error() was not called";
    }
    std::string out = "handle_error() reported";
    for (const Report& report : reports) {
        out += " [" + report.error + " (client " + report.client.to_string() + ")]";
    }
    return out;
}

// Runs one request: once the datagram a client sent is waiting (so that
// handle_request() does not wait for ever), handle_request() serves it.
template <class Server>
testing::AssertionResult serve_one(Server& server) {
    common::Poller poller{server.fileno()};
    if (!poller.wait(udp_delivery_time)) {
        return testing::AssertionFailure()
               << "a datagram the test sent to the server is not there to be served. Did an "
                  "earlier handle() read it from the server's socket? A handler receives its "
                  "datagram in request.data: it never reads from request.socket(). "
               << show(server.reports);
    }
    server.handle_request();
    return testing::AssertionSuccess();
}

// Whether a datagram is waiting on the server's own socket: where a reply
// sent to server_address instead of client_address ends up.
template <class Server>
bool server_received_its_own_reply(Server& server) {
    char byte;
    return ::recv(server.fileno(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
}

// The next datagram waiting for \p client, if one has come, without waiting.
std::optional<std::pair<std::string, common::Address>> waiting_datagram(
    test::DatagramClient& client, common::Seconds timeout = common::Seconds{0}) {
    common::Poller poller{client.socket().fd()};
    if (!poller.wait(timeout)) {
        return std::nullopt;
    }
    return client.recv_from();
}

// Why handle() threw, in the terms of the exercise.
std::string advice(const std::string& error) {
    if (error.find("recv") != std::string::npos) {
        return "A handler never receives: the server has read the datagram already, and it is "
               "in request.data.";
    }
    if (error.find("send") != std::string::npos && error.find("sendto") == std::string::npos) {
        return "The server's socket is connected to no one, so send() has no destination: "
               "reply with request.socket().sendto(request.data, client_address).";
    }
    return "Reply with request.socket().sendto(request.data, client_address).";
}

// The client expects \p expected back, from the server's own address.
// \p sent says what the client sent, for the failure message.
template <class Server>
testing::AssertionResult replies(test::DatagramClient& client, Server& server,
                                 std::string_view expected, std::string_view sent) {
    auto failure = [&] {
        return testing::AssertionFailure() << "the client sent " << sent << " and expected "
                                           << test::printable(expected) << " back, but ";
    };
    // A Unix datagram is queued before sendto() returns; a UDP one may
    // still be on its way through the loopback device.
    auto reply = waiting_datagram(client);
    if (!reply && server_received_its_own_reply(server)) {
        return failure() << "the reply went to the server's own socket (a datagram is waiting "
                            "there): send it to client_address, the sender of this datagram, "
                            "not to server_address.";
    }
    if (!reply && client.local_address().family() != AF_UNIX) {
        reply = waiting_datagram(client, udp_delivery_time);
    }
    if (!reply) {
        if (server_received_its_own_reply(server)) {
            return failure() << "the reply went to the server's own socket: send it to "
                                "client_address, the sender of this datagram, not to "
                                "server_address.";
        }
        if (!server.reports.empty()) {
            return failure() << "no reply came: handle() threw, and " << show(server.reports)
                             << ". " << advice(server.reports.back().error);
        }
        return failure() << "no reply came: handle() returned without sending anything. A "
                            "datagram handler answers with one datagram, sent to the client's "
                            "address through the server's own socket, request.socket().";
    }
    auto& [data, sender] = *reply;
    if (data != expected) {
        return testing::AssertionFailure()
               << "the client sent " << sent << " and expected " << test::printable(expected)
               << " back, in one datagram, but the first datagram it received was "
               << test::printable(data)
               << ". Send request.data as it is, all of it, in a single sendto().";
    }
    if (sender.to_string() != server.server_address.to_string()) {
        return testing::AssertionFailure()
               << "the reply came from " << sender << ", not from the server's address "
               << server.server_address
               << ". A client that connect()ed its socket (as nc -u does) drops datagrams from "
                  "anywhere else: reply through the server's own socket, request.socket().";
    }
    return testing::AssertionSuccess();
}

// No error report for a request that should have gone well.
template <class Server>
testing::AssertionResult no_error(const Server& server) {
    if (!server.reports.empty()) {
        return testing::AssertionFailure() << "the request should have gone well, but "
                                           << show(server.reports);
    }
    return testing::AssertionSuccess();
}

// A UnixDatagramServer in a fresh directory, and the paths its clients bind.
struct UnixSetup {
    test::TempDir dir;
    UnixDatagramServer server{common::Address::unix_path((dir / "server.sock").string())};

    // A client bound to its own path in the directory, so replies reach it.
    std::unique_ptr<test::DatagramClient> named_client(const std::string& name) {
        return std::make_unique<test::DatagramClient>(server.server_address, dir / name);
    }
};

TEST(DatagramHandler, EchoesADatagramToItsSender) {
    UDPServer server{common::Address::inet("127.0.0.1", 0)};
    test::DatagramClient client{server.server_address};
    client.send("hello, datagram");

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(replies(client, server, "hello, datagram", "\"hello, datagram\" over UDP"));
    EXPECT_TRUE(no_error(server));
}

TEST(DatagramHandler, AnswersAnEmptyDatagramWithAnEmptyOne) {
    UDPServer server{common::Address::inet("127.0.0.1", 0)};
    test::DatagramClient client{server.server_address};
    client.send("");

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(replies(client, server, "",
                        "an empty UDP datagram (a message with nothing in it, not the end of "
                        "anything)"));
    EXPECT_TRUE(no_error(server));
}

TEST(DatagramHandler, WorksOverIPv6) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "IPv6 loopback (::1) is not available on this machine";
    }
    UDPServer server{common::Address::inet("::1", 0)};
    test::DatagramClient client{server.server_address};
    client.send("over IPv6");

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(replies(client, server, "over IPv6", "\"over IPv6\" from [::1]"));
    EXPECT_TRUE(no_error(server));
}

TEST(DatagramHandler, AnswersAUnixClientAtItsPath) {
    UnixSetup unix_setup;
    auto client = unix_setup.named_client("client.sock");
    client->send("over a Unix socket");

    ASSERT_TRUE(serve_one(unix_setup.server));

    EXPECT_TRUE(replies(*client, unix_setup.server, "over a Unix socket",
                        "\"over a Unix socket\" from a Unix datagram socket bound to a path"))
        << "the same handler must serve UDPServer and UnixDatagramServer alike: only the kind "
           "of address in client_address differs.";
    EXPECT_TRUE(no_error(unix_setup.server));
}

TEST(DatagramHandler, AnswersEachClientWithItsOwnDatagram) {
    UnixSetup unix_setup;
    std::vector<std::unique_ptr<test::DatagramClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(unix_setup.named_client("client" + std::to_string(i) + ".sock"));
    }
    // Sent in an order that is not the order of the clients' creation.
    for (int i : {1, 0, 2}) {
        clients[i]->send("I am client " + std::to_string(i));
    }
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(serve_one(unix_setup.server));
    }

    for (int i = 0; i < 3; ++i) {
        std::string mine = "I am client " + std::to_string(i);
        EXPECT_TRUE(replies(*clients[i], unix_setup.server, mine,
                            "\"" + mine + "\" (three clients sent one datagram each)"))
            << "each client must get the answer to its own datagram, and only that: send to "
               "client_address, which names the sender of this datagram.";
    }
    EXPECT_TRUE(no_error(unix_setup.server));
}

TEST(DatagramHandler, SendsTheWholeDatagramAsOne) {
    // Lines, a NUL byte, bytes above 127 and 6000 more: still one message.
    std::string message = "line one\nline two\n";
    message += std::string{"\0\x01\xfe\xff", 4};
    message += std::string(6000, 'x');
    UnixSetup unix_setup;
    auto client = unix_setup.named_client("client.sock");
    client->send(message);

    ASSERT_TRUE(serve_one(unix_setup.server));

    EXPECT_TRUE(replies(*client, unix_setup.server, message,
                        test::printable(message) + " in one datagram"));
    EXPECT_TRUE(no_error(unix_setup.server));
}

TEST(DatagramHandler, SendsOneReplyPerDatagram) {
    UnixSetup unix_setup;
    auto client = unix_setup.named_client("client.sock");
    client->send("first");
    client->send("second");

    ASSERT_TRUE(serve_one(unix_setup.server));
    ASSERT_TRUE(serve_one(unix_setup.server));

    const char* sent = "\"first\", then \"second\"";
    ASSERT_TRUE(replies(*client, unix_setup.server, "first", sent));
    EXPECT_TRUE(replies(*client, unix_setup.server, "second", sent))
        << " (the second datagram the client received should answer \"second\": one datagram "
           "in, exactly one datagram out)";
    auto extra = waiting_datagram(*client);
    EXPECT_FALSE(extra) << "after its two replies, the client received one more datagram, "
                        << test::printable(extra ? extra->first : "")
                        << ": one datagram in, exactly one datagram out.";
    EXPECT_TRUE(no_error(unix_setup.server));
}

TEST(DatagramHandler, RefusesAnUnnamedUnixClientAndGoesOn) {
    UnixSetup unix_setup;
    auto& server = unix_setup.server;
    test::DatagramClient unnamed{server.server_address};  // binds no path
    unnamed.send("can you hear me?");
    auto named = unix_setup.named_client("client.sock");
    named->send("and me?");

    ASSERT_TRUE(serve_one(server));  // the unnamed client's datagram
    ASSERT_EQ(server.reports.size(), 1u)
        << "a Unix datagram client that bound no path sent a datagram: it has no address, so "
           "no reply can reach it. handle() should have thrown CannotReply (which the server "
           "reports through handle_error()), but "
        << show(server.reports);
    EXPECT_TRUE(server.reports[0].cannot_reply)
        << "the client bound no path (client_address.is_unnamed() is true), so handle() should "
           "throw CannotReply before trying to send, but "
        << show(server.reports)
        << ". Check client_address.is_unnamed() first: a sendto() to no address can only fail, "
           "with an error that does not say why.";
    EXPECT_TRUE(server.reports[0].client.is_unnamed())
        << "(handle_error() should be told the unnamed client's address)";

    ASSERT_TRUE(serve_one(server));  // the next client is served as usual
    EXPECT_TRUE(replies(*named, server, "and me?",
                        "\"and me?\" from a bound path, right after an unnamed client"));
    EXPECT_EQ(server.reports.size(), 1u) << show(server.reports);
}

TEST(DatagramHandler, DoesNotEchoATruncatedDatagram) {
    UnixSetup unix_setup;
    auto& server = unix_setup.server;
    server.max_packet_size = 8;
    auto client = unix_setup.named_client("client.sock");
    client->send("0123456789abcdef");  // 16 bytes: the server keeps the first 8
    client->send("short");

    ASSERT_TRUE(serve_one(server));
    ASSERT_TRUE(serve_one(server));

    // The reply to "short" is the first datagram the client receives only
    // if nothing was sent back for the long one.
    auto first = waiting_datagram(*client);
    if (first && first->first == "01234567") {
        ADD_FAILURE() << "the client sent a 16-byte datagram to a server whose max_packet_size "
                         "is 8, and received \"01234567\" back: handle() echoed the part the "
                         "server kept as if it were the whole message. When request.truncated "
                         "is true, throw CannotReply and send nothing.";
    } else if (!first || first->first != "short") {
        ADD_FAILURE() << "the client sent a 16-byte datagram (cut to 8 by the server, so no "
                         "echo) and then \"short\": the first datagram it received should be "
                         "the echo of \"short\", but "
                      << (first ? "it was " + test::printable(first->first) : "nothing came") << "; "
                      << show(server.reports);
    }
    ASSERT_EQ(server.reports.size(), 1u)
        << "the 16-byte datagram arrived cut to 8 bytes, so handle() should have thrown "
           "CannotReply, but "
        << show(server.reports);
    EXPECT_TRUE(server.reports[0].cannot_reply)
        << "handle() should throw CannotReply for a truncated datagram, but "
        << show(server.reports);
}

}  // namespace
