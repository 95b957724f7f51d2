// Exercise 5.1: a thread per request, by hand: process_request() starts a
// thread, the thread serves the request, server_close() waits for them.
//
// Read the book's section "Exercise 5.1: a thread per request, by hand"
// first (book/ch05.md, anchor ex-ch05-thread-per-request).
// Check your work with:   ./course check ch05 thread_per_request
// You edit this file only; thread_per_request.hpp (the class) is given.
#include "thread_per_request.hpp"

#include <utility>

namespace sockserv::ch05::exercises {

void ThreadPerRequestServer::process_request(Request& request,
                                             const common::Address& client_address) {
    // The lambda owns the request from here on: the loop's `request` is
    // left empty, and closing it closes nothing.
    std::lock_guard lock{mutex_};
    threads_.emplace_back([this, owned = std::move(request), client_address]() mutable {
        serve_request(std::move(owned), client_address);
    });
}

void ThreadPerRequestServer::serve_request(Request request,
                                           common::Address client_address) noexcept {
    try {
        try {
            finish_request(request, client_address);
        } catch (const std::exception&) {
            handle_error(request, client_address);
        }
    } catch (...) {
        // SystemExit, or handle_error() itself failing: the end of this
        // request, not of the program.
    }
    try {
        shutdown_request(request);
    } catch (...) {
        // Nothing is left to tell the client; the request is gone anyway.
    }
}

void ThreadPerRequestServer::server_close() {
    TCPServer::server_close();
    std::vector<std::thread> started;
    {
        std::lock_guard lock{mutex_};
        started.swap(threads_);
    }
    for (std::thread& thread : started) {
        thread.join();
    }
}

}  // namespace sockserv::ch05::exercises
