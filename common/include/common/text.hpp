/// \file
/// \brief The demo programs' one transformation of data.
#pragma once

#include <span>

namespace sockserv::common {

/// \brief Upper-cases the ASCII letters of \p bytes in place.
///
/// Every other byte (UTF-8, NUL, binary) is left exactly as it was: this is
/// Python's `bytes.upper()`, not a locale-aware `toupper`.
/// \param bytes the data to change
void ascii_upper(std::span<char> bytes) noexcept;

}  // namespace sockserv::common
