/// \file
/// \brief The Request class, as chapter 2 made it: Python's `self.request`,
/// which is a connected socket for stream servers and the pair (data,
/// server socket) for datagram servers. A stream request owns its
/// connection; a datagram request only borrows the server's socket. Moving
/// a request must keep both straight. `StreamRequest`, `DatagramRequest`
/// and `RequestAssignment`, over every chapter's Request (found through its
/// TCP classes).
#pragma once

#include <fcntl.h>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "common/socket.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/server_classes.hpp"

namespace sockserv::test {

// A listening socket and one client connected to it: the raw material of
// a stream request, without a server around it.
template <class Server>
class StreamRequest : public ::testing::Test {
protected:
    StreamRequest() : listener_(common::Socket::open(AF_INET, SOCK_STREAM)) {
        listener_.set_timeout(default_timeout);  // accept(2) too
        listener_.bind(loopback_any_port());
        listener_.listen(1);
        client.emplace(listener_.local_address());
    }

    // The server's end of the client's connection.
    common::Socket accept_connection() { return listener_.accept().first; }

    std::optional<Client> client;

private:
    common::Socket listener_;
};
TYPED_TEST_SUITE_P(StreamRequest);

TYPED_TEST_P(StreamRequest, OwnsTheConnectionAndTalksThroughIt) {
    RequestOf<TypeParam> request{this->accept_connection()};

    EXPECT_FALSE(request.is_datagram());
    EXPECT_TRUE(request.data.empty());
    EXPECT_FALSE(request.truncated);
    request.socket().send_all("through the connection\n");
    EXPECT_EQ(this->client->recv_line(), "through the connection\n");
}

TYPED_TEST_P(StreamRequest, CloseEndsTheConnection) {
    RequestOf<TypeParam> request{this->accept_connection()};

    request.close();

    EXPECT_FALSE(request.socket().is_open());
    EXPECT_TRUE(this->client->at_eof());
}

TYPED_TEST_P(StreamRequest, DestroyingItClosesTheConnection) {
    { RequestOf<TypeParam> request{this->accept_connection()}; }

    EXPECT_TRUE(this->client->at_eof());
}

TYPED_TEST_P(StreamRequest, AMovedRequestTalksThroughItsOwnConnectionAfterTheOriginalIsGone) {
    // The connection lives inside the request, and socket() points at it.
    // After a move the new request's socket() must point at the new
    // request's member: pointing into the old object would mean talking
    // through an emptied socket, or through freed memory once it is gone.
    auto original = std::make_unique<RequestOf<TypeParam>>(this->accept_connection());
    const int fd = original->socket().fd();

    RequestOf<TypeParam> moved{std::move(*original)};
    original.reset();

    EXPECT_FALSE(moved.is_datagram());
    EXPECT_EQ(moved.socket().fd(), fd);
    moved.socket().send_all("still connected\n");
    EXPECT_EQ(this->client->recv_line(), "still connected\n");
}

TYPED_TEST_P(StreamRequest, AMoveAssignedRequestTalksThroughItsOwnConnection) {
    // The serving loop default-constructs a request and assigns the one
    // get_request() returned to it: the same care is needed here.
    RequestOf<TypeParam> target;
    auto original = std::make_unique<RequestOf<TypeParam>>(this->accept_connection());
    const int fd = original->socket().fd();

    target = std::move(*original);
    original.reset();

    EXPECT_FALSE(target.is_datagram());
    EXPECT_EQ(target.socket().fd(), fd);
    target.socket().send_all("assigned\n");
    EXPECT_EQ(this->client->recv_line(), "assigned\n");
}

TYPED_TEST_P(StreamRequest, TheMovedFromRequestNoLongerHoldsTheConnection) {
    RequestOf<TypeParam> original{this->accept_connection()};

    RequestOf<TypeParam> moved{std::move(original)};
    moved.close();

    // Only one of the two owned the connection: closing the new one ends it.
    EXPECT_TRUE(this->client->at_eof());
}

// A bound datagram socket standing for a datagram server's, and a client.
template <class Server>
class DatagramRequest : public ::testing::Test {
protected:
    DatagramRequest() : server_socket(common::Socket::open(AF_INET, SOCK_DGRAM)) {
        server_socket.bind(loopback_any_port());
        server_socket.set_timeout(default_timeout);
        client.emplace(server_socket.local_address());
    }

    // The server's socket still works both ways: it receives the client's
    // datagram and answers it.
    ::testing::AssertionResult server_socket_still_serves() {
        client->send("still there?");
        char buffer[64];
        auto [length, sender] = server_socket.recvfrom(buffer);
        server_socket.sendto(std::string(buffer, length), sender);
        return same_reply(client->recv(), "still there?");
    }

    common::Socket server_socket;
    std::optional<DatagramClient> client;
};
TYPED_TEST_SUITE_P(DatagramRequest);

template <class Server>
class RequestAssignment : public ::testing::Test {};
TYPED_TEST_SUITE_P(RequestAssignment);

TYPED_TEST_P(DatagramRequest, IsTheDataAndABorrowedServerSocket) {
    RequestOf<TypeParam> request{"payload", this->server_socket};

    EXPECT_TRUE(request.is_datagram());
    EXPECT_EQ(request.data, "payload");
    EXPECT_FALSE(request.truncated);
    EXPECT_EQ(&request.socket(), &this->server_socket);
}

TYPED_TEST_P(DatagramRequest, RemembersWhetherTheDatagramWasTruncated) {
    RequestOf<TypeParam> request{"first bytes", this->server_socket, true};

    EXPECT_TRUE(request.truncated);
}

TYPED_TEST_P(DatagramRequest, ClosingOrDestroyingItLeavesTheServerSocketOpen) {
    {
        RequestOf<TypeParam> request{"payload", this->server_socket};
        request.close();
    }

    EXPECT_TRUE(this->server_socket.is_open());
    EXPECT_TRUE(this->server_socket_still_serves());
}

TYPED_TEST_P(DatagramRequest, AMovedRequestStillBorrowsTheServerSocket) {
    auto original = std::make_unique<RequestOf<TypeParam>>("payload", this->server_socket, true);

    RequestOf<TypeParam> moved{std::move(*original)};
    original.reset();
    RequestOf<TypeParam> assigned;
    assigned = std::move(moved);

    EXPECT_TRUE(assigned.is_datagram());
    EXPECT_EQ(&assigned.socket(), &this->server_socket);
    EXPECT_EQ(assigned.data, "payload");
    EXPECT_TRUE(assigned.truncated);
    EXPECT_TRUE(this->server_socket_still_serves());
}

TYPED_TEST_P(RequestAssignment, ADatagramAssignedOverAStreamRequestClosesTheConnection) {
    // Assignment replaces what the target held: its connection is closed,
    // and from then on it borrows the server's socket.
    auto listener = common::Socket::open(AF_INET, SOCK_STREAM);
    listener.set_timeout(default_timeout);
    listener.bind(loopback_any_port());
    listener.listen(1);
    Client client{listener.local_address()};
    RequestOf<TypeParam> target{listener.accept().first};
    auto server_socket = common::Socket::open(AF_INET, SOCK_DGRAM);

    target = RequestOf<TypeParam>{"datagram", server_socket};

    EXPECT_TRUE(target.is_datagram());
    EXPECT_EQ(&target.socket(), &server_socket);
    EXPECT_TRUE(client.at_eof()) << "the stream request's connection was not closed";
}

REGISTER_TYPED_TEST_SUITE_P(StreamRequest,
                            OwnsTheConnectionAndTalksThroughIt,
                            CloseEndsTheConnection,
                            DestroyingItClosesTheConnection,
                            AMovedRequestTalksThroughItsOwnConnectionAfterTheOriginalIsGone,
                            AMoveAssignedRequestTalksThroughItsOwnConnection,
                            TheMovedFromRequestNoLongerHoldsTheConnection);

REGISTER_TYPED_TEST_SUITE_P(DatagramRequest,
                            IsTheDataAndABorrowedServerSocket,
                            RemembersWhetherTheDatagramWasTruncated,
                            ClosingOrDestroyingItLeavesTheServerSocketOpen,
                            AMovedRequestStillBorrowsTheServerSocket);

REGISTER_TYPED_TEST_SUITE_P(RequestAssignment,
                            ADatagramAssignedOverAStreamRequestClosesTheConnection);

}  // namespace sockserv::test
