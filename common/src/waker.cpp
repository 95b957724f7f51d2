#include "common/waker.hpp"

#include <cstdint>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/error.hpp"

namespace sockserv::common {

// [waker]
Waker::Waker() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!fd_.is_open()) {
        throw_system_error("eventfd");
    }
}

void Waker::notify() noexcept {
    // Adds 1 to the counter; with the counter nonzero the fd is readable.
    // The only possible failure is a full counter, which is readable anyway.
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(fd_.get(), &one, sizeof one);
}

void Waker::drain() noexcept {
    // One read resets the counter to zero; non-blocking, so an empty
    // counter returns EAGAIN at once instead of waiting.
    std::uint64_t count = 0;
    [[maybe_unused]] auto read = ::read(fd_.get(), &count, sizeof count);
}
// [waker]

}  // namespace sockserv::common
