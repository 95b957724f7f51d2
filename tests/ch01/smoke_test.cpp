#include <gtest/gtest.h>

#include "ch01/socketserver.hpp"
#include "support/client.hpp"
#include "support/server_thread.hpp"

namespace {
using namespace sockserv;

class Echo : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;
    void handle() override {
        char buffer[1024];
        while (auto n = request.recv(buffer)) {
            request.send_all({buffer, n});
        }
    }
};

TEST(Smoke, EchoesOverLoopback) {
    ch01::TCPServer server{common::Address::parse_inet("127.0.0.1:0"), ch01::handler<Echo>()};
    test::ServerThread running{server};
    test::Client client{server.server_address};
    client.send("ping\n");
    EXPECT_EQ(client.recv_line(), "ping\n");
}
}  // namespace
