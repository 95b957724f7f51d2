#include "ch01/base_server.hpp"

#include <iostream>
#include <sstream>
#include <system_error>

#include "common/error.hpp"
#include "common/poller.hpp"

namespace sockserv::ch01 {

BaseServer::BaseServer(common::Address server_address, HandlerFactory RequestHandlerClass)
    : server_address(std::move(server_address)),
      RequestHandlerClass(std::move(RequestHandlerClass)) {}

// [serve-forever]
void BaseServer::serve_forever(common::Seconds poll_interval) {
    {
        std::lock_guard lock(mutex_);
        serving_ = true;
        serving_thread_ = std::this_thread::get_id();
    }
    // Python's try/finally: however the loop ends, announce that it has.
    struct AnnounceShutDown {
        BaseServer& server;
        ~AnnounceShutDown() {
            std::lock_guard lock(server.mutex_);
            server.serving_ = false;
            server.serving_thread_ = {};
            server.shutdown_request_ = false;
            server.wake_up_.drain();
            server.is_shut_down_.notify_all();
        }
    } announce{*this};

    // Two descriptors: a client arriving, or shutdown() waking us up.
    common::Poller poller{fileno(), wake_up_.fd()};
    while (!shutdown_request_) {
        bool ready = poller.wait(poll_interval);
        if (shutdown_request_) {
            break;
        }
        if (ready && poller.readable(fileno())) {
            handle_request_noblock();
        }
    }
}
// [serve-forever]

// [shutdown]
void BaseServer::shutdown() {
    std::unique_lock lock(mutex_);
    shutdown_request_ = true;
    wake_up_.notify();
    if (serving_thread_ == std::this_thread::get_id()) {
        return;  // called by a handler: the loop stops once it returns
    }
    is_shut_down_.wait(lock, [this] { return !serving_; });
}
// [shutdown]

// [handle-request]
void BaseServer::handle_request() {
    common::Poller poller{fileno()};
    poller.wait(std::nullopt);
    handle_request_noblock();
}
// [handle-request]

// [handle-request-noblock]
void BaseServer::handle_request_noblock() {
    std::pair<Request, common::Address> accepted;
    try {
        accepted = get_request();
    } catch (const std::system_error&) {
        return;  // the client left before we accepted it: nothing to serve
    }
    auto& [request, client_address] = accepted;
    try {
        process_request(request, client_address);
    } catch (...) {
        handle_error(request, client_address);
        shutdown_request(request);
    }
}
// [handle-request-noblock]

// [process-request]
void BaseServer::process_request(Request& request, const common::Address& client_address) {
    finish_request(request, client_address);
    shutdown_request(request);
}
// [process-request]

// [finish-request]
void BaseServer::finish_request(Request& request, const common::Address& client_address) {
    auto handler = RequestHandlerClass(request, client_address, *this);
    handler->handle();
}
// [finish-request]

void BaseServer::shutdown_request(Request& request) {
    close_request(request);
}

void BaseServer::close_request(Request&) {}

void BaseServer::handle_error(Request&, const common::Address& client_address) {
    // One write, so that reports from concurrent requests (chapter 5) do
    // not interleave line by line.
    std::ostringstream report;
    report << "----------------------------------------\n"
           << "Exception occurred during processing of request from " << client_address << '\n'
           << common::describe_current_exception() << '\n'
           << "----------------------------------------\n";
    std::cerr << report.str() << std::flush;
}

}  // namespace sockserv::ch01
