/// \file
/// \brief UDPServer on IPv6 loopback, as chapter 2 made it: `[::1]:0`
/// binds, serves and answers the sender. `UdpIpv6`, over every chapter's
/// UDP classes. (TCPServer's IPv6 tests are in tcp_server_suite.hpp.)
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "support/datagram_client.hpp"
#include "support/handlers.hpp"
#include "support/probe.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"
#include "support/server_thread.hpp"

namespace sockserv::test {

template <class Server>
class UdpIpv6 : public ServerTest<Server> {};
TYPED_TEST_SUITE_P(UdpIpv6);

TYPED_TEST_P(UdpIpv6, UdpServerServesOnIpv6LoopbackAndAnswersTheSender) {
    if (!ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    TypeParam server{ipv6_loopback_any_port(), handler_factory<UpperEcho, TypeParam>()};

    EXPECT_EQ(server.address_family, AF_INET6);
    EXPECT_EQ(server.server_address.host(), "::1");
    EXPECT_NE(server.server_address.port(), 0);
    ServerThread serving{server};
    DatagramClient client{server.server_address};
    client.send("over ipv6");
    auto [reply, sender] = client.recv_from();
    EXPECT_EQ(reply, "OVER IPV6");
    EXPECT_EQ(sender, server.server_address);
}

TYPED_TEST_P(UdpIpv6, UdpServerSeesAnIpv6ClientAddress) {
    if (!ipv6_loopback_available()) {
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
    }
    common::Address seen;
    TypeParam server{ipv6_loopback_any_port(),
                     [&seen](RequestOf<TypeParam>& request, const common::Address& client,
                             BaseServerOf<TypeParam>& server) {
                         seen = client;
                         return std::make_unique<UpperEcho<BaseRequestHandlerOf<TypeParam>>>(
                             request, client, server);
                     }};
    DatagramClient client{server.server_address};
    client.send("hi");

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv(), "HI");
    EXPECT_EQ(seen, client.local_address());
    EXPECT_EQ(seen.to_string(), "[::1]:" + std::to_string(client.local_address().port()));
}

REGISTER_TYPED_TEST_SUITE_P(UdpIpv6,
                            UdpServerServesOnIpv6LoopbackAndAnswersTheSender,
                            UdpServerSeesAnIpv6ClientAddress);

}  // namespace sockserv::test
