/// \file
/// \brief Socket addresses: IPv4, IPv6 and Unix-domain paths.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace sockserv::common {

/// \brief An address that is well formed but cannot be used: a host name
/// that does not resolve, a Unix path longer than `sun_path` allows.
///
/// Distinct from `std::invalid_argument` (the text is malformed), because a
/// command line reports the two differently: a malformed address is a usage
/// error, an unusable one is a failure to bind.
class AddressError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// \brief One socket address, as the kernel wants it (`sockaddr_*`) and as
/// people write it (`127.0.0.1:80`, `[::1]:80`, `/tmp/echo.sock`).
///
/// Python represents these as a tuple `(host, port)` or a path string; the
/// C++ course keeps the kernel's form and prints Python's meaning.
class Address {
public:
    /// \brief An empty address (family `AF_UNSPEC`), to be filled by a call
    /// such as `accept(2)` through data() and set_size().
    Address() noexcept;

    /// \brief Parses the `HOST:PORT` form of the demo programs.
    ///
    /// `HOST` is an IPv4 literal, an IPv6 literal in brackets (`[::1]:0`) or
    /// a name (`localhost:9999`), which is resolved, IPv4 first as Python's
    /// `AF_INET` TCPServer would. Port 0 asks the OS to choose.
    /// \throws std::invalid_argument the text is malformed (no host, no port,
    ///         a port outside 0–65535)
    /// \throws AddressError the host name does not resolve
    static Address parse_inet(std::string_view text);

    /// \brief The address of \p host (a literal or a name) and \p port.
    /// \throws std::invalid_argument \p host is empty
    /// \throws AddressError \p host does not resolve
    static Address inet(std::string_view host, std::uint16_t port);

    /// \brief A Unix-domain socket address for the filesystem \p path.
    ///
    /// Never truncates: a path that does not fit `sun_path` (107 bytes on
    /// Linux, plus the terminating NUL) is refused.
    /// \throws std::invalid_argument \p path is empty
    /// \throws AddressError \p path is too long
    static Address unix_path(std::string_view path);

    /// \brief Copies an address the kernel filled in.
    static Address from_sockaddr(const sockaddr* address, socklen_t size);

    /// \brief `AF_INET`, `AF_INET6`, `AF_UNIX` or `AF_UNSPEC`.
    [[nodiscard]] int family() const noexcept;
    /// \brief The port of an inet address; 0 for other families.
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// \brief The host part as text (`127.0.0.1`, `::1`), or the Unix path.
    ///
    /// An unbound Unix peer has no path: its host() is empty.
    [[nodiscard]] std::string host() const;
    /// \brief The demo programs' form: `127.0.0.1:80`, `[::1]:80`, or the path.
    [[nodiscard]] std::string to_string() const;

    /// \brief The kernel's view, for `bind(2)`, `connect(2)`, `sendto(2)`.
    [[nodiscard]] const sockaddr* data() const noexcept;
    /// \brief Writable storage, for calls that fill an address in.
    [[nodiscard]] sockaddr* data() noexcept;
    /// \brief How many bytes of data() are meaningful.
    [[nodiscard]] socklen_t size() const noexcept { return size_; }
    /// \brief How many bytes data() can hold.
    [[nodiscard]] static socklen_t capacity() noexcept { return sizeof(sockaddr_storage); }
    /// \brief Records how many bytes a kernel call filled in.
    void set_size(socklen_t size) noexcept;

    /// \brief Same family and same meaningful bytes.
    friend bool operator==(const Address& a, const Address& b) noexcept;

private:
    sockaddr_storage storage_;
    socklen_t size_ = 0;
};

/// \brief Writes address.to_string() to \p out.
std::ostream& operator<<(std::ostream& out, const Address& address);

}  // namespace sockserv::common
