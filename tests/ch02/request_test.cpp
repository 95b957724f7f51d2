// The Request class: Python's `self.request`, which is a connected socket
// for stream servers and the pair (data, server socket) for datagram
// servers. A stream request owns its connection; a datagram request only
// borrows the server's socket. Moving a request must keep both straight.
#include <fcntl.h>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "ch02/request.hpp"
#include "common/socket.hpp"
#include "support/client.hpp"
#include "support/datagram_client.hpp"
#include "support/handlers.hpp"

namespace {

using namespace sockserv;
using ch02::Request;
using test::loopback_any_port;

// A listening socket and one client connected to it: the raw material of
// a stream request, without a server around it.
class StreamRequest : public ::testing::Test {
protected:
    StreamRequest() : listener_(common::Socket::open(AF_INET, SOCK_STREAM)) {
        listener_.set_timeout(test::default_timeout);  // accept(2) too
        listener_.bind(loopback_any_port());
        listener_.listen(1);
        client.emplace(listener_.local_address());
    }

    // The server's end of the client's connection.
    common::Socket accept_connection() { return listener_.accept().first; }

    std::optional<test::Client> client;

private:
    common::Socket listener_;
};

TEST_F(StreamRequest, OwnsTheConnectionAndTalksThroughIt) {
    Request request{accept_connection()};

    EXPECT_FALSE(request.is_datagram());
    EXPECT_TRUE(request.data.empty());
    EXPECT_FALSE(request.truncated);
    request.socket().send_all("through the connection\n");
    EXPECT_EQ(client->recv_line(), "through the connection\n");
}

TEST_F(StreamRequest, CloseEndsTheConnection) {
    Request request{accept_connection()};

    request.close();

    EXPECT_FALSE(request.socket().is_open());
    EXPECT_TRUE(client->at_eof());
}

TEST_F(StreamRequest, DestroyingItClosesTheConnection) {
    { Request request{accept_connection()}; }

    EXPECT_TRUE(client->at_eof());
}

TEST_F(StreamRequest, AMovedRequestTalksThroughItsOwnConnectionAfterTheOriginalIsGone) {
    // The connection lives inside the request, and socket() points at it.
    // After a move the new request's socket() must point at the new
    // request's member: pointing into the old object would mean talking
    // through an emptied socket, or through freed memory once it is gone.
    auto original = std::make_unique<Request>(accept_connection());
    const int fd = original->socket().fd();

    Request moved{std::move(*original)};
    original.reset();

    EXPECT_FALSE(moved.is_datagram());
    EXPECT_EQ(moved.socket().fd(), fd);
    moved.socket().send_all("still connected\n");
    EXPECT_EQ(client->recv_line(), "still connected\n");
}

TEST_F(StreamRequest, AMoveAssignedRequestTalksThroughItsOwnConnection) {
    // The serving loop default-constructs a request and assigns the one
    // get_request() returned to it: the same care is needed here.
    Request target;
    auto original = std::make_unique<Request>(accept_connection());
    const int fd = original->socket().fd();

    target = std::move(*original);
    original.reset();

    EXPECT_FALSE(target.is_datagram());
    EXPECT_EQ(target.socket().fd(), fd);
    target.socket().send_all("assigned\n");
    EXPECT_EQ(client->recv_line(), "assigned\n");
}

TEST_F(StreamRequest, TheMovedFromRequestNoLongerHoldsTheConnection) {
    Request original{accept_connection()};

    Request moved{std::move(original)};
    moved.close();

    // Only one of the two owned the connection: closing the new one ends it.
    EXPECT_TRUE(client->at_eof());
}

// A bound datagram socket standing for a datagram server's, and a client.
class DatagramRequest : public ::testing::Test {
protected:
    DatagramRequest() : server_socket(common::Socket::open(AF_INET, SOCK_DGRAM)) {
        server_socket.bind(loopback_any_port());
        server_socket.set_timeout(test::default_timeout);
        client.emplace(server_socket.local_address());
    }

    // The server's socket still works both ways: it receives the client's
    // datagram and answers it.
    ::testing::AssertionResult server_socket_still_serves() {
        client->send("still there?");
        char buffer[64];
        auto [length, sender] = server_socket.recvfrom(buffer);
        server_socket.sendto(std::string(buffer, length), sender);
        return test::same_reply(client->recv(), "still there?");
    }

    common::Socket server_socket;
    std::optional<test::DatagramClient> client;
};

TEST_F(DatagramRequest, IsTheDataAndABorrowedServerSocket) {
    Request request{"payload", server_socket};

    EXPECT_TRUE(request.is_datagram());
    EXPECT_EQ(request.data, "payload");
    EXPECT_FALSE(request.truncated);
    EXPECT_EQ(&request.socket(), &server_socket);
}

TEST_F(DatagramRequest, RemembersWhetherTheDatagramWasTruncated) {
    Request request{"first bytes", server_socket, true};

    EXPECT_TRUE(request.truncated);
}

TEST_F(DatagramRequest, ClosingOrDestroyingItLeavesTheServerSocketOpen) {
    {
        Request request{"payload", server_socket};
        request.close();
    }

    EXPECT_TRUE(server_socket.is_open());
    EXPECT_TRUE(server_socket_still_serves());
}

TEST_F(DatagramRequest, AMovedRequestStillBorrowsTheServerSocket) {
    auto original = std::make_unique<Request>("payload", server_socket, true);

    Request moved{std::move(*original)};
    original.reset();
    Request assigned;
    assigned = std::move(moved);

    EXPECT_TRUE(assigned.is_datagram());
    EXPECT_EQ(&assigned.socket(), &server_socket);
    EXPECT_EQ(assigned.data, "payload");
    EXPECT_TRUE(assigned.truncated);
    EXPECT_TRUE(server_socket_still_serves());
}

TEST(RequestAssignment, ADatagramAssignedOverAStreamRequestClosesTheConnection) {
    // Assignment replaces what the target held: its connection is closed,
    // and from then on it borrows the server's socket.
    auto listener = common::Socket::open(AF_INET, SOCK_STREAM);
    listener.set_timeout(test::default_timeout);
    listener.bind(loopback_any_port());
    listener.listen(1);
    test::Client client{listener.local_address()};
    Request target{listener.accept().first};
    auto server_socket = common::Socket::open(AF_INET, SOCK_DGRAM);

    target = Request{"datagram", server_socket};

    EXPECT_TRUE(target.is_datagram());
    EXPECT_EQ(&target.socket(), &server_socket);
    EXPECT_TRUE(client.at_eof()) << "the stream request's connection was not closed";
}

}  // namespace
