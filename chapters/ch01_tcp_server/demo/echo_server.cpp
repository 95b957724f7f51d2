/// \file
/// \brief `ch01_echo_server`: chapter 1's TCPServer, upper-casing what it hears.
///
/// The command line and behaviour are the course's demo contract
/// (docs/demo-contract.md, "Demo contract" in the site); everything but
/// the handler lives in common/demo.

#include <array>
#include <memory>

#include "ch01/socketserver.hpp"
#include "common/demo.hpp"
#include "common/text.hpp"

namespace {

using namespace sockserv;

// [echo-handler]
/// Answers every line with the same line upper-cased. Upper-casing works
/// byte by byte, so the handler need not find the line ends: whatever
/// arrives goes straight back, and each line comes back whole and in order.
class UpperCaseEchoHandler : public ch01::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;

    void handle() override {
        std::array<char, 64 * 1024> buffer;
        while (std::size_t received = request.recv(buffer)) {  // 0: the client closed
            std::span<char> data{buffer.data(), received};
            common::ascii_upper(data);
            request.send_all({data.data(), data.size()});
        }
    }
};
// [echo-handler]

// [make-tcp-server]
std::unique_ptr<common::demo::Server> make_tcp_server(const common::Address& address,
                                                      const common::demo::Options&) {
    auto server = std::make_unique<ch01::TCPServer>(
        address, ch01::handler<UpperCaseEchoHandler>(), /*bind_and_activate=*/false);
    server->request_queue_size = common::demo::listen_backlog;
    server->server_bind();
    server->server_activate();
    return common::demo::erase(std::move(server));
}
// [make-tcp-server]

}  // namespace

int main(int argc, char** argv) {
    static const common::demo::ServerClass classes[] = {
        {"TCPServer", common::demo::Family::inet, make_tcp_server},
    };
    return common::demo::run(argc, argv, "ch01_echo_server", classes);
}
