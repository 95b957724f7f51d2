/// \file
/// \brief UDPServer and UnixDatagramServer, as chapter 2 made them: each
/// datagram is a request, the pair (data, the server's socket); there is no
/// listen and no accept, and the socket serves every client. Datagram
/// boundaries, max_packet_size and what happens to a longer datagram, and
/// answering the right sender. `DatagramServer`, over every chapter's
/// datagram classes.
#pragma once

#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/text.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class DatagramServer : public ServerTest<Server> {
protected:
    // A datagram client that can receive replies: a UDP socket always can;
    // a Unix one only once it has bound a path of its own.
    std::unique_ptr<DatagramClient> datagram_client(const common::Address& server,
                                                          const std::string& name = "client.sock") {
        std::optional<std::filesystem::path> own_path;
        if constexpr (kind_of<Server>.unix_domain) {
            own_path = this->directory / name;
        }
        return std::make_unique<DatagramClient>(server, own_path);
    }
};
TYPED_TEST_SUITE_P(DatagramServer);

// Tells the client what it was handed: the kind of request, which socket
// it came with, and the bytes.
template <class Base>
class DescribeRequest : public Base {
public:
    using Base::Base;
    void handle() override {
        auto& request = this->request;
        std::string kind = request.is_datagram() ? "datagram" : "stream";
        std::string socket = request.socket().fd() == this->server.fileno() ? "the server's socket"
                                                                             : "another socket";
        request.socket().sendto(kind + " through " + socket + ": " + request.data,
                                this->client_address);
    }
};

TYPED_TEST_P(DatagramServer, TheRequestIsTheDatagramsBytesAndTheServersOwnSocket) {
    // Python hands a datagram handler request = (data, socket): the bytes
    // of one datagram and the server's socket, to answer through.
    auto server = this->make_server(handler_factory<DescribeRequest, TypeParam>());
    auto client = this->datagram_client(server->server_address);
    client->send("hello");

    ASSERT_TRUE(serve_one(*server));

    EXPECT_EQ(client->recv(), "datagram through the server's socket: hello");
}

TYPED_TEST_P(DatagramServer, TheReplyComesFromTheServersAddress) {
    // A reply is sent with sendto() through the server's own socket, so its
    // source is server_address: the client can tell it from any stray
    // datagram.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);

    client->send("who answers?");
    auto [reply, sender] = client->recv_from();

    EXPECT_EQ(reply, "WHO ANSWERS?");
    EXPECT_EQ(sender, server->server_address);
}

TYPED_TEST_P(DatagramServer, AConnectedClientReceivesTheReply) {
    // `nc -u` connect()s its socket, after which the kernel drops every
    // datagram whose source is not exactly the address connected to. A
    // reply from any other socket than the server's would never arrive.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);
    client->connect();

    for (const char* line : {"one\n", "two\n"}) {
        client->send(line);
        EXPECT_EQ(client->recv(), upper_copy(line));
    }
}

TYPED_TEST_P(DatagramServer, AnEmptyDatagramIsARequestAndGetsAnEmptyReply) {
    // A datagram of no bytes still arrives, and is still a request: unlike
    // a stream, where reading nothing means the peer has closed.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);

    client->send("");
    auto [reply, sender] = client->recv_from();

    EXPECT_EQ(reply, "");
    EXPECT_EQ(sender, server->server_address);
}

TYPED_TEST_P(DatagramServer, EveryByteValueIncludingNulPassesThrough) {
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);
    std::string every_byte;
    for (int value = 0; value < 256; ++value) {
        every_byte += static_cast<char>(value);
    }
    every_byte += std::string("\0\0\0", 3);  // NULs at the very end are kept too

    client->send(every_byte);

    EXPECT_EQ(client->recv(), upper_copy(every_byte));
}

TYPED_TEST_P(DatagramServer, DatagramBoundariesArePreserved) {
    // Datagrams sent back to back come back as that many datagrams, each
    // whole: never merged, never split, as stream bytes may be. (Fewer
    // than 10 at once: Linux queues at most 10 datagrams on a Unix socket
    // by default, and the client reads only once all are sent.)
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);
    std::vector<std::string> sent;
    const std::size_t sizes[] = {0, 1, 2, 5, 100, 1000, 4000, 8192};
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
        sent.push_back(std::string(sizes[i], static_cast<char>('a' + i)));
    }

    for (const auto& datagram : sent) {
        client->send(datagram);
    }
    std::vector<std::string> received;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        received.push_back(client->recv());
    }

    // Compared without their order: UDP does not promise to keep it.
    std::vector<std::string> expected;
    for (const auto& datagram : sent) {
        expected.push_back(upper_copy(datagram));
    }
    std::sort(received.begin(), received.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(received, expected);
}

TYPED_TEST_P(DatagramServer, EachOfManyClientsGetsOnlyItsOwnAnswers) {
    // One socket serves everybody: every reply must go to client_address,
    // the sender of that very datagram. Sixteen clients send in a
    // different order each round, so their datagrams interleave.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    ServerThread serving{*server};
    constexpr int client_count = 16;
    constexpr int rounds = 20;
    std::vector<std::unique_ptr<DatagramClient>> clients;
    for (int i = 0; i < client_count; ++i) {
        clients.push_back(
            this->datagram_client(server->server_address, "c" + std::to_string(i) + ".sock"));
    }
    std::vector<int> order(client_count);
    for (int i = 0; i < client_count; ++i) {
        order[i] = i;
    }
    std::mt19937 random{2};  // a fixed seed: the same interleaving on every run

    for (int round = 0; round < rounds; ++round) {
        std::shuffle(order.begin(), order.end(), random);
        for (int i : order) {
            clients[i]->send("client " + std::to_string(i) + " round " + std::to_string(round));
        }
        for (int i = 0; i < client_count; ++i) {
            ASSERT_EQ(clients[i]->recv(),
                      "CLIENT " + std::to_string(i) + " ROUND " + std::to_string(round));
        }
    }
}

// Answers with "T" or "F" (request.truncated) followed by the bytes it got.
template <class Base>
class ReportTruncation : public Base {
public:
    using Base::Base;
    void handle() override {
        this->request.socket().sendto((this->request.truncated ? "T" : "F") + this->request.data,
                                      this->client_address);
    }
};

// What the handler saw of a datagram of `size` bytes: whether it was told
// the datagram was truncated, and how many of its bytes it got (checked
// to be the datagram's first ones).
struct TruncationSeen {
    bool truncated;
    std::size_t bytes;
    friend bool operator==(const TruncationSeen&, const TruncationSeen&) = default;
    friend std::ostream& operator<<(std::ostream& out, const TruncationSeen& seen) {
        return out << (seen.truncated ? "truncated, " : "whole, ") << seen.bytes << " bytes";
    }
};

inline TruncationSeen seen_by_handler(DatagramClient& client, std::size_t size) {
    std::string datagram;
    for (std::size_t i = 0; i < size; ++i) {
        datagram += static_cast<char>('a' + i % 26);
    }
    client.send(datagram);
    std::string reply = client.recv();
    if (reply.empty()) {
        ADD_FAILURE() << "the reply has no T/F mark";
        return {false, 0};
    }
    std::string data = reply.substr(1);
    EXPECT_EQ(data, datagram.substr(0, data.size())) << "not the datagram's first bytes";
    return {reply[0] == 'T', data.size()};
}

TYPED_TEST_P(DatagramServer, MaxPacketSizeIs8192AsInPython) {
    auto server = this->make_server(handler_factory<ReportTruncation, TypeParam>());

    EXPECT_EQ(server->max_packet_size, 8192u);
}

TYPED_TEST_P(DatagramServer, ADatagramOfExactlyMaxPacketSizeIsWholeAndNotTruncated) {
    auto server = this->make_server(handler_factory<ReportTruncation, TypeParam>());
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);

    EXPECT_EQ(seen_by_handler(*client, 8192), (TruncationSeen{false, 8192}));
    EXPECT_EQ(seen_by_handler(*client, 8191), (TruncationSeen{false, 8191}));
}

TYPED_TEST_P(DatagramServer, ALongerDatagramIsCutToMaxPacketSizeAndMarkedTruncated) {
    // CPython reads recvfrom(max_packet_size) and loses the rest without a
    // word. Here the handler gets the same first 8192 bytes, and
    // request.truncated says that there was more (recvfrom's MSG_TRUNC).
    auto server = this->make_server(handler_factory<ReportTruncation, TypeParam>());
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);

    EXPECT_EQ(seen_by_handler(*client, 8193), (TruncationSeen{true, 8192}));
    EXPECT_EQ(seen_by_handler(*client, 60000), (TruncationSeen{true, 8192}));
    // The rest of a long datagram is gone: it does not turn up as the next one.
    EXPECT_EQ(seen_by_handler(*client, 3), (TruncationSeen{false, 3}));
}

TYPED_TEST_P(DatagramServer, ASmallerMaxPacketSizeSetBeforeServingIsHonoured) {
    auto server = this->make_server(handler_factory<ReportTruncation, TypeParam>());
    server->max_packet_size = 100;
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);

    EXPECT_EQ(seen_by_handler(*client, 100), (TruncationSeen{false, 100}));
    EXPECT_EQ(seen_by_handler(*client, 101), (TruncationSeen{true, 100}));
    EXPECT_EQ(seen_by_handler(*client, 8192), (TruncationSeen{true, 100}));
}

TYPED_TEST_P(DatagramServer, ALargerMaxPacketSizeLetsLongerDatagramsThroughWhole) {
    // 8192 is a default, not a limit of the socket: a server expecting
    // bigger datagrams raises it before serving.
    auto server = this->make_server(handler_factory<ReportTruncation, TypeParam>());
    server->max_packet_size = 20000;
    ServerThread serving{*server};
    auto client = this->datagram_client(server->server_address);

    EXPECT_EQ(seen_by_handler(*client, 15000), (TruncationSeen{false, 15000}));
    EXPECT_EQ(seen_by_handler(*client, 20000), (TruncationSeen{false, 20000}));
    EXPECT_EQ(seen_by_handler(*client, 20001), (TruncationSeen{true, 20000}));
}

TYPED_TEST_P(DatagramServer, ServerActivateDoesNothingBecauseADatagramSocketDoesNotListen) {
    // Python's UDPServer.server_activate is `pass`. A datagram socket
    // receives as soon as it is bound; listen(2) would refuse it.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>(), false);
    server->server_bind();
    auto client = this->datagram_client(server->server_address);

    client->send("before activate");
    ASSERT_TRUE(serve_one(*server));
    EXPECT_EQ(client->recv(), "BEFORE ACTIVATE");

    EXPECT_NO_THROW(server->server_activate());
    int listening = -1;
    socklen_t size = sizeof listening;
    ASSERT_EQ(::getsockopt(server->fileno(), SOL_SOCKET, SO_ACCEPTCONN, &listening, &size), 0);
    EXPECT_EQ(listening, 0) << "a datagram socket is listening";
    // What TCPServer's own step would have done: listen(2) says no.
    EXPECT_THROW(server->TCPServer::server_activate(), std::system_error);

    client->send("after activate");
    ASSERT_TRUE(serve_one(*server));
    EXPECT_EQ(client->recv(), "AFTER ACTIVATE");
}

TYPED_TEST_P(DatagramServer, ShutdownRequestAndCloseRequestLeaveTheServerSocketOpenAndServing) {
    // Python's UDPServer: shutdown_request() only calls close_request(),
    // and close_request() does nothing: the socket is the server's, not
    // the request's.
    auto server = this->make_server(handler_factory<UpperEcho, TypeParam>());
    const int fd = server->fileno();
    RequestOf<TypeParam> stray{"stray", server->socket};

    server->shutdown_request(stray);
    server->close_request(stray);

    EXPECT_EQ(server->fileno(), fd);
    EXPECT_NE(::fcntl(fd, F_GETFD), -1) << "the server's socket was closed";
    auto client = this->datagram_client(server->server_address);
    for (const char* datagram : {"one", "two", "three"}) {
        client->send(datagram);
        ASSERT_TRUE(serve_one(*server));
        EXPECT_EQ(client->recv(), upper_copy(datagram));
        EXPECT_EQ(server->fileno(), fd);
    }
}

REGISTER_TYPED_TEST_SUITE_P(DatagramServer,
                            TheRequestIsTheDatagramsBytesAndTheServersOwnSocket,
                            TheReplyComesFromTheServersAddress,
                            AConnectedClientReceivesTheReply,
                            AnEmptyDatagramIsARequestAndGetsAnEmptyReply,
                            EveryByteValueIncludingNulPassesThrough,
                            DatagramBoundariesArePreserved,
                            EachOfManyClientsGetsOnlyItsOwnAnswers,
                            MaxPacketSizeIs8192AsInPython,
                            ADatagramOfExactlyMaxPacketSizeIsWholeAndNotTruncated,
                            ALongerDatagramIsCutToMaxPacketSizeAndMarkedTruncated,
                            ASmallerMaxPacketSizeSetBeforeServingIsHonoured,
                            ALargerMaxPacketSizeLetsLongerDatagramsThroughWhole,
                            ServerActivateDoesNothingBecauseADatagramSocketDoesNotListen,
                            ShutdownRequestAndCloseRequestLeaveTheServerSocketOpenAndServing);

}  // namespace sockserv::test
