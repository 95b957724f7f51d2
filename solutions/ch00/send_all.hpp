/// \file
/// \brief Exercise 0.3 (given: read it, do not edit it): a send loop over
/// a raw descriptor, written in send_all.cpp.
///
/// Book: "Exercise 0.3: a send loop that finishes the job". Check:
/// `./course check ch00`.
#pragma once

#include <string_view>

namespace sockserv::ch00::exercises {

/// \brief Your part: sends every byte of \p data on the connected stream
/// socket \p fd, however many `send(2)` calls that takes, and returns
/// once the kernel has taken the last one.
///
/// Three things the raw call does that a caller must never see:
/// - it may take only part of the data (a signal interrupted it after
///   some bytes went, the buffer filled): the rest must still be sent;
/// - it may be interrupted before taking a single byte (`EINTR`): that is
///   no error, only a request to call again;
/// - writing to a peer that has gone raises `SIGPIPE`, whose default
///   action ends the whole process: this function must fail with `EPIPE`
///   instead, and never raise the signal.
///
/// \param fd   a connected stream socket, blocking (the default)
/// \param data the bytes to send, any bytes (NUL included); may be empty
/// \throws std::system_error carrying the `errno` of the send that failed
///         (`EPIPE`, `ECONNRESET`, `EBADF`…), e.g. through
///         common::throw_system_error("send")
void send_all(int fd, std::string_view data);

}  // namespace sockserv::ch00::exercises
