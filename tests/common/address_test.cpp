// Address: parsing the demo's HOST:PORT / [V6]:PORT / path forms, printing
// them back, and refusing what is malformed or unusable.
#include <sstream>
#include <string_view>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/address.hpp"
#include "common/socket.hpp"
#include "support/process.hpp"

namespace {

using sockserv::common::Address;
using sockserv::common::AddressError;
using sockserv::common::Socket;

// The message of the invalid_argument that parsing text throws ("" if none).
std::string malformed_because(const std::string& text) {
    try {
        Address::parse_inet(text);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    ADD_FAILURE() << "'" << text << "' was accepted";
    return "";
}

TEST(AddressParse, Ipv4HostAndPort) {
    auto address = Address::parse_inet("127.0.0.1:8080");

    EXPECT_EQ(address.family(), AF_INET);
    EXPECT_EQ(address.host(), "127.0.0.1");
    EXPECT_EQ(address.port(), 8080);
    EXPECT_EQ(address.to_string(), "127.0.0.1:8080");
}

TEST(AddressParse, Ipv6HostInBrackets) {
    auto address = Address::parse_inet("[::1]:8080");

    EXPECT_EQ(address.family(), AF_INET6);
    EXPECT_EQ(address.host(), "::1");
    EXPECT_EQ(address.port(), 8080);
    EXPECT_EQ(address.to_string(), "[::1]:8080");
}

TEST(AddressParse, EveryInterfaceIsWrittenExplicitly) {
    // The demo contract (docs/demo-contract.md): a host is required;
    // 0.0.0.0 or [::] mean every interface.
    EXPECT_EQ(Address::parse_inet("0.0.0.0:0").to_string(), "0.0.0.0:0");
    EXPECT_EQ(Address::parse_inet("[::]:0").to_string(), "[::]:0");
}

TEST(AddressParse, PortZeroAndPort65535AreTheLimits) {
    EXPECT_EQ(Address::parse_inet("127.0.0.1:0").port(), 0);
    EXPECT_EQ(Address::parse_inet("127.0.0.1:65535").port(), 65535);
}

TEST(AddressParse, LocalhostResolvesToIpv4First) {
    // As Python's TCPServer (address_family AF_INET) binds "localhost".
    auto address = Address::parse_inet("localhost:9999");

    EXPECT_EQ(address.to_string(), "127.0.0.1:9999");
}

TEST(AddressParse, PrintingThenParsingGivesTheSameAddress) {
    for (const char* text : {"10.1.2.3:1", "[fe80::1:2]:443", "[::ffff:1.2.3.4]:7"}) {
        auto address = Address::parse_inet(text);
        EXPECT_EQ(Address::parse_inet(address.to_string()), address) << text;
    }
}

TEST(AddressParse, AMissingHostIsMalformed) {
    EXPECT_NE(malformed_because(":0").find("a host is required"), std::string::npos);
    EXPECT_NE(malformed_because("[]:80").find("host"), std::string::npos);
}

TEST(AddressParse, APortAbove65535IsMalformed) {
    EXPECT_NE(malformed_because("127.0.0.1:65536").find("0 to 65535"), std::string::npos);
    EXPECT_NE(malformed_because("127.0.0.1:4294967296").find("0 to 65535"), std::string::npos);
}

TEST(AddressParse, APortThatIsNotAPlainNumberIsMalformed) {
    for (const char* text : {"127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:8o",
                             "127.0.0.1: 80", "127.0.0.1:0x50", "127.0.0.1:80 "}) {
        EXPECT_NE(malformed_because(text).find("0 to 65535"), std::string::npos) << text;
    }
}

TEST(AddressParse, NoPortAtAllIsMalformed) {
    EXPECT_NE(malformed_because("127.0.0.1").find("HOST:PORT"), std::string::npos);
    EXPECT_NE(malformed_because("[::1]").find("[IPV6]:PORT"), std::string::npos);
    EXPECT_NE(malformed_because("[::1]80").find("[IPV6]:PORT"), std::string::npos);
    EXPECT_NE(malformed_because("[::1:80").find("[IPV6]:PORT"), std::string::npos);
}

TEST(AddressParse, AnUnbracketedIpv6HostIsMalformed) {
    // "::1:80" could be [::1]:80 or [::1:80] without its port: refuse it.
    EXPECT_NE(malformed_because("::1:80").find("brackets"), std::string::npos);
}

TEST(AddressParse, TheMessageQuotesTheText) {
    EXPECT_NE(malformed_because("nowhere").find("'nowhere'"), std::string::npos);
}

TEST(AddressParse, AnUnresolvableHostIsAnAddressError) {
    // .invalid never resolves (RFC 6761). Well formed, but unusable: an
    // AddressError, not an invalid_argument.
    try {
        Address::parse_inet("no-such-host.invalid:80");
        FAIL() << "no-such-host.invalid resolved";
    } catch (const AddressError& error) {
        EXPECT_NE(std::string{error.what()}.find("no-such-host.invalid"), std::string::npos)
            << error.what();
    }
}

TEST(AddressInet, TakesALiteralOrANameAndAPort) {
    EXPECT_EQ(Address::inet("127.0.0.1", 80).to_string(), "127.0.0.1:80");
    EXPECT_EQ(Address::inet("::1", 80).to_string(), "[::1]:80");
    EXPECT_EQ(Address::inet("localhost", 80).to_string(), "127.0.0.1:80");
}

TEST(AddressInet, AnEmptyHostIsMalformed) {
    EXPECT_THROW(Address::inet("", 80), std::invalid_argument);
}

TEST(AddressUnix, IsThePathItself) {
    auto address = Address::unix_path("/tmp/echo.sock");

    EXPECT_EQ(address.family(), AF_UNIX);
    EXPECT_EQ(address.host(), "/tmp/echo.sock");
    EXPECT_EQ(address.port(), 0);
    EXPECT_EQ(address.to_string(), "/tmp/echo.sock");
}

TEST(AddressUnix, APathOf107BytesFitsAndAPathOf108DoesNot) {
    // sun_path holds 108 bytes on Linux, one of them the terminating NUL.
    EXPECT_NO_THROW(Address::unix_path(std::string(107, 'p')));
    EXPECT_THROW(Address::unix_path(std::string(108, 'p')), AddressError);
}

TEST(AddressUnix, ATooLongPathSaysHowLongAndWhatTheLimitIs) {
    // The demo prints this reason after "cannot bind PATH:".
    try {
        Address::unix_path("/" + std::string(119, 'p'));
        FAIL() << "a 120-byte path was accepted";
    } catch (const AddressError& error) {
        EXPECT_STREQ(error.what(), "path is 120 bytes, the limit is 107");
    }
}

TEST(AddressUnix, AnEmptyPathIsMalformed) {
    EXPECT_THROW(Address::unix_path(""), std::invalid_argument);
}

TEST(AddressUnix, ALongestPathCanBeBoundAndMatchesWhatTheKernelReports) {
    // Not truncated: a socket bound at a 107-byte path is found at that path.
    sockserv::test::TempDir directory;
    std::string path = (directory / "").string();
    path += std::string(107 - path.size(), 's');
    ASSERT_EQ(path.size(), 107u);
    auto address = Address::unix_path(path);
    auto listener = Socket::open(AF_UNIX, SOCK_STREAM);

    listener.bind(address);
    listener.listen(1);

    EXPECT_EQ(listener.local_address(), address);
    EXPECT_EQ(listener.local_address().to_string(), path);
    auto client = Socket::open(AF_UNIX, SOCK_STREAM);
    EXPECT_NO_THROW(client.connect(address));
}

TEST(AddressOther, AnEmptyAddressHasNoFamily) {
    Address address;

    EXPECT_EQ(address.family(), AF_UNSPEC);
    EXPECT_EQ(address.port(), 0);
    EXPECT_EQ(address.host(), "");
    EXPECT_EQ(address.to_string(), "(no address)");
}

TEST(AddressOther, EqualityComparesFamilyHostAndPort) {
    EXPECT_EQ(Address::parse_inet("127.0.0.1:80"), Address::inet("127.0.0.1", 80));
    EXPECT_NE(Address::parse_inet("127.0.0.1:80"), Address::parse_inet("127.0.0.1:81"));
    EXPECT_NE(Address::parse_inet("127.0.0.1:80"), Address::parse_inet("127.0.0.2:80"));
    EXPECT_NE(Address::parse_inet("[::1]:80"), Address::parse_inet("127.0.0.1:80"));
    EXPECT_NE(Address::unix_path("/a"), Address::unix_path("/b"));
}

TEST(AddressOther, FromSockaddrCopiesWhatTheKernelFilledIn) {
    auto original = Address::parse_inet("[::1]:4242");

    auto copy = Address::from_sockaddr(original.data(), original.size());

    EXPECT_EQ(copy, original);
    EXPECT_EQ(copy.to_string(), "[::1]:4242");
}

TEST(AddressOther, StreamingPrintsTheDemoForm) {
    std::ostringstream out;
    out << Address::parse_inet("[::1]:5") << ' ' << Address::parse_inet("1.2.3.4:6");

    EXPECT_EQ(out.str(), "[::1]:5 1.2.3.4:6");
}

// The kernel reads sun_path up to the first NUL: "a\0b" would quietly bind
// "a". Refusing it is better than serving on a path nobody asked for.
TEST(AddressUnix, APathWithANulByteIsRefused) {
    using namespace std::string_view_literals;
    EXPECT_THROW(Address::unix_path("/tmp/a\0b"sv), std::invalid_argument);
}

// A Unix client that never bound a path is reported by recvfrom() with an
// empty address; the servers must recognise it before trying to answer.
TEST(AddressUnix, AnEmptyAddressIsUnnamed) {
    EXPECT_TRUE(Address{}.is_unnamed());
    EXPECT_FALSE(Address::unix_path("/tmp/x.sock").is_unnamed());
    EXPECT_FALSE(Address::parse_inet("127.0.0.1:1").is_unnamed());
}

}  // namespace
