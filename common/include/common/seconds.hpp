/// \file
/// \brief Python's float seconds, as a chrono type.
#pragma once

#include <chrono>

namespace sockserv::common {

/// \brief A duration in seconds with a fractional part.
///
/// Python passes times as floats (`serve_forever(poll_interval=0.5)`);
/// C++ callers can pass `Seconds{0.5}` or any chrono literal (`500ms`).
using Seconds = std::chrono::duration<double>;

}  // namespace sockserv::common
