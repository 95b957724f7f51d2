/// \file
/// \brief `ch03_echo_server`: chapter 3's four servers, upper-casing what they hear.
///
/// The command line and behaviour are the course's demo contract
/// (docs/demo-contract.md, "Demo contract" in the site); everything but
/// the handlers lives in common/demo.

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "ch03/socketserver.hpp"
#include "common/demo.hpp"
#include "common/text.hpp"

namespace {

using namespace sockserv;

// [echo-handler]
/// Answers every line with the same line upper-cased. Upper-casing works
/// byte by byte, so the handler need not find the line ends: whatever
/// arrives goes straight back, and each line comes back whole and in order.
class UpperCaseEchoHandler : public ch03::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;

    void handle() override {
        std::array<char, 64 * 1024> buffer;
        common::Socket& connection = request.socket();
        while (std::size_t received = connection.recv(buffer)) {  // 0: the client closed
            std::span<char> data{buffer.data(), received};
            common::ascii_upper(data);
            connection.send_all({data.data(), data.size()});
        }
    }
};
// [echo-handler]

/// No UDP datagram is longer (its length field has 16 bits), so the demo
/// answers every UDP datagram whole; only a longer Unix one is cut.
constexpr std::size_t max_datagram = 65536;

// [datagram-echo-handler]
/// Answers every datagram with one datagram: the same bytes, upper-cased,
/// sent from the server's socket to the sender's address.
class UpperCaseDatagramHandler : public ch03::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;

    void handle() override {
        if (request.truncated) {
            // Echoing the first max_packet_size bytes would break the
            // promise of "the same bytes": say so instead of answering.
            throw std::runtime_error("not answered: the datagram is longer than max_packet_size (" +
                                     std::to_string(max_datagram) + " bytes)");
        }
        if (client_address.is_unnamed()) {
            // A Unix datagram client that bound no path has no address to
            // answer to; handle_error() reports this on stderr.
            throw std::runtime_error(
                "cannot answer: the client's Unix socket has no path (bind one to get replies)");
        }
        common::ascii_upper(request.data);
        request.socket().sendto(request.data, client_address);
    }
};
// [datagram-echo-handler]

using common::demo::Family;

// [make-stream-server]
/// TCPServer or UnixStreamServer, listening with the demo's larger backlog.
template <class StreamServer>
std::unique_ptr<common::demo::Server> make_stream_server(const common::Address& address,
                                                         const common::demo::Options&) {
    auto server = std::make_unique<StreamServer>(
        address, ch03::handler<UpperCaseEchoHandler>(), /*bind_and_activate=*/false);
    server->request_queue_size = common::demo::listen_backlog;
    server->server_bind();
    server->server_activate();
    return common::demo::erase(std::move(server));
}
// [make-stream-server]

// [make-datagram-server]
/// UDPServer or UnixDatagramServer: nothing to listen for, so no backlog,
/// but room for the largest UDP datagram instead of Python's 8192 bytes.
template <class DatagramServer>
std::unique_ptr<common::demo::Server> make_datagram_server(const common::Address& address,
                                                           const common::demo::Options&) {
    auto server =
        std::make_unique<DatagramServer>(address, ch03::handler<UpperCaseDatagramHandler>());
    server->max_packet_size = max_datagram;
    return common::demo::erase(std::move(server));
}
// [make-datagram-server]

}  // namespace

int main(int argc, char** argv) {
    static const common::demo::ServerClass classes[] = {
        {"TCPServer", Family::inet, make_stream_server<ch03::TCPServer>},
        {"UDPServer", Family::inet, make_datagram_server<ch03::UDPServer>},
        {"UnixStreamServer", Family::unix_path, make_stream_server<ch03::UnixStreamServer>},
        {"UnixDatagramServer", Family::unix_path, make_datagram_server<ch03::UnixDatagramServer>},
    };
    return common::demo::run(argc, argv, "ch03_echo_server", classes);
}
