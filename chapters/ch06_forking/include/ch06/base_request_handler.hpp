/// \file
/// \brief Python's `BaseRequestHandler`, and the factory that stands for
/// `RequestHandlerClass`.
#pragma once

#include <functional>
#include <memory>

#include "ch06/request.hpp"
#include "common/address.hpp"

namespace sockserv::ch06 {

class BaseServer;

/// \ingroup ch06
/// \brief The base of every request handler: one object per request, and
/// the three steps of serving it.
///
/// Python's `BaseRequestHandler.__init__` stores request, client_address
/// and server, then calls `setup()`, `handle()` and, in a `finally`,
/// `finish()`. A C++ constructor cannot make those calls: inside
/// `BaseRequestHandler`'s constructor the object is not yet your subclass,
/// so a virtual call would reach this class's empty hooks, never yours.
/// The work is therefore split in two. The constructor only stores; run(),
/// called by BaseServer::finish_request() once the object is complete,
/// calls the three hooks in Python's order. run() is a template method: it
/// fixes the order and the guarantee that finish() runs; the hooks are
/// what subclasses change.
///
/// Write a handler by deriving, inheriting the constructor, and overriding
/// the hooks you need (usually handle(), sometimes setup() and finish()):
/// \code
/// class Echo : public BaseRequestHandler {
/// public:
///     using BaseRequestHandler::BaseRequestHandler;
///     void setup() override { /* prepare: buffers, timeouts, a log line */ }
///     void handle() override { /* talk to the client through request */ }
///     void finish() override { /* clean up: runs even if handle() threw */ }
/// };
/// \endcode
///
/// \see \ref part-ch01, which introduces this class, and \ref part-ch03,
/// which teaches what chapter 3 added: \ref ch03-template-method,
/// \ref ch03-step-throws.
class BaseRequestHandler {
public:
    /// \brief Stores the three things Python gives every handler.
    ///
    /// Does nothing else: the server calls run() once the object is complete.
    /// \param request        the connection to the client, or the datagram
    /// \param client_address who the client is
    /// \param server         the server that received the request
    BaseRequestHandler(Request& request, common::Address client_address, BaseServer& server);
    /// \brief Virtual, so that the server can destroy any handler through a
    /// pointer to this base.
    virtual ~BaseRequestHandler() = default;

    BaseRequestHandler(const BaseRequestHandler&) = delete;
    BaseRequestHandler& operator=(const BaseRequestHandler&) = delete;

    /// \brief Serves the request: setup(), then handle(), then finish().
    ///
    /// What Python's constructor does after storing its arguments. finish()
    /// runs even when handle() throws, and the exception then continues to
    /// the server (which calls BaseServer::handle_error()). When setup()
    /// throws, neither handle() nor finish() runs: there is nothing set up
    /// to finish. When finish() itself throws, its exception is the one
    /// that leaves, as an exception raised in Python's `finally` replaces
    /// the one before it.
    void run();

    /// \brief Prepares for handle(); the default does nothing.
    ///
    /// Chapter 4's StreamRequestHandler uses it to wrap the connection in
    /// buffered streams.
    virtual void setup();
    /// \brief Serves the request. The default does nothing, as in Python.
    ///
    /// May throw: finish() still runs, then the server reports the
    /// exception through BaseServer::handle_error() and goes on to the next
    /// client.
    virtual void handle();
    /// \brief Cleans up after handle(), whether it returned or threw; the
    /// default does nothing.
    ///
    /// Chapter 4's StreamRequestHandler uses it to flush what is still
    /// buffered for the client.
    virtual void finish();

    /// \brief The connection to the client, or the datagram (owned by the server).
    Request& request;
    /// \brief Who the client is: its address and port, or its socket path.
    common::Address client_address;
    /// \brief The server that received the request.
    BaseServer& server;
};

/// \ingroup ch06
/// \brief Makes the handler for one request: Python's `RequestHandlerClass`.
///
/// Python stores a class and calls it; C++ stores a function that creates
/// an object. Use handler() for the usual case, or any lambda of this
/// shape to give handlers extra arguments.
using HandlerFactory = std::function<std::unique_ptr<BaseRequestHandler>(
    Request& request, const common::Address& client_address, BaseServer& server)>;

/// \ingroup ch06
/// \brief The factory for handler class \p Handler, so that C++ reads like
/// Python: `TCPServer server{address, handler<Echo>()};`
/// \tparam Handler a class derived from BaseRequestHandler, constructible
///         from `(request, client_address, server)`
/// \return a factory that makes one `Handler` per request
template <class Handler>
HandlerFactory handler() {
    return [](Request& request, const common::Address& client_address, BaseServer& server) {
        return std::make_unique<Handler>(request, client_address, server);
    };
}

}  // namespace sockserv::ch06
