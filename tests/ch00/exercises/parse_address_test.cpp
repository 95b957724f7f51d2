// Tests of exercise 0.1: parse_address() (exercises/ch00/parse_address.cpp).
//
// Each address parse_address() returns is looked at field by field (the
// family, the size, the port's byte order) and then put to use: a real
// socket connects to a server listening there, or binds to it. Malformed
// text must be refused with std::invalid_argument, a name that does not
// resolve with common::AddressError.
#include <arpa/inet.h>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/address.hpp"
#include "common/error.hpp"
#include "common/socket.hpp"
#include "parse_address.hpp"
#include "support/client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"

namespace {

using namespace sockserv;
using ch00::exercises::parse_address;
using ch00::exercises::SocketAddress;

// What parse_address() did with one text: returned an address, or threw.
struct Outcome {
    std::optional<SocketAddress> address;
    bool invalid = false;        // std::invalid_argument
    bool unresolvable = false;   // common::AddressError
    std::string other_error;     // anything else
};

Outcome attempt(std::string_view text) {
    Outcome outcome;
    try {
        outcome.address = parse_address(text);
    } catch (const std::invalid_argument&) {
        outcome.invalid = true;
    } catch (const common::AddressError&) {
        outcome.unresolvable = true;
    } catch (...) {
        outcome.other_error = common::describe_current_exception();
    }
    return outcome;
}

std::string family_name(int family) {
    switch (family) {
        case AF_INET: return "AF_INET";
        case AF_INET6: return "AF_INET6";
        case AF_UNSPEC: return "AF_UNSPEC (0: nothing filled in)";
        default: return "family " + std::to_string(family);
    }
}

std::string show(const Outcome& outcome) {
    if (outcome.invalid) {
        return "it threw std::invalid_argument";
    }
    if (outcome.unresolvable) {
        return "it threw common::AddressError";
    }
    if (!outcome.other_error.empty()) {
        return "it threw " + outcome.other_error;
    }
    const SocketAddress& address = *outcome.address;
    return "it returned " + family_name(address.storage.ss_family) + " with size " +
           std::to_string(address.size);
}

// The port as the kernel reads it, and as a person would.
std::uint16_t raw_port(const SocketAddress& address) {
    return address.storage.ss_family == AF_INET6
               ? reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_port
               : reinterpret_cast<const sockaddr_in*>(&address.storage)->sin_port;
}

// Checks family, size and port of parse_address(\p text).
testing::AssertionResult parses_as(std::string_view text, int family, std::uint16_t port) {
    Outcome outcome = attempt(text);
    auto failure = [&] { return testing::AssertionFailure() << "parse_address(\"" << text << "\"): "; };
    if (!outcome.address) {
        return failure() << "expected an address, but " << show(outcome);
    }
    const SocketAddress& address = *outcome.address;
    if (address.storage.ss_family != family) {
        return failure() << "expected " << family_name(family) << ", but " << show(outcome);
    }
    const socklen_t size = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    if (address.size != size) {
        return failure() << "size is " << address.size << ", but a "
                         << (family == AF_INET ? "sockaddr_in" : "sockaddr_in6") << " is " << size
                         << " bytes: the kernel reads exactly `size` bytes of the storage";
    }
    const std::uint16_t stored = raw_port(address);
    if (ntohs(stored) != port) {
        if (stored == port) {
            return failure() << "the port field holds " << port
                             << " in this machine's byte order, so the kernel reads port "
                             << ntohs(stored)
                             << ": ports travel most significant byte first (network byte "
                                "order). Convert with htons().";
        }
        return failure() << "expected port " << port << ", but the kernel would read port "
                         << ntohs(stored);
    }
    return testing::AssertionSuccess();
}

common::Address as_address(const SocketAddress& address) {
    return common::Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&address.storage),
                                          address.size);
}

TEST(ParseAddress, ReadsAnIPv4Literal) {
    // 8080 is 0x1F90: stored in the wrong byte order it reads as 36895.
    EXPECT_TRUE(parses_as("127.0.0.1:8080", AF_INET, 8080));
    Outcome outcome = attempt("192.0.2.33:8080");
    ASSERT_TRUE(outcome.address && outcome.address->storage.ss_family == AF_INET)
        << "parse_address(\"192.0.2.33:8080\"): " << show(outcome);
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&outcome.address->storage);
    EXPECT_EQ(ntohl(v4->sin_addr.s_addr), 0xC0000221u)
        << "sin_addr should hold 192.0.2.33, most significant byte first: inet_pton() writes it so";
}

TEST(ParseAddress, ReadsTheExtremePorts) {
    EXPECT_TRUE(parses_as("127.0.0.1:0", AF_INET, 0));
    EXPECT_TRUE(parses_as("127.0.0.1:65535", AF_INET, 65535));
    EXPECT_TRUE(parses_as("0.0.0.0:1", AF_INET, 1));
}

TEST(ParseAddress, ReadsAnIPv6LiteralInBrackets) {
    EXPECT_TRUE(parses_as("[::1]:8080", AF_INET6, 8080));
    Outcome outcome = attempt("[2001:db8::42]:443");
    ASSERT_TRUE(outcome.address && outcome.address->storage.ss_family == AF_INET6)
        << "parse_address(\"[2001:db8::42]:443\"): " << show(outcome);
    in6_addr wanted{};
    ASSERT_EQ(::inet_pton(AF_INET6, "2001:db8::42", &wanted), 1);
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&outcome.address->storage);
    EXPECT_EQ(std::memcmp(&v6->sin6_addr, &wanted, sizeof wanted), 0)
        << "sin6_addr should hold 2001:db8::42";
}

TEST(ParseAddress, ConnectsToAServerListeningThere) {
    common::Socket server = common::Socket::open(AF_INET, SOCK_STREAM);
    server.bind(test::loopback_any_port());
    server.listen(1);
    const std::uint16_t port = server.local_address().port();
    const std::string text = "127.0.0.1:" + std::to_string(port);
    ASSERT_TRUE(parses_as(text, AF_INET, port));
    std::error_code error = test::connect_error(as_address(parse_address(text)));
    EXPECT_FALSE(error) << "a client could not connect to the address parse_address(\"" << text
                        << "\") returned, where a server listens: " << error.message();
}

TEST(ParseAddress, ConnectsToAServerListeningOnIPv6) {
    if (!test::ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine cannot bind ::1";
    }
    common::Socket server = common::Socket::open(AF_INET6, SOCK_STREAM);
    server.bind(test::ipv6_loopback_any_port());
    server.listen(1);
    const std::uint16_t port = server.local_address().port();
    const std::string text = "[::1]:" + std::to_string(port);
    ASSERT_TRUE(parses_as(text, AF_INET6, port));
    std::error_code error = test::connect_error(as_address(parse_address(text)));
    EXPECT_FALSE(error) << "a client could not connect to the address parse_address(\"" << text
                        << "\") returned, where a server listens: " << error.message();
}

TEST(ParseAddress, BindsToPortZeroAndGetsAPort) {
    Outcome outcome = attempt("127.0.0.1:0");
    ASSERT_TRUE(outcome.address) << "parse_address(\"127.0.0.1:0\"): " << show(outcome);
    common::Socket socket = common::Socket::open(AF_INET, SOCK_STREAM);
    try {
        socket.bind(as_address(*outcome.address));
    } catch (const std::system_error& error) {
        FAIL() << "bind() to the address parse_address(\"127.0.0.1:0\") returned failed: "
               << error.what();
    }
    EXPECT_EQ(socket.local_address().host(), "127.0.0.1");
    EXPECT_NE(socket.local_address().port(), 0) << "binding port 0 lets the OS choose one";
}

TEST(ParseAddress, ResolvesAName) {
    Outcome outcome = attempt("localhost:8080");
    ASSERT_TRUE(outcome.address)
        << "parse_address(\"localhost:8080\"): expected an address (a name is looked up with "
           "getaddrinfo()), but "
        << show(outcome);
    const int family = outcome.address->storage.ss_family;
    ASSERT_TRUE(family == AF_INET || family == AF_INET6)
        << "parse_address(\"localhost:8080\"): " << show(outcome);
    EXPECT_TRUE(parses_as("localhost:8080", family, 8080));
    const std::string host = as_address(*outcome.address).host();
    EXPECT_TRUE(host == "127.0.0.1" || host == "::1")
        << "localhost should be a loopback address, got " << host;
}

TEST(ParseAddress, ANameThatDoesNotResolveIsAnAddressError) {
    // .invalid never resolves (RFC 6761): well formed, but unusable.
    Outcome outcome = attempt("no-such-host.invalid:80");
    EXPECT_TRUE(outcome.unresolvable)
        << "parse_address(\"no-such-host.invalid:80\"): expected common::AddressError, but "
        << show(outcome);
}

TEST(ParseAddress, RefusesMalformedText) {
    const std::vector<std::pair<std::string_view, std::string_view>> malformed = {
        {"", "empty"},
        {"127.0.0.1", "no port"},
        {"127.0.0.1:", "an empty port"},
        {":80", "no host"},
        {"127.0.0.1:65536", "a port above 65535"},
        {"127.0.0.1:99999999999999999999", "a port far too large"},
        {"127.0.0.1:-1", "a negative port"},
        {"127.0.0.1:+80", "a port with a sign"},
        {"127.0.0.1: 80", "a port with a space"},
        {"127.0.0.1:8o", "a port with a letter"},
        {"::1:80", "an IPv6 literal without brackets"},
        {"[::1]80", "no colon after the brackets"},
        {"[::1]:", "an empty port after the brackets"},
        {"[::1:80", "a bracket never closed"},
        {"[]:80", "empty brackets"},
        {"[127.0.0.1]:80", "an IPv4 literal in brackets"},
        {"[localhost]:80", "a name in brackets"},
    };
    for (const auto& [text, what] : malformed) {
        Outcome outcome = attempt(text);
        EXPECT_TRUE(outcome.invalid) << "parse_address(\"" << text << "\") (" << what
                                     << "): expected std::invalid_argument, but " << show(outcome);
    }
}

}  // namespace
