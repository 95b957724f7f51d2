/// \file
/// \brief Bytes shown so that a person can compare them in a failure message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sockserv::test {

/// \brief \p bytes quoted, with `\n`, `\r` and non-printable bytes escaped
/// (`"a\n\x00"`), at most \p shown of them, followed by the length.
///
/// A test about bytes on a socket fails with a message a student reads:
/// raw binary in it would be unreadable, and a 16 MiB line unprintable.
/// \param bytes the bytes to show
/// \param shown how many of them at most; the rest is elided as `...`
/// \return e.g. `"ab\n" (3 bytes)`
std::string printable(std::string_view bytes, std::size_t shown = 60);

}  // namespace sockserv::test
