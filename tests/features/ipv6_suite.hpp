/// \file
/// \brief UDPServer on IPv6 loopback, as chapter 2 made it: `[::1]:0`
/// binds, serves and answers the sender. `UdpIpv6`, over every chapter's
/// UDP classes. (TCPServer's IPv6 tests are in tcp_server_suite.hpp.)
#pragma once

#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "support/client.hpp"  // default_timeout
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
    // Through a promise: the test reads it once written, whichever thread
    // the server made the handler on.
    std::promise<common::Address> handed_over;
    TypeParam server{ipv6_loopback_any_port(),
                     [&handed_over](RequestOf<TypeParam>& request, const common::Address& client,
                                    BaseServerOf<TypeParam>& server) {
                         handed_over.set_value(client);
                         return std::make_unique<UpperEcho<BaseRequestHandlerOf<TypeParam>>>(
                             request, client, server);
                     }};
    DatagramClient client{server.server_address};
    client.send("hi");

    ASSERT_TRUE(serve_one(server));

    EXPECT_EQ(client.recv(), "HI");
    auto made = handed_over.get_future();
    ASSERT_EQ(made.wait_for(default_timeout), std::future_status::ready)
        << "no handler was made within " << default_timeout.count() << " s";
    const common::Address seen = made.get();
    EXPECT_EQ(seen, client.local_address());
    EXPECT_EQ(seen.to_string(), "[::1]:" + std::to_string(client.local_address().port()));
}

REGISTER_TYPED_TEST_SUITE_P(UdpIpv6,
                            UdpServerServesOnIpv6LoopbackAndAnswersTheSender,
                            UdpServerSeesAnIpv6ClientAddress);

}  // namespace sockserv::test
