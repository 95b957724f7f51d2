/// \file
/// \brief How the course reports a failed system call.
#pragma once

#include <string>
#include <string_view>

namespace sockserv::common {

/// \brief Throws `std::system_error` for the current `errno`.
///
/// The message names the call and what it acted on, so that a reader of
/// `what()` knows where it went wrong without a debugger:
/// `bind 127.0.0.1:9999: Address already in use`.
///
/// \param call    the system call or operation that failed, e.g. `"bind"`
/// \param subject what it acted on (an address, a path); may be empty
[[noreturn]] void throw_system_error(std::string_view call, std::string_view subject = {});

/// \brief Throws `std::system_error` for the error number \p error.
/// \param error   an `errno` value
/// \param call    the system call or operation that failed
/// \param subject what it acted on; may be empty
[[noreturn]] void throw_system_error(int error, std::string_view call,
                                     std::string_view subject = {});

/// \brief Describes the exception currently being handled, as `type: message`.
///
/// Meant for a `catch` block; outside one it returns `no exception`. The type is demangled
/// (`std::system_error`), and an exception that is not a `std::exception`
/// is described as `unknown exception`. Python's handle_error() prints a
/// traceback; this is the C++ course's nearest honest equivalent.
/// \return e.g. `std::system_error: recv: Connection reset by peer`
std::string describe_current_exception();

}  // namespace sockserv::common
