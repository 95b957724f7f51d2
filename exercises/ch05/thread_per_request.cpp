// Exercise 5.1: a thread per request, by hand: process_request() starts a
// thread, the thread serves the request, server_close() waits for them.
//
// Read the book's section "Exercise 5.1: a thread per request, by hand"
// first (book/ch05.md, anchor ex-ch05-thread-per-request).
// Check your work with:   ./course check ch05 thread_per_request
// You edit this file only; thread_per_request.hpp (the class) is given.
#include "thread_per_request.hpp"

namespace sockserv::ch05::exercises {

void ThreadPerRequestServer::process_request(Request& request,
                                             const common::Address& client_address) {
    // TODO(exercise): start a thread that runs serve_request() for this
    // request, keep it in threads_ (under mutex_), and return at once.
    //   1. The thread must own the request: move it into the thread's
    //      function. Copy the client's address.
    //   2. threads_ is shared with server_close(), which may run on another
    //      thread: touch it only while holding mutex_.
    // (For now the request is served right here, one at a time, as in
    // chapter 4: a client that sends nothing holds up everyone else.)
    TCPServer::process_request(request, client_address);
}

void ThreadPerRequestServer::serve_request([[maybe_unused]] Request request,
                                           [[maybe_unused]] common::Address client_address) noexcept {
    // TODO(exercise): serve one request on this thread.
    //   1. finish_request(); a std::exception from it goes to handle_error(),
    //      called inside the catch block.
    //   2. shutdown_request() in every case.
    //   3. Nothing may leave: catch everything else too (SystemExit, or
    //      handle_error() throwing), or the program ends.
}

void ThreadPerRequestServer::server_close() {
    // TODO(exercise): close the listening socket first (TCPServer's
    // server_close()), then join every thread in threads_. Take them out of
    // the vector while holding mutex_, and join them after letting it go,
    // so that a call made twice finds nothing left to join.
    TCPServer::server_close();
}

}  // namespace sockserv::ch05::exercises
