#include "ch06/base_server.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <system_error>

#include "common/error.hpp"
#include "common/poller.hpp"

namespace sockserv::ch06 {

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
        if (ready && poller.readable(wake_up_.fd())) {
            // Woken with no shutdown asked of this process: a forked child
            // that called shutdown() on its copy of the server, through the
            // eventfd both share. Left readable, it would wake every
            // poll() from now on, and the loop would spin (Part 6).
            wake_up_.drain();
        }
        if (ready && poller.readable(fileno())) {
            handle_request_noblock();
        }
        service_actions();  // every pass, request or not, as in Python
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

// [forget-parent-loop]
void BaseServer::forget_parent_loop() {
    wake_up_ = common::Waker{};
    // No lock: the child has one thread, this one. (And must not take
    // one: a lock another thread of the parent held at the fork stays
    // held in the child for ever, with nobody left to let go of it.)
    serving_ = false;
    serving_thread_ = {};
    shutdown_request_ = false;
}
// [forget-parent-loop]

// [handle-request]
void BaseServer::handle_request() {
    common::Poller poller{fileno()};
    if (!timeout) {
        poller.wait(std::nullopt);
        handle_request_noblock();
        return;
    }
    // One deadline for the whole call: a wait that ends early without a
    // request (poll(2) may do that) resumes for what is left, no more.
    auto deadline = std::chrono::steady_clock::now() + *timeout;
    while (true) {
        common::Seconds left = deadline - std::chrono::steady_clock::now();
        if (poller.wait(std::max(left, common::Seconds{0}))) {
            handle_request_noblock();
            return;
        }
        if (left <= common::Seconds{0}) {
            handle_timeout();
            return;
        }
    }
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
    if (!verify_request(request, client_address)) {
        shutdown_request(request);  // denied: closed without a handler
        return;
    }
    try {
        process_request(request, client_address);
    } catch (const std::exception&) {
        // Python's `except Exception`: an error of this request only.
        handle_error(request, client_address);
        shutdown_request(request);
    } catch (...) {
        // Python's bare `except:`, reached by SystemExit and the like:
        // end the request, then let the exception stop the serving loop.
        shutdown_request(request);
        throw;
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
    // Python's RequestHandlerClass(request, client_address, self): make
    // the handler, then run setup(), handle(), finish() on the complete object.
    auto handler = RequestHandlerClass(request, client_address, *this);
    handler->run();
}
// [finish-request]

bool BaseServer::verify_request(Request&, const common::Address&) {
    return true;
}

void BaseServer::shutdown_request(Request& request) {
    close_request(request);
}

void BaseServer::close_request(Request&) {}

void BaseServer::handle_timeout() {}

void BaseServer::service_actions() {}

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

}  // namespace sockserv::ch06
