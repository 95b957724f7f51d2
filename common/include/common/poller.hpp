/// \file
/// \brief A small wrapper around poll(2) for "wait until readable".
#pragma once

#include <initializer_list>
#include <optional>
#include <vector>

#include <poll.h>

#include "common/seconds.hpp"

namespace sockserv::common {

/// \brief Waits until one of a fixed set of descriptors is readable:
/// what Python's `selectors` module does for `serve_forever()`.
///
/// \see \ref part-ch00, which teaches this layer: \ref ch00-poll; and
/// \ref ch01-walk-serve-forever for its use in serve_forever().
class Poller {
public:
    /// \brief Watches each of \p fds for reading.
    /// \param fds the descriptors, e.g. `{server.fileno(), waker.fd()}`
    Poller(std::initializer_list<int> fds);

    /// \brief Blocks until a descriptor is readable or \p timeout passes
    /// (`std::nullopt`: no limit).
    ///
    /// A signal that interrupts the wait (`EINTR`) does not end it early:
    /// the wait resumes for the time that is left.
    /// \param timeout the longest wait; `std::nullopt` waits as long as it takes
    /// \return true when a descriptor is readable (ask readable() which),
    ///         false when the time ran out with nothing readable
    /// \throws std::system_error `EBADF` when a watched descriptor is
    ///         closed (a server used after server_close()), or `poll(2)`
    ///         failed for another reason
    bool wait(std::optional<Seconds> timeout);

    /// \brief After wait(): whether \p fd is ready to be read.
    /// \param fd one of the descriptors given to the constructor
    /// \return true when it was readable, hung up, or in error (a read
    ///         reports which); false for a descriptor not watched
    [[nodiscard]] bool readable(int fd) const noexcept;

private:
    void throw_if_closed() const;

    std::vector<pollfd> fds_;
};

}  // namespace sockserv::common
