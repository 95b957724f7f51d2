/// \file
/// \brief `ch06_echo_server`: chapter 6's twelve servers, upper-casing what they hear, line by line.
///
/// The command line and behaviour are the course's demo contract
/// (docs/demo-contract.md, "Demo contract" in the site); everything but
/// the handlers lives in common/demo.

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "ch06/socketserver.hpp"
#include "common/demo.hpp"
#include "common/text.hpp"

namespace {

using namespace sockserv;

/// The longest piece of a line the demo holds: a longer line is answered
/// in pieces of this size, so that a client sending megabytes without a
/// newline costs the server this much, not megabytes.
constexpr std::size_t max_line = 64 * 1024;

// [echo-handler]
/// Answers every line with the same line upper-cased, once the line is
/// complete (a last line without `\n`, once the client has closed).
class UpperCaseEchoHandler : public ch06::StreamRequestHandler {
public:
    UpperCaseEchoHandler(ch06::Request& request, common::Address client_address,
                         ch06::BaseServer& server)
        : StreamRequestHandler(request, std::move(client_address), server) {
        rbufsize = 64 * 1024;  // as much as one recv() usually brings on loopback
        wbufsize = 64 * 1024;  // answers gather here, and leave in one send()
    }

    void handle() override {
        std::string line;  // one string for every line: no allocation per line
        while (rfile.readline_into(line, max_line)) {
            common::ascii_upper(line);
            wfile.write(line);
            // The next readline() may wait for the client, and the client may
            // be waiting for these answers: send them before waiting.
            if (rfile.buffered().find('\n') == std::string_view::npos) {
                wfile.flush();
            }
        }
        // readline_into() returned false: the client closed its side, and
        // every byte it sent has been answered.
    }
};
// [echo-handler]

/// No UDP datagram is longer (its length field has 16 bits), so the demo
/// answers every UDP datagram whole; only a longer Unix one is cut.
constexpr std::size_t max_datagram = 65536;

// [datagram-echo-handler]
/// Answers every datagram with one datagram: the same lines, upper-cased.
class UpperCaseDatagramHandler : public ch06::DatagramRequestHandler {
public:
    using DatagramRequestHandler::DatagramRequestHandler;

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
        for (std::string line : rfile) {
            common::ascii_upper(line);
            wfile.write(line);
        }
    }

    /// DatagramRequestHandler answers always, even after handle() threw;
    /// the demo does not answer the two datagrams handle() refused.
    void finish() override {
        if (!request.truncated && !client_address.is_unnamed()) {
            DatagramRequestHandler::finish();
        }
    }
};
// [datagram-echo-handler]

using common::demo::Family;

/// `--max-children`, for the classes that have max_children (the Forking ones).
template <class Server>
void set_max_children(Server& server, const common::demo::Options& options) {
    if constexpr (requires { server.max_children; }) {
        server.max_children = static_cast<std::size_t>(options.max_children);
    }
}

// [make-stream-server]
/// TCPServer or UnixStreamServer, listening with the demo's larger backlog.
template <class StreamServer>
std::unique_ptr<common::demo::Server> make_stream_server(const common::Address& address,
                                                         const common::demo::Options& options) {
    auto server = std::make_unique<StreamServer>(
        address, ch06::handler<UpperCaseEchoHandler>(), /*bind_and_activate=*/false);
    server->request_queue_size = common::demo::listen_backlog;
    set_max_children(*server, options);
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
                                                           const common::demo::Options& options) {
    auto server =
        std::make_unique<DatagramServer>(address, ch06::handler<UpperCaseDatagramHandler>());
    server->max_packet_size = max_datagram;
    set_max_children(*server, options);
    return common::demo::erase(std::move(server));
}
// [make-datagram-server]

}  // namespace

int main(int argc, char** argv) {
    static const common::demo::ServerClass classes[] = {
        {"TCPServer", Family::inet, make_stream_server<ch06::TCPServer>},
        {"UDPServer", Family::inet, make_datagram_server<ch06::UDPServer>},
        {"UnixStreamServer", Family::unix_path, make_stream_server<ch06::UnixStreamServer>},
        {"UnixDatagramServer", Family::unix_path, make_datagram_server<ch06::UnixDatagramServer>},
        {"ThreadingTCPServer", Family::inet, make_stream_server<ch06::ThreadingTCPServer>},
        {"ThreadingUDPServer", Family::inet, make_datagram_server<ch06::ThreadingUDPServer>},
        {"ThreadingUnixStreamServer", Family::unix_path,
         make_stream_server<ch06::ThreadingUnixStreamServer>},
        {"ThreadingUnixDatagramServer", Family::unix_path,
         make_datagram_server<ch06::ThreadingUnixDatagramServer>},
        {"ForkingTCPServer", Family::inet, make_stream_server<ch06::ForkingTCPServer>},
        {"ForkingUDPServer", Family::inet, make_datagram_server<ch06::ForkingUDPServer>},
        {"ForkingUnixStreamServer", Family::unix_path,
         make_stream_server<ch06::ForkingUnixStreamServer>},
        {"ForkingUnixDatagramServer", Family::unix_path,
         make_datagram_server<ch06::ForkingUnixDatagramServer>},
    };
    return common::demo::run(argc, argv, "ch06_echo_server", classes);
}
