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
class Poller {
public:
    /// \brief Watches each of \p fds for reading.
    Poller(std::initializer_list<int> fds);

    /// \brief Blocks until a descriptor is readable or \p timeout passes
    /// (`std::nullopt`: no limit).
    ///
    /// A signal that interrupts the wait (`EINTR`) does not end it early:
    /// the wait resumes for the time that is left.
    /// \return false when the time ran out with nothing readable.
    bool wait(std::optional<Seconds> timeout);

    /// \brief After wait(): whether \p fd was readable (or hung up, or in
    /// error, which a read would report).
    [[nodiscard]] bool readable(int fd) const noexcept;

private:
    std::vector<pollfd> fds_;
};

}  // namespace sockserv::common
