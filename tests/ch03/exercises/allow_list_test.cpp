// Tests of exercise 3.1: allowed() and AllowListServer::verify_request()
// (exercises/ch03/allow_list.cpp).
//
// allowed() is asked about addresses made up on the spot: it only compares,
// it never connects. The server is tested with real clients on loopback.
// Linux routes the whole of 127.0.0.0/8 to the loopback device, so a client
// that binds 127.0.0.2 before connecting reaches a server on 127.0.0.1 from
// another host's address: one machine, two clients the list can tell apart.
//
// Each server test connects its client first and then calls
// handle_request() on the test's own thread: the connection is already in
// the listen queue, so the call serves it (or denies it) and returns. The
// server's timeout bounds the call in case nothing is there.
#include <algorithm>
#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "allow_list.hpp"
#include "common/error.hpp"
#include "support/client.hpp"
#include "support/printable.hpp"
#include "support/probe.hpp"
#include "support/server_thread.hpp"

namespace {

using namespace sockserv;
using ch03::exercises::allowed;
using ch03::exercises::AllowList;
using ch03::exercises::AllowListServer;

// ---------------------------------------------------------------------------
// allowed(), on its own

std::string show(const AllowList& list) {
    std::string out = "{";
    for (std::size_t i = 0; i < list.size(); ++i) {
        out += (i ? ", \"" : "\"") + list[i] + "\"";
    }
    return out + "}";
}

// What allowed(list, client) said: "true", "false", or the exception.
std::string ask(const AllowList& list, const common::Address& client, bool& answer) {
    try {
        answer = allowed(list, client);
        return answer ? "true" : "false";
    } catch (...) {
        return "an exception: " + common::describe_current_exception();
    }
}

testing::AssertionResult decides(const AllowList& list, const common::Address& client,
                                 bool expected, const std::string& why) {
    bool answer = !expected;
    std::string said = ask(list, client, answer);
    if (said != (expected ? "true" : "false")) {
        return testing::AssertionFailure()
               << "allowed(" << show(list) << ", " << client << ") should be "
               << (expected ? "true" : "false") << " (" << why << "), but it returned " << said;
    }
    return testing::AssertionSuccess();
}

// The list admits HOST (an IP literal), whatever the client's port.
testing::AssertionResult admits(const AllowList& list, const std::string& host,
                                const std::string& why) {
    return decides(list, common::Address::inet(host, 40000), true, why);
}

testing::AssertionResult refuses(const AllowList& list, const std::string& host,
                                 const std::string& why) {
    return decides(list, common::Address::inet(host, 40000), false, why);
}

TEST(Allowed, AdmitsAHostOnTheList) {
    EXPECT_TRUE(admits({"127.0.0.1"}, "127.0.0.1", "the client's host is the entry"));
    EXPECT_TRUE(decides({"127.0.0.1"}, common::Address::inet("127.0.0.1", 1), true,
                        "the port plays no part: port 1"));
    EXPECT_TRUE(decides({"127.0.0.1"}, common::Address::inet("127.0.0.1", 65535), true,
                        "the port plays no part: port 65535"));
}

TEST(Allowed, RefusesAHostNotOnTheList) {
    EXPECT_TRUE(refuses({"127.0.0.1"}, "127.0.0.2", "another host"));
    EXPECT_TRUE(refuses({"127.0.0.1"}, "10.0.0.1", "another host"));
    EXPECT_TRUE(refuses({"127.0.0.1"}, "127.0.0.10",
                        "\"127.0.0.1\" is only the beginning of \"127.0.0.10\": an entry "
                        "without '/' must equal the host, all of it"));
    EXPECT_TRUE(refuses({"127.0.0.10"}, "127.0.0.1",
                        "\"127.0.0.1\" is only the beginning of the entry"));
}

TEST(Allowed, AnEmptyListAdmitsNobody) {
    EXPECT_TRUE(refuses({}, "127.0.0.1", "an empty allow-list admits nobody"));
    EXPECT_TRUE(refuses({}, "::1", "an empty allow-list admits nobody"));
}

TEST(Allowed, LooksAtEveryEntry) {
    AllowList list{"10.0.0.1", "192.168.0.0/16", "127.0.0.1"};
    EXPECT_TRUE(admits(list, "10.0.0.1", "the first entry"));
    EXPECT_TRUE(admits(list, "192.168.3.4", "the second entry, a network"));
    EXPECT_TRUE(admits(list, "127.0.0.1", "the last entry"));
    EXPECT_TRUE(refuses(list, "172.16.0.1", "no entry admits it"));
}

TEST(Allowed, AdmitsAnIPv6Host) {
    EXPECT_TRUE(admits({"::1"}, "::1", "the client's host is the entry"));
    EXPECT_TRUE(admits({"10.0.0.0/8", "2001:db8::7"}, "2001:db8::7",
                       "the second entry is the host, as Address::host() spells it"));
    EXPECT_TRUE(refuses({"::1"}, "127.0.0.1", "IPv6 ::1 and IPv4 127.0.0.1 are two hosts"));
    EXPECT_TRUE(refuses({"127.0.0.1"}, "::1", "IPv4 127.0.0.1 and IPv6 ::1 are two hosts"));
    EXPECT_TRUE(refuses({"127.0.0.0/8"}, "::1",
                        "an IPv4 network admits no IPv6 client (and is no reason to throw)"));
}

TEST(Allowed, AdmitsTheHostsOfANetwork) {
    EXPECT_TRUE(admits({"127.0.0.0/8"}, "127.0.0.1", "in 127.0.0.0/8"));
    EXPECT_TRUE(admits({"127.0.0.0/8"}, "127.255.255.254", "in 127.0.0.0/8"));
    EXPECT_TRUE(refuses({"127.0.0.0/8"}, "128.0.0.1", "its first 8 bits are 128, not 127"));
    EXPECT_TRUE(refuses({"127.0.0.0/8"}, "126.255.255.255", "its first 8 bits are 126"));

    EXPECT_TRUE(admits({"10.1.0.0/16"}, "10.1.200.3", "in 10.1.0.0/16"));
    EXPECT_TRUE(refuses({"10.1.0.0/16"}, "10.2.0.1", "its first 16 bits are 10.2"));
    EXPECT_TRUE(refuses({"10.1.0.0/16"}, "11.1.0.1", "its first 16 bits are 11.1"));

    EXPECT_TRUE(admits({"192.168.1.128/25"}, "192.168.1.200",
                       "200 = 128 + 72: its 25th bit is set, as in 128"));
    EXPECT_TRUE(refuses({"192.168.1.128/25"}, "192.168.1.127",
                        "127 < 128: its 25th bit is clear, not as in 128"));

    EXPECT_TRUE(admits({"127.1.2.3/8"}, "127.9.9.9",
                       "only the first 8 bits of the entry's address count"));
}

TEST(Allowed, NetworkSizesAtBothEnds) {
    EXPECT_TRUE(admits({"10.1.2.3/32"}, "10.1.2.3", "a /32 network is one host"));
    EXPECT_TRUE(refuses({"10.1.2.3/32"}, "10.1.2.2", "a /32 network is one host"));
    const std::string zero_bits =
        "a /0 network compares no bit at all, so it admits every IPv4 host. (Shifting a "
        "32-bit value by 32 is undefined behaviour in C++, and on x86 shifts by 0: a mask "
        "computed as ~0u << (32 - bits) is wrong for 0 bits.)";
    EXPECT_TRUE(admits({"0.0.0.0/0"}, "1.2.3.4", zero_bits));
    EXPECT_TRUE(admits({"0.0.0.0/0"}, "255.255.255.255", zero_bits));
    EXPECT_TRUE(admits({"0.0.0.0/0"}, "127.0.0.1", zero_bits));
    EXPECT_TRUE(admits({"10.0.0.0/1"}, "127.0.0.1", "127 and 10 both start with a 0 bit"));
    EXPECT_TRUE(refuses({"10.0.0.0/1"}, "128.0.0.1", "128 starts with a 1 bit, 10 with a 0"));
}

TEST(Allowed, LooksUpNoName) {
    EXPECT_TRUE(refuses({"localhost"}, "127.0.0.1",
                        "entries are compared as text with the host, never resolved: a name "
                        "admits nobody"));
}

TEST(Allowed, NeverAdmitsAUnixClient) {
    common::Address unix_client = common::Address::unix_path("client.sock");
    EXPECT_TRUE(decides({"client.sock"}, unix_client, false,
                        "only inet clients (AF_INET, AF_INET6) can be admitted, even when an "
                        "entry happens to be the same text as the path"));
    EXPECT_TRUE(decides({"0.0.0.0/0"}, unix_client, false,
                        "a Unix client is no IPv4 host"));
    EXPECT_TRUE(decides({""}, common::Address{}, false,
                        "an empty address (an unnamed Unix client) is no inet host, even for "
                        "an empty entry"));
}

TEST(Allowed, RefusesMalformedNetworks) {
    const common::Address client = common::Address::inet("10.0.0.1", 40000);
    for (std::string entry : {"10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "10.0.0.0/8x",
                              "10.0.0.0/-1", "/8", "::1/128", "ten/8"}) {
        bool answer = false;
        try {
            answer = allowed({entry}, client);
        } catch (const std::invalid_argument& error) {
            EXPECT_NE(std::string{error.what()}.find(entry), std::string::npos)
                << "allowed({\"" << entry << "\"}, 10.0.0.1:40000) threw "
                << "std::invalid_argument, as it should, but its message (" << error.what()
                << ") does not name the entry, \"" << entry << "\"";
            continue;
        } catch (...) {
            ADD_FAILURE() << "allowed({\"" << entry << "\"}, 10.0.0.1:40000) should throw "
                          << "std::invalid_argument, but threw "
                          << common::describe_current_exception();
            continue;
        }
        ADD_FAILURE() << "allowed({\"" << entry << "\"}, 10.0.0.1:40000) returned "
                      << (answer ? "true" : "false")
                      << ", but \"" << entry
                      << "\" is no IPv4 network ADDRESS/BITS with BITS a whole number from 0 "
                         "to 32: it should throw std::invalid_argument naming the entry";
    }
}

// ---------------------------------------------------------------------------
// AllowListServer, with real clients

// A client whose connection comes from \p host, a loopback address of the
// test's choosing, with a time limit on every wait.
test::Client client_from(const std::string& host, const common::Address& server) {
    return test::Client{server, common::Address::inet(host, 0)};
}

class Recording;

// Greets the client: what an admitted client receives.
class SayHello : public ch03::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override;
};

// An AllowListServer that writes down what its hooks did. handle_error()
// and handle_timeout() only record: neither should happen.
class Recording : public AllowListServer {
public:
    explicit Recording(AllowList list, const std::string& host = "127.0.0.1")
        : AllowListServer(common::Address::inet(host, 0), ch03::handler<SayHello>(),
                          std::move(list)) {
        timeout = test::default_timeout;  // handle_request() never waits for ever
    }

    bool verify_request(ch03::Request& request, const common::Address& client) override {
        bool answer = AllowListServer::verify_request(request, client);
        decisions.push_back(client.to_string() + (answer ? " admitted" : " denied"));
        return answer;
    }
    void shutdown_request(ch03::Request& request) override {
        ++shutdowns;
        AllowListServer::shutdown_request(request);
    }
    void handle_error(ch03::Request&, const common::Address& client) override {
        errors.push_back(client.to_string() + ": " + common::describe_current_exception());
    }
    void handle_timeout() override { timed_out = true; }

    std::vector<std::string> decisions;  // what verify_request() answered, per client
    std::vector<std::string> greeted;    // who SayHello served
    std::vector<std::string> errors;     // what handle_error() saw
    int shutdowns = 0;                   // calls of shutdown_request()
    bool timed_out = false;
};

void SayHello::handle() {
    static_cast<Recording&>(server).greeted.push_back(client_address.to_string());
    request.socket().send_all("hello\n");
}

std::string show_records(const std::vector<std::string>& items) {
    if (items.empty()) {
        return "(none)";
    }
    std::ostringstream out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        out << (i ? "; " : "") << items[i];
    }
    return out.str();
}

// One handle_request(), for a client that has already connected.
testing::AssertionResult serve_one(Recording& server) {
    try {
        server.handle_request();
    } catch (...) {
        return testing::AssertionFailure()
               << "handle_request() threw " << common::describe_current_exception()
               << ". verify_request() runs outside the request's error handling: whatever it "
                  "throws stops the server. It should only decide.";
    }
    if (server.timed_out) {
        return testing::AssertionFailure()
               << "handle_request() found no client to serve (the test's client had connected)";
    }
    return testing::AssertionSuccess();
}

// The client was admitted: it received the greeting, then end-of-file.
testing::AssertionResult was_served(test::Client& client, const Recording& server) {
    const common::Address from = client.socket().local_address();
    std::string received;
    try {
        received = client.recv_until_eof();
    } catch (const std::exception& error) {
        return testing::AssertionFailure() << "the client from " << from
                                           << " waited for its greeting: " << error.what();
    }
    if (received != "hello\n") {
        return testing::AssertionFailure()
               << "the client from " << from << " is on the allow-list "
               << show(server.allow_list) << " and should have been greeted with \"hello\\n\", "
               << "but received " << test::printable(received)
               << ". verify_request() answered: " << show_records(server.decisions);
    }
    return testing::AssertionSuccess();
}

// The client was denied: end-of-file at once, no handler, one shutdown.
testing::AssertionResult was_denied(test::Client& client, const Recording& server,
                                    int shutdowns_before) {
    const common::Address from = client.socket().local_address();
    std::string received;
    try {
        received = client.recv_until_eof();
    } catch (const std::exception& error) {
        return testing::AssertionFailure()
               << "the client from " << from
               << " is not on the allow-list and should read end-of-file at once, but: "
               << error.what() << ". Calls of shutdown_request(): "
               << server.shutdowns - shutdowns_before;
    }
    if (!received.empty()) {
        return testing::AssertionFailure()
               << "the client from " << from << " is not on the allow-list "
               << show(server.allow_list) << ", yet it was served: it received "
               << test::printable(received)
               << ". verify_request() must return false for it; it answered: "
               << show_records(server.decisions);
    }
    if (!server.greeted.empty()) {
        return testing::AssertionFailure()
               << "the denied client read end-of-file, but a handler ran anyway for "
               << show_records(server.greeted)
               << ". A denied request gets no handler: return false, and the serving loop does "
                  "the rest.";
    }
    int shutdowns = server.shutdowns - shutdowns_before;
    if (shutdowns != 1) {
        return testing::AssertionFailure()
               << "the denied request was shut down " << shutdowns
               << " times instead of once. verify_request() only decides: after false, the "
                  "serving loop calls shutdown_request() itself.";
    }
    if (!server.errors.empty()) {
        return testing::AssertionFailure()
               << "a denial is no error, but handle_error() was called: "
               << show_records(server.errors);
    }
    return testing::AssertionSuccess();
}

TEST(AllowListServer, ServesAnAdmittedClient) {
    Recording server{{"127.0.0.1"}};
    test::Client client = client_from("127.0.0.1", server.server_address);

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(was_served(client, server));
    EXPECT_EQ(server.shutdowns, 1) << "an admitted request is shut down once, after its handler";
    EXPECT_TRUE(server.errors.empty()) << show_records(server.errors);
}

TEST(AllowListServer, DeniesAClientNotOnTheList) {
    Recording server{{"127.0.0.1"}};
    test::Client client = client_from("127.0.0.2", server.server_address);

    ASSERT_TRUE(serve_one(server));

    EXPECT_TRUE(was_denied(client, server, 0));
}

TEST(AllowListServer, ServesTheNextClientAfterADenial) {
    Recording server{{"127.0.0.2"}};
    test::Client stranger = client_from("127.0.0.1", server.server_address);
    test::Client friendly = client_from("127.0.0.2", server.server_address);

    ASSERT_TRUE(serve_one(server));
    EXPECT_TRUE(was_denied(stranger, server, 0));
    ASSERT_TRUE(serve_one(server));
    EXPECT_TRUE(was_served(friendly, server));
    EXPECT_EQ(server.shutdowns, 2) << "each of the two requests is shut down once";
}

TEST(AllowListServer, AdmitsTheHostsOfANetwork) {
    Recording server{{"10.0.0.0/8", "127.0.0.0/30"}};  // 127.0.0.0 to 127.0.0.3
    for (std::string host : {"127.0.0.1", "127.0.0.3"}) {
        test::Client client = client_from(host, server.server_address);
        ASSERT_TRUE(serve_one(server));
        EXPECT_TRUE(was_served(client, server)) << "(a client from " << host << ")";
    }
    int shutdowns = server.shutdowns;
    server.greeted.clear();
    test::Client outsider = client_from("127.0.0.4", server.server_address);
    ASSERT_TRUE(serve_one(server));
    EXPECT_TRUE(was_denied(outsider, server, shutdowns)) << "(127.0.0.4 is outside 127.0.0.0/30)";
}

TEST(AllowListServer, TheListCanChangeBetweenRequests) {
    Recording server{{"127.0.0.1"}};
    test::Client first = client_from("127.0.0.1", server.server_address);
    ASSERT_TRUE(serve_one(server));
    EXPECT_TRUE(was_served(first, server));

    server.allow_list = {"127.0.0.2"};
    server.greeted.clear();
    int shutdowns = server.shutdowns;
    test::Client second = client_from("127.0.0.1", server.server_address);
    ASSERT_TRUE(serve_one(server));
    EXPECT_TRUE(was_denied(second, server, shutdowns))
        << "(the list no longer holds 127.0.0.1: verify_request() must look at allow_list as it "
           "is now)";
}

TEST(AllowListServer, ServeForeverDeniesAndGoesOn) {
    Recording server{{"127.0.0.1"}};
    std::string stranger_got;
    std::string friendly_got;
    {
        test::ServerThread serving{server, common::Seconds{0.05}};
        test::Client stranger = client_from("127.0.0.2", server.server_address);
        stranger_got = stranger.recv_until_eof();  // the server has dealt with it
        test::Client friendly = client_from("127.0.0.1", server.server_address);
        friendly_got = friendly.recv_until_eof();
    }  // shut down and joined: the records are complete
    EXPECT_EQ(stranger_got, "")
        << "under serve_forever(), a client from 127.0.0.2 (not on the list) should read "
           "end-of-file at once. verify_request() answered: "
        << show_records(server.decisions);
    EXPECT_EQ(friendly_got, "hello\n")
        << "under serve_forever(), the client from 127.0.0.1 after the denied one should be "
           "greeted: a denial does not stop the server";
    EXPECT_EQ(server.greeted.size(), 1u) << "handlers ran for: " << show_records(server.greeted);
    EXPECT_EQ(server.shutdowns, 2) << "each request is shut down once";
}

TEST(AllowListServer, AdmitsAnIPv6Client) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "IPv6 loopback (::1) is not available here";
    }
    Recording server{{"::1"}, "::1"};
    test::Client admitted = client_from("::1", server.server_address);
    ASSERT_TRUE(serve_one(server));
    EXPECT_TRUE(was_served(admitted, server));

    server.allow_list = {"127.0.0.1", "127.0.0.0/8"};
    server.greeted.clear();
    int shutdowns = server.shutdowns;
    test::Client denied = client_from("::1", server.server_address);
    ASSERT_TRUE(serve_one(server));
    EXPECT_TRUE(was_denied(denied, server, shutdowns))
        << "(::1 is an IPv6 host: neither 127.0.0.1 nor 127.0.0.0/8 admits it)";
}

}  // namespace
