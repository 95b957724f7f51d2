/// \file
/// \brief Exercise 5.1 (given: read it, do not edit it): a TCPServer that
/// serves every connection on a thread of its own; you write its three
/// member functions in thread_per_request.cpp.
///
/// Book: "Exercise 5.1: a thread per request, by hand".
/// Check: `./course check ch05 thread_per_request`.
#pragma once

#include <mutex>
#include <thread>
#include <vector>

#include "ch05/socketserver.hpp"

namespace sockserv::ch05::exercises {

/// \brief A TCPServer whose process_request() hands each connection to a
/// new thread and returns at once, so that the serving loop can accept
/// the next client while the first one is still being served.
///
/// The same idea as ThreadingMixIn, built by hand and kept small: one
/// server class rather than a template, and every thread kept until
/// server_close() (exercise 5.2 reaps them as they finish).
///
/// A subclass that overrides a hook the request threads call
/// (handle_error(), shutdown_request()...) must call server_close() in its
/// own destructor: this class's destructor runs after the subclass's, too
/// late for threads that may still be calling the subclass's hooks.
class ThreadPerRequestServer : public TCPServer {
public:
    using TCPServer::TCPServer;

    /// \brief Waits for every request thread, as Python's `with` block would.
    ~ThreadPerRequestServer() override { server_close(); }

    ThreadPerRequestServer(const ThreadPerRequestServer&) = delete;
    ThreadPerRequestServer& operator=(const ThreadPerRequestServer&) = delete;

    /// \brief Your part, 1 of 3: starts a thread that runs serve_request()
    /// for this request, keeps it in #threads_, and returns at once.
    ///
    /// The serving loop destroys \p request as soon as this returns, and a
    /// destroyed request closes its connection: the thread must own the
    /// request, so move it there. \p client_address is a reference into
    /// the loop's variables too: the thread needs a copy.
    ///
    /// If no thread can be started (a limit on threads or memory),
    /// `std::thread`'s constructor throws `std::system_error`: let it go.
    /// The serving loop reports it through handle_error(), shuts down what
    /// is left of the request, and serves the next one.
    /// \param request        the request from get_request()
    /// \param client_address the client's address
    // [process-request]
    void process_request(Request& request, const common::Address& client_address) override;
    // [process-request]

    /// \brief Your part, 3 of 3: closes the listening socket, then waits
    /// for every request thread started so far.
    ///
    /// The socket first, as CPython does: from then on no client is
    /// accepted, and a new one is refused rather than left waiting for a
    /// server that is about to stop. Safe to call twice (the destructor
    /// calls it again), and safe while a request thread is still starting.
    // [server-close]
    void server_close() override;
    // [server-close]

protected:
    /// \brief Your part, 2 of 3: one request, from start to end, on its
    /// own thread.
    ///
    /// What the serving loop does for a synchronous server, now on this
    /// thread: finish_request(); if that throws a `std::exception`,
    /// handle_error() (called inside the `catch` block, where it can see
    /// the exception); and shutdown_request() in every case, error or not.
    ///
    /// Nothing may leave this function: an exception that leaves a
    /// `std::thread`'s function ends the whole program (`std::terminate`).
    /// So anything else (SystemExit from a handler, an exception from
    /// handle_error() itself) is caught too, and ends this request only.
    /// \param request        the request, owned by this thread
    /// \param client_address the client's address
    // [serve-request]
    void serve_request(Request request, common::Address client_address) noexcept;
    // [serve-request]

private:
    std::mutex mutex_;                  // guards threads_
    std::vector<std::thread> threads_;  // every request thread not yet joined
};

}  // namespace sockserv::ch05::exercises
