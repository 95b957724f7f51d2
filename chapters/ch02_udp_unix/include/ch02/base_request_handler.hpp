/// \file
/// \brief Python's `BaseRequestHandler`, and the factory that stands for
/// `RequestHandlerClass`.
#pragma once

#include <functional>
#include <memory>

#include "ch02/request.hpp"
#include "common/address.hpp"

namespace sockserv::ch02 {

class BaseServer;

/// \ingroup ch02
/// \brief The base of every request handler: one object per request.
///
/// Python creates the handler with `RequestHandlerClass(request,
/// client_address, server)` and its constructor runs `handle()`. A C++
/// constructor cannot do that: inside `BaseRequestHandler`'s constructor
/// the object is not yet the subclass, so a virtual call would reach this
/// class's empty handle(), never yours. The server therefore constructs
/// the handler first and calls handle() second (BaseServer::finish_request).
///
/// Write a handler by deriving, inheriting the constructor, and overriding
/// handle():
/// \code
/// class Echo : public BaseRequestHandler {
/// public:
///     using BaseRequestHandler::BaseRequestHandler;
///     void handle() override { /* talk to the client through request */ }
/// };
/// \endcode
///
/// \see \ref part-ch01, which teaches this class, and \ref part-ch02 for
/// what chapter 2 changed: \ref ch02-request-pair.
class BaseRequestHandler {
public:
    /// \brief Stores the three things Python gives every handler.
    ///
    /// Does nothing else: the server calls handle() once the object is
    /// complete.
    /// \param request        the connection to the client
    /// \param client_address who the client is
    /// \param server         the server that received the request
    BaseRequestHandler(Request& request, common::Address client_address, BaseServer& server);
    /// \brief Virtual, so that the server can destroy any handler through a
    /// pointer to this base.
    virtual ~BaseRequestHandler() = default;

    BaseRequestHandler(const BaseRequestHandler&) = delete;
    BaseRequestHandler& operator=(const BaseRequestHandler&) = delete;

    /// \brief Serves the request. The default does nothing, as in Python.
    ///
    /// May throw: the server reports the exception through
    /// BaseServer::handle_error() and goes on to the next client.
    virtual void handle();

    /// \brief The connection to the client (owned by the server).
    Request& request;
    /// \brief Who the client is: its address and port.
    common::Address client_address;
    /// \brief The server that received the request.
    BaseServer& server;
};

/// \ingroup ch02
/// \brief Makes the handler for one request: Python's `RequestHandlerClass`.
///
/// Python stores a class and calls it; C++ stores a function that creates
/// an object. Use handler() for the usual case, or any lambda of this
/// shape to give handlers extra arguments.
using HandlerFactory = std::function<std::unique_ptr<BaseRequestHandler>(
    Request& request, const common::Address& client_address, BaseServer& server)>;

/// \ingroup ch02
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

}  // namespace sockserv::ch02
