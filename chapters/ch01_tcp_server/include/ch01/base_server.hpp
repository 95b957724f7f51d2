/// \file
/// \brief Python's `BaseServer`: the serving loop and its hooks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "ch01/base_request_handler.hpp"
#include "common/address.hpp"
#include "common/seconds.hpp"
#include "common/waker.hpp"

namespace sockserv::ch01 {

/// \ingroup ch01
/// \brief The superclass of every server: it knows how to run a request
/// through the hooks, but not what a request is.
///
/// Each hook is a public virtual method with Python's name, so that you can
/// call it, override it, and find it in the Python docs. The subclass
/// TCPServer fills in what depends on the socket (fileno(), get_request(),
/// shutdown_request(), close_request()).
///
/// \see \ref part-ch01, which teaches this class:
/// \ref ch01-walk-serve-forever, \ref ch01-walk-one-request,
/// \ref ch01-walk-shutdown.
class BaseServer {
public:
    /// \brief Stores the two constructor arguments, as Python does.
    /// \param server_address      where the server will listen
    /// \param RequestHandlerClass makes the handler of each request; see
    ///        HandlerFactory and handler()
    BaseServer(common::Address server_address, HandlerFactory RequestHandlerClass);
    /// \brief Subclasses release what they own; see TCPServer::~TCPServer.
    virtual ~BaseServer() = default;

    BaseServer(const BaseServer&) = delete;
    BaseServer& operator=(const BaseServer&) = delete;

    /// \brief Handles requests until shutdown() is called.
    ///
    /// Waits for a client at most \p poll_interval at a time, as Python
    /// does; unlike Python, shutdown() does not wait for that interval to
    /// run out: it wakes the loop at once.
    /// \param poll_interval the longest single wait before the loop checks
    ///        again whether to stop (Python's default: 0.5 s)
    void serve_forever(common::Seconds poll_interval = common::Seconds{0.5});

    /// \brief Tells serve_forever() to stop, and waits until it has.
    ///
    /// Safe from any thread. Called before serve_forever() has started, it
    /// returns at once and the next serve_forever() returns at once too
    /// (CPython issue 2302: shutdown must always stop the serving thread).
    /// Called from a handler, i.e. from serve_forever()'s own thread, it
    /// does not wait (that would wait for itself forever, as CPython does):
    /// the loop stops after the current request.
    void shutdown();

    /// \brief Waits for one request and handles it, without serve_forever().
    ///
    /// Blocks until a client connects (chapter 1 has no `timeout` yet), then
    /// runs it through the hooks below, exactly as one turn of
    /// serve_forever() does.
    void handle_request();

    /// \brief Cleans up the server: Python's `server_close()`. The default
    /// does nothing; TCPServer closes its socket.
    virtual void server_close() {}

    /// \brief The descriptor serve_forever() waits on.
    /// \return a descriptor that is readable when a request is waiting, for
    ///         `poll(2)` or Python's `selectors`
    [[nodiscard]] virtual int fileno() const = 0;

    /// \name Hooks, called in this order for each request
    /// @{

    /// \brief Accepts a request: the connection and the client's address.
    /// \return the request and the client's address
    /// \throws std::system_error when no request could be taken; the
    ///         serving loop then gives up on this one quietly, as Python does.
    virtual std::pair<Request, common::Address> get_request() = 0;
    /// \brief Runs finish_request(), then shutdown_request().
    ///
    /// The place where ThreadingMixIn and ForkingMixIn (chapters 5 and 6)
    /// hand the request to a thread or a process instead.
    /// \param request        the request from get_request()
    /// \param client_address the client's address from get_request()
    virtual void process_request(Request& request, const common::Address& client_address);
    /// \brief Creates the handler with RequestHandlerClass and runs its handle().
    ///
    /// An exception from the handler leaves this function; the serving loop
    /// catches it and calls handle_error().
    /// \param request        the request to serve
    /// \param client_address the client's address
    virtual void finish_request(Request& request, const common::Address& client_address);
    /// \brief Ends a request: by default just close_request().
    /// \param request the request that has been served
    virtual void shutdown_request(Request& request);
    /// \brief Releases a request's resources; the default does nothing.
    /// \param request the request to clean up
    virtual void close_request(Request& request);
    /// \brief Called when handling a request threw; the default prints a
    /// report naming the client and the exception to stderr. Call it only
    /// from inside a `catch` block: it reports the exception being handled.
    /// \param request        the request whose handling failed
    /// \param client_address the client's address, named in the report
    virtual void handle_error(Request& request, const common::Address& client_address);
    /// @}

    /// \brief The address the server listens on (after binding: the real
    /// one, with the port the OS chose for port 0).
    common::Address server_address;
    /// \brief Creates one handler per request; see HandlerFactory.
    HandlerFactory RequestHandlerClass;

protected:
    /// \brief One request, start to end: Python's `_handle_request_noblock()`.
    ///
    /// Called once fileno() is readable, so get_request() will not block.
    void handle_request_noblock();

private:
    std::mutex mutex_;  // guards serving_, serving_thread_
    std::condition_variable is_shut_down_;
    bool serving_ = false;
    std::thread::id serving_thread_;
    std::atomic<bool> shutdown_request_{false};
    common::Waker wake_up_;
};

}  // namespace sockserv::ch01
