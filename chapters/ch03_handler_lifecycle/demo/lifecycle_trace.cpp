/// \file
/// \brief `ch03_lifecycle_trace`: a TCPServer that names every hook as it runs.
///
/// Usage: `ch03_lifecycle_trace [TIMEOUT]` (`--help` says so too)
///
/// Without an argument it calls serve_forever() (poll_interval 5 s); with
/// one, a single handle_request() with that `timeout` in seconds. It
/// listens on 127.0.0.1 (a free port, printed first) and serves clients
/// from 127.0.0.1 only. Its handler reads one message and answers `ok`,
/// except two: `fail` throws a std::runtime_error, `quit` throws
/// SystemExit{3}, which ends the program with status 3. Every hook prints
/// its name on stdout as it runs; handle_error()'s report goes to stderr.
/// The book's "Watching every hook" runs it with four clients.

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <system_error>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "ch03/socketserver.hpp"

namespace {

using namespace sockserv;
using ch03::Request;
using common::Address;

void say(std::string_view what) {
    std::cout << "  " << what << std::endl;  // flushed: the order must match stderr's
}

// [trace-handler]
/// The handler's three steps, each saying that it runs.
class Narrator : public ch03::BaseRequestHandler {
public:
    using BaseRequestHandler::BaseRequestHandler;

    void setup() override { say("setup()"); }

    void handle() override {
        say("handle()");
        std::array<char, 512> buffer;
        std::string message(buffer.data(), request.socket().recv(buffer));
        if (message.starts_with("fail")) {
            throw std::runtime_error("you asked for it");  // an error: handle_error()
        }
        if (message.starts_with("quit")) {
            throw ch03::SystemExit{3};  // not an error: it stops the server
        }
        request.socket().send_all("ok\n");
    }

    void finish() override { say("finish()"); }
};
// [trace-handler]

// [trace-server]
/// Every server hook a request passes through: say its name, then do
/// what TCPServer does. verify_request() keeps an allow-list of one.
class Tracer : public ch03::TCPServer {
public:
    using TCPServer::TCPServer;

    std::pair<Request, Address> get_request() override {
        auto accepted = TCPServer::get_request();
        say("get_request(): " + accepted.second.to_string());
        return accepted;
    }
    bool verify_request(Request&, const Address& client_address) override {
        bool allowed = client_address.host() == "127.0.0.1";
        say(allowed ? "verify_request(): true" : "verify_request(): false");
        return allowed;
    }
    void process_request(Request& request, const Address& client_address) override {
        say("process_request()");
        TCPServer::process_request(request, client_address);
    }
    void finish_request(Request& request, const Address& client_address) override {
        say("finish_request(): makes the handler, calls run()");
        TCPServer::finish_request(request, client_address);
    }
    void shutdown_request(Request& request) override {
        say("shutdown_request()");
        TCPServer::shutdown_request(request);
    }
    void close_request(Request& request) override {
        say("close_request()");
        TCPServer::close_request(request);
    }
    void handle_error(Request& request, const Address& client_address) override {
        say("handle_error():");
        TCPServer::handle_error(request, client_address);
    }
    void handle_timeout() override { say("handle_timeout()"); }
    void service_actions() override { say("service_actions()"); }
};
// [trace-server]

// What the command line asks for: a timeout for one handle_request(), or
// nothing for serve_forever(). Read before anything is bound, so that
// --help and a typing mistake cost no port.
struct Command {
    std::optional<common::Seconds> timeout;
    bool help = false;
};

constexpr std::string_view usage =
    "usage: ch03_lifecycle_trace [TIMEOUT]\n"
    "A TCPServer on 127.0.0.1 that prints each hook as it runs. Without\n"
    "TIMEOUT it serves for ever; with it, one handle_request() that waits\n"
    "at most TIMEOUT seconds (0 or more).\n";

Command parse(int argc, char** argv) {
    Command command;
    if (argc > 2) {
        throw std::invalid_argument{"too many arguments: give at most a TIMEOUT"};
    }
    if (argc == 2) {
        std::string_view argument = argv[1];
        if (argument == "--help" || argument == "-h") {
            command.help = true;
            return command;
        }
        if (argument.starts_with("-") && argument.size() > 1 && !std::isdigit(static_cast<unsigned char>(argument[1]))) {
            throw std::invalid_argument{"unknown option '" + std::string{argument} + "'"};
        }
        double seconds = -1;
        auto [end, error] = std::from_chars(argument.data(), argument.data() + argument.size(), seconds);
        if (error != std::errc{} || end != argument.data() + argument.size() || !(seconds >= 0)) {
            throw std::invalid_argument{"TIMEOUT must be a number of seconds, 0 or more, not '" +
                                        std::string{argument} + "'"};
        }
        command.timeout = common::Seconds{seconds};
    }
    return command;
}

}  // namespace

// [trace-main]
int main(int argc, char** argv) {
    Command command;
    try {
        command = parse(argc, argv);
    } catch (const std::invalid_argument& error) {
        std::cerr << "ch03_lifecycle_trace: " << error.what() << " (--help for usage)\n";
        return 2;
    }
    if (command.help) {
        std::cout << usage;
        return 0;
    }
    try {
        Tracer server{Address::parse_inet("127.0.0.1:0"), ch03::handler<Narrator>()};
        std::cout << "listening on " << server.server_address << std::endl;
        if (command.timeout) {
            server.timeout = command.timeout;
            server.handle_request();  // one request, or handle_timeout()
        } else {
            server.serve_forever(common::Seconds{5});
        }
    } catch (const ch03::SystemExit& exit) {
        say("SystemExit{" + std::to_string(exit.code) + "} left the serving loop");
        return exit.code;
    } catch (const std::exception& error) {
        std::cerr << "ch03_lifecycle_trace: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
// [trace-main]
