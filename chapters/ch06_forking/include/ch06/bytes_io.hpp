/// \file
/// \brief The writing half of Python's `io.BytesIO`: bytes gathered in memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sockserv::ch06 {

/// \ingroup ch06
/// \brief Gathers what a DatagramRequestHandler writes, for finish() to
/// send as one datagram.
///
/// A datagram is sent whole or not at all, so the reply cannot be sent
/// piece by piece as a stream's can: it is written here, and sent once.
///
/// \see \ref part-ch04, \ref ch04-datagram-handler.
class BytesIO {
public:
    /// \brief Adds \p data to the reply.
    /// \param data the bytes to add
    /// \return `data.size()`, as Python's `write()` returns the count
    std::size_t write(std::string_view data) {
        bytes_.append(data);
        return data.size();
    }
    /// \brief Everything written so far: Python's `getvalue()`.
    /// \return the bytes, in the order they were written
    [[nodiscard]] const std::string& getvalue() const noexcept { return bytes_; }

private:
    std::string bytes_;
};

}  // namespace sockserv::ch06
