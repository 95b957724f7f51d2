/// \file
/// \brief Python's `SystemExit`: the exception a server does not handle.
#pragma once

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief Thrown by a handler to stop the server, not to report an error.
///
/// Python's servers catch `Exception` around each request and hand it to
/// `handle_error()`, but `SystemExit` and `KeyboardInterrupt` are not
/// `Exception`s: they leave `handle_request()` and `serve_forever()` after
/// the request is shut down. C++ has the same split, drawn by a base
/// class: whatever derives from `std::exception` is an error of one
/// request, reported by BaseServer::handle_error(), and the server goes
/// on; anything else (this type, or any type not derived from
/// `std::exception`) goes through every `catch (const std::exception&)`,
/// so the server shuts the request down and lets it leave.
///
/// \code
/// void handle() override {
///     if (command == "quit") throw SystemExit{0};  // serve_forever() throws it on
/// }
/// \endcode
///
/// \see \ref part-ch03, which teaches this class: \ref ch03-exception-line.
struct SystemExit {
    /// \brief The exit status the thrower suggests, as Python's `SystemExit.code`.
    int code = 0;
};

}  // namespace sockserv::ch06
