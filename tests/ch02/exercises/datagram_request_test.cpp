// Tests of exercise 2.2: PacketServer::get_request() (exercises/ch02/datagram_request.cpp).
//
// A PacketServer on loopback serves with a handler that only writes down
// what it was given: the request's bytes, its truncated flag, its kind and
// socket, and the client's address. Real UDP clients send the datagrams.
// Each test sends first and calls handle_request() on its own thread once
// the datagram is waiting, so nothing depends on timing; the server's
// socket also has a receive timeout, so a get_request() that waits for a
// second datagram fails the test instead of hanging it.
#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/poller.hpp"
#include "datagram_request.hpp"
#include "support/printable.hpp"
#include "support/datagram_client.hpp"
#include "support/probe.hpp"

namespace {

using namespace sockserv;
using ch02::exercises::PacketServer;

// Long enough for a datagram sent on loopback to arrive; the longest a
// get_request() that waits for more than one datagram can block.
constexpr common::Seconds wait_limit{2.0};

// What the handler was given for one request.
struct Seen {
    bool is_datagram = false;
    bool servers_socket = false;  // request.socket() is the server's own socket
    std::string data;
    bool truncated = false;
    common::Address client;
};

// Writes down what it was given, and does nothing else.
class Recorder : public ch02::BaseRequestHandler {
public:
    Recorder(ch02::Request& request, const common::Address& client, ch02::BaseServer& server,
             std::vector<Seen>& log)
        : BaseRequestHandler(request, client, server), log_(log) {}

    void handle() override {
        Seen seen;
        seen.is_datagram = request.is_datagram();
        seen.servers_socket =
            &request.socket() == &dynamic_cast<ch02::TCPServer&>(server).socket;
        seen.data = request.data;
        seen.truncated = request.truncated;
        seen.client = client_address;
        log_.push_back(std::move(seen));
    }

private:
    std::vector<Seen>& log_;
};

// A PacketServer whose handler writes into `seen`: what each test runs.
struct Bench {
    explicit Bench(const char* host = "127.0.0.1")
        : server(common::Address::inet(host, 0),
                 [this](ch02::Request& request, const common::Address& client,
                        ch02::BaseServer& owner) {
                     return std::make_unique<Recorder>(request, client, owner, seen);
                 }) {
        server.socket.set_timeout(wait_limit);
    }

    std::vector<Seen> seen;
    PacketServer server;
};

// Serves the datagram that is waiting: one handle_request(), as one turn
// of serve_forever() would.
testing::AssertionResult serve_one(Bench& bench) {
    common::Poller poller{bench.server.fileno()};
    if (!poller.wait(wait_limit)) {
        return testing::AssertionFailure()
               << "a datagram the test sent is no longer waiting on the server's socket. Did an "
                  "earlier get_request() read two datagrams? One call takes exactly one.";
    }
    std::size_t handled_before = bench.seen.size();
    try {
        bench.server.handle_request();
    } catch (...) {
        return testing::AssertionFailure()
               << "an exception came out of get_request(): "
               << common::describe_current_exception()
               << ". get_request() should only let std::system_error out, for a failed "
                  "recvfrom(); any datagram, even an empty one, is a request.";
    }
    if (bench.seen.size() == handled_before) {
        return testing::AssertionFailure()
               << "a datagram was waiting, but handle_request() ran no handler for it: "
                  "get_request() threw std::system_error, and the serving loop dropped the "
                  "request quietly. Was it waiting for a second datagram (one recvfrom() takes "
                  "one whole datagram: there is nothing more to wait for), or refusing an empty "
                  "one (a datagram of 0 bytes is a request like any other)?";
    }
    return testing::AssertionSuccess();
}

// The handler of request number \p index (0 for the first) was given
// \p data, flagged truncated as \p truncated, from \p sender.
testing::AssertionResult handler_got(const Bench& bench, std::size_t index, std::string_view data,
                                     bool truncated, const common::Address& sender,
                                     std::string_view situation) {
    auto failure = [&] { return testing::AssertionFailure() << situation << ": "; };
    if (bench.seen.size() <= index) {
        return failure() << "no handler was run for this datagram";  // serve_one() said why
    }
    const Seen& seen = bench.seen[index];
    if (!seen.is_datagram) {
        return failure() << "get_request() returned a request that is not a datagram request "
                            "(is_datagram() is false). Build it with Request{data, socket, "
                            "truncated}: the bytes, and the server's own socket to reply through.";
    }
    if (!seen.servers_socket) {
        return failure() << "request.socket() is not the server's own socket. Pass `socket` (the "
                            "member of the server) to the Request: it is the socket replies go "
                            "out through.";
    }
    if (seen.data != data) {
        auto result = failure() << "the handler was given " << test::printable(seen.data)
                                << " in request.data, but expected " << test::printable(data) << ".";
        if (seen.data.size() > data.size() && seen.data.size() > bench.server.max_packet_size) {
            result << " max_packet_size is " << bench.server.max_packet_size
                   << ": request.data may never hold more. Receive into a buffer of exactly "
                      "max_packet_size bytes, and remember that with MSG_TRUNC, recvfrom() "
                      "returns the datagram's real length, which can be more than it stored.";
        } else if (seen.data.size() > data.size()) {
            result << " Keep only the bytes recvfrom() stored, not the whole buffer.";
        } else if (seen.data.size() < data.size() && data.size() <= bench.server.max_packet_size) {
            result << " max_packet_size is " << bench.server.max_packet_size
                   << ", so all of it should be there: make the buffer max_packet_size bytes "
                      "long, whatever max_packet_size is set to.";
        }
        return result;
    }
    if (seen.truncated != truncated) {
        if (truncated) {
            return failure() << "request.truncated is false, but the datagram was longer than "
                                "max_packet_size (" << bench.server.max_packet_size
                             << "): the kernel dropped its end. recvfrom() with the flag "
                                "MSG_TRUNC returns the datagram's real length, so you can tell.";
        }
        return failure() << "request.truncated is true, but the datagram was exactly "
                            "max_packet_size bytes or fewer: nothing was lost. Compare the real "
                            "length (from recvfrom() with MSG_TRUNC) with max_packet_size, not "
                            "the bytes stored.";
    }
    if (!(seen.client == sender)) {
        return failure() << "the handler's client_address is " << seen.client
                         << ", but the datagram came from " << sender
                         << ". Return the address recvfrom() gives you: it is the only place "
                            "the sender of a datagram is known, and the handler replies there.";
    }
    return testing::AssertionSuccess();
}

TEST(DatagramRequest, HandsTheHandlerTheDatagramAndItsSender) {
    Bench bench;
    test::DatagramClient client{bench.server.server_address};
    client.send("hello, server");

    ASSERT_TRUE(serve_one(bench));

    EXPECT_TRUE(handler_got(bench, 0, "hello, server", false, client.local_address(),
                            "a client sent \"hello, server\""));
}

TEST(DatagramRequest, KeepsEachDatagramApartAndKnowsItsSender) {
    Bench bench;
    test::DatagramClient first{bench.server.server_address};
    test::DatagramClient second{bench.server.server_address};
    first.send("one");
    second.send("two");
    first.send("three");

    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(serve_one(bench));
    }

    const char* situation = "two clients sent \"one\", \"two\", \"three\" (the first client "
                            "sent \"one\" and \"three\")";
    EXPECT_TRUE(handler_got(bench, 0, "one", false, first.local_address(), situation));
    EXPECT_TRUE(handler_got(bench, 1, "two", false, second.local_address(), situation));
    EXPECT_TRUE(handler_got(bench, 2, "three", false, first.local_address(), situation));
}

TEST(DatagramRequest, AnEmptyDatagramIsARequest) {
    Bench bench;
    test::DatagramClient client{bench.server.server_address};
    client.send("");
    client.send("after it");

    ASSERT_TRUE(serve_one(bench));
    ASSERT_TRUE(serve_one(bench));

    const char* situation = "a client sent an empty datagram, then \"after it\"";
    EXPECT_TRUE(handler_got(bench, 0, "", false, client.local_address(), situation))
        << " (for a datagram socket, recvfrom() returning 0 means an empty datagram arrived, not "
           "that anything ended)";
    EXPECT_TRUE(handler_got(bench, 1, "after it", false, client.local_address(), situation));
}

TEST(DatagramRequest, KeepsADatagramOfExactlyMaxPacketSize) {
    Bench bench;
    bench.server.max_packet_size = 16;
    test::DatagramClient client{bench.server.server_address};
    const std::string sixteen = "0123456789abcdef";
    client.send(sixteen);

    ASSERT_TRUE(serve_one(bench));

    EXPECT_TRUE(handler_got(bench, 0, sixteen, false, client.local_address(),
                            "max_packet_size is 16 and a client sent 16 bytes"));
}

TEST(DatagramRequest, CutsALongerDatagramAndSaysSo) {
    Bench bench;
    bench.server.max_packet_size = 16;
    test::DatagramClient client{bench.server.server_address};
    client.send("0123456789abcdefXYZ");  // 19 bytes
    client.send("next");

    ASSERT_TRUE(serve_one(bench));
    ASSERT_TRUE(serve_one(bench));

    const char* situation =
        "max_packet_size is 16 and a client sent 19 bytes \"0123456789abcdefXYZ\", then \"next\"";
    EXPECT_TRUE(handler_got(bench, 0, "0123456789abcdef", true, client.local_address(), situation));
    EXPECT_TRUE(handler_got(bench, 1, "next", false, client.local_address(), situation))
        << " (the end of a cut datagram is lost: it never arrives as another request)";
}

TEST(DatagramRequest, UsesPythonsDefaultOf8192Bytes) {
    Bench bench;
    ASSERT_EQ(bench.server.max_packet_size, 8192u) << "(the chapter's default has changed)";
    test::DatagramClient client{bench.server.server_address};
    const std::string full(8192, 'a');
    const std::string longer = std::string(8192, 'b') + "c";
    client.send(full);
    client.send(longer);

    ASSERT_TRUE(serve_one(bench));
    ASSERT_TRUE(serve_one(bench));

    EXPECT_TRUE(handler_got(bench, 0, full, false, client.local_address(),
                            "with the default max_packet_size, a client sent 8192 bytes"));
    EXPECT_TRUE(handler_got(bench, 1, longer.substr(0, 8192), true, client.local_address(),
                            "with the default max_packet_size, a client sent 8193 bytes"));
}

TEST(DatagramRequest, HonoursALargerMaxPacketSize) {
    Bench bench;
    bench.server.max_packet_size = 65507;  // the largest UDP payload over IPv4
    test::DatagramClient client{bench.server.server_address};
    std::string big(60000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) {
        big[i] = static_cast<char>('a' + i % 26);
    }
    client.send(big);

    ASSERT_TRUE(serve_one(bench));

    EXPECT_TRUE(handler_got(bench, 0, big, false, client.local_address(),
                            "max_packet_size is 65507 and a client sent 60000 bytes"))
        << " (the buffer must be as large as max_packet_size, whatever it is set to)";
}

TEST(DatagramRequest, KnowsAnIPv6Sender) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "IPv6 loopback (::1) is not available on this machine";
    }
    Bench bench{"::1"};
    test::DatagramClient client{bench.server.server_address};
    client.send("from IPv6");

    ASSERT_TRUE(serve_one(bench));

    EXPECT_TRUE(handler_got(bench, 0, "from IPv6", false, client.local_address(),
                            "a client on [::1] sent \"from IPv6\""));
}

}  // namespace
