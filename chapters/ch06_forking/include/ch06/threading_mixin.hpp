/// \file
/// \brief Python's `ThreadingMixIn`: each request on a thread of its own.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "ch06/request.hpp"
#include "ch06/request_threads.hpp"
#include "ch06/system_exit.hpp"
#include "ch06/udp_server.hpp"
#include "common/address.hpp"
#include "common/error.hpp"

namespace sockserv::ch06 {

/// \brief Reports on stderr an exception that would have left a request
/// thread, naming the client: what Python prints for an exception that
/// ends a thread. Call it inside a `catch` block.
/// \param client_address the client whose request it was
void report_uncaught_in_thread(const common::Address& client_address) noexcept;

/// \ingroup ch06
/// \brief Adds a thread per request to any server class: Python's
/// `ThreadingMixIn`, as a class template over the server it extends.
///
/// Python mixes behaviour into a class by multiple inheritance
/// (`class ThreadingTCPServer(ThreadingMixIn, TCPServer)`), and the mixin's
/// `process_request` comes first in the method order. C++ says the same
/// with a template that derives from its argument: `ThreadingMixIn<TCPServer>`
/// is a TCPServer whose process_request() is this class's.
///
/// What changes, and what does not:
/// - process_request() starts a thread and returns at once; the serving
///   loop goes back to waiting for the next client while the thread runs
///   finish_request() (setup(), handle(), finish()), then
///   shutdown_request().
/// - Errors are handled on that thread (process_request_thread()): a
///   `std::exception` goes to handle_error(). Nothing leaves the thread,
///   since an exception that leaves a `std::thread` ends the program.
///   SystemExit ends the request quietly and serving goes on, as it does
///   in CPython, whose threads ignore SystemExit (\ref ch05-system-exit).
/// - A thread that cannot be started is an error of that request: it goes
///   to handle_error(), the request is shut down, and the server serves
///   the next one.
/// - server_close() waits for the request threads (#block_on_close).
///
/// A handler now runs beside the serving loop and beside other handlers:
/// what it shares with them (the server object, a counter, a map) needs a
/// mutex or an atomic (\ref ch05-sharing).
///
/// \tparam Server the server class to extend: TCPServer, UDPServer,
///         UnixStreamServer, UnixDatagramServer, or a subclass of one
///
/// \see \ref part-ch05, which teaches this class: \ref ch05-mixin,
/// \ref ch05-request-thread, \ref ch05-closing.
template <class Server>
class ThreadingMixIn : public Server {
    static_assert(!requires { Server::requests_run_in_processes; },
                  "ThreadingMixIn over a ForkingMixIn server: a process made by fork() has "
                  "only the thread that forked, so a request forked while other requests run "
                  "on threads inherits their locks half-taken. Choose one model (Part 6).");

public:
    using Server::Server;

    /// \brief Tells a ForkingMixIn that it is given a Threading server
    /// (which it refuses, at compile time).
    static constexpr bool requests_run_on_threads = true;

    /// \brief The last resort: close_and_join_all(), if nothing did it before.
    ///
    /// A thread that outlived the server would use a destroyed object, so
    /// the destructor waits for every thread. But it may come too late:
    /// destructors run from the most derived class down, and each one's
    /// first act is to make the object's virtual calls its own class's. A
    /// request thread still calling a hook (handle_error(),
    /// shutdown_request()) while a derived destructor has begun races with
    /// that change (ThreadSanitizer reports "data race on vptr"), and may
    /// call a hook whose object is half gone. So the most derived class
    /// must wait in its own destructor: the four Threading servers do, and
    /// a class you derive from one must call close_and_join_all() in its
    /// destructor too (\ref ch05-closing).
    // [destructor]
    ~ThreadingMixIn() override { close_and_join_all(); }
    // [destructor]

    /// \brief Closes the server and waits for every request thread,
    /// daemons included: what a destructor must do before its members go.
    ///
    /// Safe to call more than once, and after server_close().
    // [close-and-join-all]
    void close_and_join_all() {
        if constexpr (threads_use_server_socket) {
            threads_.join_all();  // the threads answer through the socket: wait first
            Server::server_close();
        } else {
            Server::server_close();
            threads_.join_all();
        }
    }
    // [close-and-join-all]

    /// \brief Whether server_close() leaves request threads running (Python's
    /// daemon threads, which do not keep the process alive). Default false.
    ///
    /// A C++ thread cannot be left running past the server it uses, so the
    /// course gives the name a meaning that is safe: server_close() does not
    /// wait for a daemon thread, but the server's destructor does
    /// (\ref ch05-daemon-threads). Read when each request starts.
    bool daemon_threads = false;
    /// \brief Whether server_close() waits for the request threads. Default true.
    bool block_on_close = true;

    /// \brief Starts a thread that runs process_request_thread() and returns.
    ///
    /// The request is moved to the thread, which owns it from then on.
    /// \param request        the request from get_request(); left empty
    ///        once its thread has started
    /// \param client_address the client's address
    /// \throws std::system_error when no thread could be started; the
    ///         request is then given back, and the serving loop reports it
    ///         through handle_error() and shuts it down
    // [process-request]
    void process_request(Request& request, const common::Address& client_address) override {
        auto owned = std::make_shared<Request>(std::move(request));
        try {
            threads_.start([this, owned, client_address] {
                process_request_thread(*owned, client_address);
            }, daemon_threads);
        } catch (...) {
            request = std::move(*owned);  // back to the loop, which reports and closes it
            throw;
        }
    }
    // [process-request]

    /// \brief One request, on its own thread: finish_request(), errors to
    /// handle_error(), and shutdown_request() in every case.
    ///
    /// Python's `process_request_thread`. Nothing leaves it: what
    /// handle_error() or shutdown_request() throw is reported on stderr,
    /// as Python's threads report an exception that ends them.
    /// \param request        the request, owned by this thread
    /// \param client_address the client's address
    // [process-request-thread]
    void process_request_thread(Request& request, const common::Address& client_address) noexcept {
        try {
            try {
                this->finish_request(request, client_address);
            } catch (const std::exception&) {
                this->handle_error(request, client_address);
            }
        } catch (const SystemExit&) {
            // CPython's threads end quietly on SystemExit; so does this one.
        } catch (...) {
            report_uncaught_in_thread(client_address);
        }
        try {
            this->shutdown_request(request);
        } catch (...) {
            report_uncaught_in_thread(client_address);
        }
    }
    // [process-request-thread]

    /// \brief Closes the server, then waits for the request threads when
    /// #block_on_close is true (daemon threads excepted).
    ///
    /// CPython's order: the socket first, so that no new client is
    /// accepted while the wait lasts. A datagram server is the exception:
    /// its threads answer through that very socket, and closing a
    /// descriptor another thread may still use is a race (its number can
    /// be reused by the next socket opened, and a late reply would go
    /// there). So a datagram server waits for every thread first, daemons
    /// too, then closes; with #block_on_close false it does not wait and
    /// leaves the socket to the destructor (\ref ch05-closing).
    // [server-close]
    void server_close() override {
        if constexpr (threads_use_server_socket) {
            if (block_on_close) {
                threads_.join_all();
                Server::server_close();
            }
            return;
        }
        Server::server_close();
        if (block_on_close) {
            threads_.join();
        }
    }
    // [server-close]

    /// \brief How many request threads are kept: running, or finished and
    /// not yet reaped (at most those that ended since the last request).
    /// \return the count
    [[nodiscard]] std::size_t request_threads() { return threads_.size(); }

private:
    // A datagram request borrows the server's socket (see Request).
    static constexpr bool threads_use_server_socket = std::is_base_of_v<UDPServer, Server>;

    RequestThreads threads_;
};

}  // namespace sockserv::ch06
