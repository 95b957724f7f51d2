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
///
/// \see \ref part-ch00, which teaches this layer: \ref ch00-walk-address.
class AddressError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// \brief One socket address, as the kernel wants it (`sockaddr_*`) and as
/// people write it (`127.0.0.1:80`, `[::1]:80`, `/tmp/echo.sock`).
///
/// Python represents these as a tuple `(host, port)` or a path string; the
/// C++ course keeps the kernel's form and prints Python's meaning.
///
/// \see \ref part-ch00, which teaches this layer: \ref ch00-sockaddr,
/// \ref ch00-inet-pton-getaddrinfo, \ref ch00-walk-address; and
/// \ref ch02-ipv6, \ref ch02-unix-paths for the families a server binds to.
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
    /// \param text the address as typed, e.g. `127.0.0.1:0`
    /// \return the address, ready for bind()
    /// \throws std::invalid_argument the text is malformed (no host, no port,
    ///         a port outside 0–65535)
    /// \throws AddressError the host name does not resolve
    static Address parse_inet(std::string_view text);

    /// \brief The address of \p host (a literal or a name) and \p port.
    ///
    /// Python's `(host, port)` tuple. A name is resolved as parse_inet()
    /// resolves it.
    /// \param host an IPv4 or IPv6 literal (no brackets), or a host name
    /// \param port the port; 0 asks the OS to choose one when binding
    /// \return the address
    /// \throws std::invalid_argument \p host is empty
    /// \throws AddressError \p host does not resolve
    static Address inet(std::string_view host, std::uint16_t port);

    /// \brief A Unix-domain socket address for the filesystem \p path.
    ///
    /// Never truncates: a path that does not fit `sun_path` (107 bytes on
    /// Linux, plus the terminating NUL) is refused.
    /// \param path the socket file's path, relative or absolute
    /// \return the address
    /// \throws std::invalid_argument \p path is empty or contains a NUL byte
    /// \throws AddressError \p path is too long
    static Address unix_path(std::string_view path);

    /// \brief Copies an address the kernel filled in.
    /// \param address what the kernel wrote (`sockaddr_in`, `sockaddr_in6`,
    ///        `sockaddr_un`, seen as a `sockaddr`)
    /// \param size    how many bytes of it are meaningful; more than
    ///        capacity() are cut to capacity()
    /// \return the copy
    static Address from_sockaddr(const sockaddr* address, socklen_t size);

    /// \brief Which kind of address this is.
    /// \return `AF_INET`, `AF_INET6`, `AF_UNIX`, or `AF_UNSPEC` when empty
    [[nodiscard]] int family() const noexcept;
    /// \brief The port of an inet address.
    /// \return the port in host byte order; 0 for other families
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// \brief The host part as text, or the Unix path.
    /// \return `127.0.0.1`, `::1` (no brackets), or the path; `@name` for a
    ///         name in Linux's abstract namespace; empty for an unnamed Unix
    ///         socket (see is_unnamed())
    [[nodiscard]] std::string host() const;
    /// \brief The address as the demo programs print it.
    /// \return `127.0.0.1:80`, `[::1]:80`, the path; `(unnamed Unix socket)`
    ///         for an `AF_UNIX` address without a name; `(no address)` for an
    ///         empty one, which is also how `recvfrom(2)` reports the sender
    ///         of a datagram from an unbound Unix socket
    [[nodiscard]] std::string to_string() const;
    /// \brief True for an address that names nothing, such as the sender
    /// of a datagram from a Unix socket that was never bound.
    ///
    /// A Unix client that sends without binding a path first has no
    /// address: `recvfrom(2)` reports an empty one (`getpeername(2)` just
    /// the family), and a reply cannot be sent to it. Python shows such a
    /// peer as an empty string. An empty Address() is unnamed too.
    /// \return true for an empty address, or an `AF_UNIX` one with no path
    ///         and no abstract name
    [[nodiscard]] bool is_unnamed() const noexcept;

    /// \brief The kernel's view, for `bind(2)`, `connect(2)`, `sendto(2)`.
    /// \return the stored `sockaddr`; size() bytes of it are meaningful
    [[nodiscard]] const sockaddr* data() const noexcept;
    /// \brief Writable storage, for calls that fill an address in.
    /// \return room for capacity() bytes; call set_size() afterwards
    [[nodiscard]] sockaddr* data() noexcept;
    /// \brief How many bytes of data() are meaningful.
    /// \return the `socklen_t` to pass beside data(); 0 when empty
    [[nodiscard]] socklen_t size() const noexcept { return size_; }
    /// \brief How many bytes data() can hold.
    /// \return `sizeof(sockaddr_storage)`, enough for any family
    [[nodiscard]] static socklen_t capacity() noexcept { return sizeof(sockaddr_storage); }
    /// \brief Records how many bytes a kernel call filled in.
    /// \param size the length the call reported; more than capacity() is
    ///        cut to capacity()
    void set_size(socklen_t size) noexcept;

    /// \brief Compares two addresses byte for byte.
    /// \param a one address
    /// \param b the other
    /// \return true when both have the same size and the same meaningful bytes
    friend bool operator==(const Address& a, const Address& b) noexcept;

private:
    // [address-storage]
    sockaddr_storage storage_;
    socklen_t size_ = 0;
    // [address-storage]
};

/// \brief Prints an address in the demo programs' form.
/// \param out     the stream to write to
/// \param address what to write, as Address::to_string() spells it
/// \return \p out
std::ostream& operator<<(std::ostream& out, const Address& address);

}  // namespace sockserv::common
