/// \file
/// \brief Python's `BaseServer`: the serving loop and its hooks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "ch06/base_request_handler.hpp"
#include "ch06/system_exit.hpp"
#include "common/address.hpp"
#include "common/seconds.hpp"
#include "common/waker.hpp"

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief The superclass of every server: it knows how to run a request
/// through the hooks, but not what a request is.
///
/// Each hook is a public virtual method with Python's name, so that you can
/// call it, override it, and find it in the Python docs. The subclass
/// TCPServer fills in what depends on the socket (fileno(), get_request(),
/// shutdown_request(), close_request()). The hooks that have nothing to do
/// with sockets (verify_request(), handle_error(), handle_timeout(),
/// service_actions()) do nothing special by default: they are there to be
/// overridden.
///
/// \see \ref part-ch01, which introduces this class, and \ref part-ch03,
/// which teaches what chapter 3 added: \ref ch03-lifecycle,
/// \ref ch03-verify-request, \ref ch03-waiting.
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
    /// run out: it wakes the loop at once. After every wait, whether a
    /// request came or not, it calls service_actions(). It ignores
    /// #timeout, which is handle_request()'s alone.
    ///
    /// \throws SystemExit (or anything not derived from `std::exception`)
    ///         when a handler throws it: the request is shut down first.
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
    /// Waits at most #timeout (for ever when it is empty, Python's `None`).
    /// If a request arrives, runs it through the hooks below, exactly as
    /// one turn of serve_forever() does; if none does in time, calls
    /// handle_timeout() instead. Either way it then returns.
    ///
    /// A signal that interrupts the wait does not shorten or lengthen it:
    /// the wait resumes until the same deadline.
    /// \throws SystemExit (or anything not derived from `std::exception`)
    ///         when the handler throws it: the request is shut down first.
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
    /// \brief Decides whether to serve a request; the default serves all.
    ///
    /// Override it for access control: return false and the request is
    /// denied, which means it goes straight to shutdown_request() (a
    /// stream client reads end-of-file, or a reset if it had sent data that
    /// was never read), with no handler and no report.
    ///
    /// As in Python, it runs outside the error handling of the request: an
    /// exception it throws leaves handle_request() or serve_forever() (the
    /// request is still closed, by its destructor). Deciding should not fail.
    /// \param request        the request from get_request()
    /// \param client_address the client's address: what an allow-list checks
    /// \return true to serve the request, false to deny it
    virtual bool verify_request(Request& request, const common::Address& client_address);
    /// \brief Runs finish_request(), then shutdown_request().
    ///
    /// The place where ThreadingMixIn and ForkingMixIn (chapters 5 and 6)
    /// hand the request to a thread or a process instead.
    /// \param request        the request from get_request()
    /// \param client_address the client's address from get_request()
    virtual void process_request(Request& request, const common::Address& client_address);
    /// \brief Creates the handler with RequestHandlerClass and runs it:
    /// BaseRequestHandler::run() calls setup(), handle() and finish().
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
    /// \brief Called when handling a request threw a `std::exception`; the
    /// default prints a report naming the client and the exception to
    /// stderr, and serving continues.
    ///
    /// Python calls it for every `Exception`, but not for `SystemExit` or
    /// `KeyboardInterrupt`; here the line is `std::exception` (see
    /// SystemExit). Afterwards the server calls shutdown_request(). The
    /// server calls it only from inside a `catch` block, so an override
    /// can rethrow with `throw;` or ask common::describe_current_exception().
    /// \param request        the request whose handling failed
    /// \param client_address the client's address, named in the report
    virtual void handle_error(Request& request, const common::Address& client_address);
    /// @}

    /// \name Hooks of the serving loops
    /// @{

    /// \brief Called by handle_request() when #timeout passed with no
    /// request; the default does nothing.
    ///
    /// Chapter 6's ForkingMixIn uses it to collect the children that have exited.
    virtual void handle_timeout();
    /// \brief Called once per pass of serve_forever()'s loop: after each
    /// request, and after each \p poll_interval without one. The default
    /// does nothing.
    ///
    /// A place for periodic work that must run on the serving thread.
    /// Chapter 6's ForkingMixIn uses it to collect the children that have exited.
    virtual void service_actions();
    /// @}

    /// \brief How long handle_request() waits for a request before it calls
    /// handle_timeout(): empty (Python's `None`, the default) waits for ever.
    ///
    /// Python's class attribute; set it any time before handle_request().
    /// serve_forever() ignores it.
    std::optional<common::Seconds> timeout;

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

    /// \brief In a child made by `fork()`: cuts the child's copy of the
    /// server loose from the parent's serving loop.
    ///
    /// The child inherits the parent's `shutdown()` wake-up, an eventfd
    /// that both processes then share, and the record that serve_forever()
    /// is running (in the parent, not here). After this, shutdown() in the
    /// child wakes nobody else and waits for no loop.
    /// \throws std::system_error when no new eventfd can be made
    void forget_parent_loop();

private:
    std::mutex mutex_;  // guards serving_, serving_thread_
    std::condition_variable is_shut_down_;
    bool serving_ = false;
    std::thread::id serving_thread_;
    std::atomic<bool> shutdown_request_{false};
    common::Waker wake_up_;
};

}  // namespace sockserv::ch06
