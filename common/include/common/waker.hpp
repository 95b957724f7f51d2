/// \file
/// \brief Waking a thread that waits in poll(2), from any other thread.
#pragma once

#include "common/file_descriptor.hpp"

namespace sockserv::common {

/// \brief An `eventfd(2)` that a waiting loop polls beside its sockets.
///
/// CPython's `serve_forever()` notices `shutdown()` only when its poll
/// interval runs out (0.5 s by default). Polling this descriptor as well
/// lets `shutdown()` wake the loop at once: notify() makes fd() readable.
///
/// \see \ref part-ch00, which teaches this layer: \ref ch00-eventfd; and
/// \ref ch01-walk-shutdown for how shutdown() uses it.
class Waker {
public:
    /// \brief Creates the eventfd (non-blocking, close-on-exec).
    /// \throws std::system_error `eventfd(2)` failed (out of descriptors)
    Waker();
    /// \brief Makes fd() readable. Safe from any thread, and from a signal
    /// handler (it only calls `write(2)`).
    void notify() noexcept;
    /// \brief Makes fd() unreadable again, consuming every notify().
    void drain() noexcept;
    /// \brief The descriptor to poll for reading.
    /// \return the eventfd; readable from notify() until drain()
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    FileDescriptor fd_;
};

}  // namespace sockserv::common
