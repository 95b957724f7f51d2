#include "common/address.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <ostream>
#include <sys/un.h>

namespace sockserv::common {

namespace {

// "80" -> 80; anything else (empty, signs, letters, > 65535) is malformed.
std::uint16_t parse_port(std::string_view text, std::string_view whole) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value > 65535) {
        throw std::invalid_argument("malformed address '" + std::string{whole} +
                                    "': the port must be a number from 0 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

// [resolve]
// getaddrinfo() with one family; null when the name has no such address.
std::unique_ptr<addrinfo, void (*)(addrinfo*)> resolve(const std::string& host, int family,
                                                        int& status) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    status = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    return {status == 0 ? found : nullptr, ::freeaddrinfo};
}
// [resolve]

}  // namespace

Address::Address() noexcept : storage_{} {
    storage_.ss_family = AF_UNSPEC;
}

// [parse-inet]
Address Address::parse_inet(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        // "[v6 literal]:port": the brackets keep the literal's own colons apart.
        auto close = text.find(']');
        if (close == std::string_view::npos || text.substr(close + 1, 1) != ":") {
            throw std::invalid_argument("malformed address '" + std::string{text} +
                                        "': expected [IPV6]:PORT");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            throw std::invalid_argument("malformed address '" + std::string{text} +
                                        "': expected HOST:PORT");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            throw std::invalid_argument("malformed address '" + std::string{text} +
                                        "': put an IPv6 host in brackets, as [::1]:PORT");
        }
    }
    if (host.empty()) {
        throw std::invalid_argument("malformed address '" + std::string{text} +
                                    "': a host is required (0.0.0.0 or [::] for every interface)");
    }
    return inet(host, parse_port(port, text));
}
// [parse-inet]

// [inet]
Address Address::inet(std::string_view host_view, std::uint16_t port) {
    if (host_view.empty()) {
        throw std::invalid_argument("malformed address: the host is empty");
    }
    std::string host{host_view};
    Address address;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage_);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage_);
    // Literals first: no resolver, no surprises.
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        address.size_ = sizeof(sockaddr_in);
        return address;
    }
    if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        address.size_ = sizeof(sockaddr_in6);
        return address;
    }
    // A name: IPv4 first, as Python's TCPServer (address_family AF_INET) binds
    // "localhost" to 127.0.0.1; IPv6 only for a name that has no IPv4 address.
    int status = 0;
    auto found = resolve(host, AF_INET, status);
    if (!found) {
        found = resolve(host, AF_INET6, status);
    }
    if (!found) {
        throw AddressError("cannot resolve host '" + host + "': " + ::gai_strerror(status));
    }
    address = from_sockaddr(found->ai_addr, found->ai_addrlen);
    if (address.family() == AF_INET) {
        v4->sin_port = htons(port);
    } else {
        v6->sin6_port = htons(port);
    }
    return address;
}
// [inet]

Address Address::unix_path(std::string_view path) {
    if (path.empty()) {
        throw std::invalid_argument("malformed address: the Unix socket path is empty");
    }
    if (path.find('\0') != std::string_view::npos) {
        // The kernel would stop reading at the NUL: "a\0b" would bind "a".
        throw std::invalid_argument("malformed address: the Unix socket path contains a NUL byte");
    }
    Address address;
    auto* un = reinterpret_cast<sockaddr_un*>(&address.storage_);
    constexpr std::size_t limit = sizeof(un->sun_path) - 1;  // room for the NUL
    if (path.size() > limit) {
        throw AddressError("path is " + std::to_string(path.size()) + " bytes, the limit is " +
                           std::to_string(limit));
    }
    un->sun_family = AF_UNIX;
    std::memcpy(un->sun_path, path.data(), path.size());
    address.size_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
    return address;
}

Address Address::from_sockaddr(const sockaddr* raw, socklen_t size) {
    Address address;
    if (size > capacity()) {
        size = capacity();
    }
    std::memcpy(&address.storage_, raw, size);
    address.size_ = size;
    return address;
}

int Address::family() const noexcept {
    return size_ == 0 ? AF_UNSPEC : storage_.ss_family;
}

// [port]
std::uint16_t Address::port() const noexcept {
    switch (family()) {
        case AF_INET: return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
        case AF_INET6: return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
        default: return 0;
    }
}
// [port]

std::string Address::host() const {
    char text[INET6_ADDRSTRLEN] = {};
    switch (family()) {
        case AF_INET:
            ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text,
                        sizeof text);
            return text;
        case AF_INET6:
            ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr,
                        text, sizeof text);
            return text;
        case AF_UNIX: {
            if (is_unnamed()) {
                return {};
            }
            const auto* un = reinterpret_cast<const sockaddr_un*>(&storage_);
            std::size_t length = size_ - offsetof(sockaddr_un, sun_path);
            if (un->sun_path[0] == '\0') {
                // Linux's abstract namespace: a name that starts with NUL and
                // lives in no directory. Tools (ss, socat) write it as @name.
                return '@' + std::string{un->sun_path + 1, length - 1};
            }
            // The kernel may or may not count the trailing NUL: stop at the first.
            return std::string{un->sun_path, ::strnlen(un->sun_path, length)};
        }
        default: return {};
    }
}

std::string Address::to_string() const {
    switch (family()) {
        case AF_INET: return host() + ':' + std::to_string(port());
        case AF_INET6: return '[' + host() + "]:" + std::to_string(port());
        case AF_UNIX: return is_unnamed() ? "(unnamed Unix socket)" : host();
        default: return "(no address)";
    }
}

bool Address::is_unnamed() const noexcept {
    // recvfrom() on Linux reports an unbound Unix sender with length 0 (no
    // family at all); getpeername() reports one with just the family.
    return size_ == 0 || (family() == AF_UNIX && size_ <= offsetof(sockaddr_un, sun_path));
}

const sockaddr* Address::data() const noexcept {
    return reinterpret_cast<const sockaddr*>(&storage_);
}

sockaddr* Address::data() noexcept {
    return reinterpret_cast<sockaddr*>(&storage_);
}

void Address::set_size(socklen_t size) noexcept {
    size_ = size > capacity() ? capacity() : size;
}

bool operator==(const Address& a, const Address& b) noexcept {
    return a.size_ == b.size_ && std::memcmp(&a.storage_, &b.storage_, a.size_) == 0;
}

std::ostream& operator<<(std::ostream& out, const Address& address) {
    return out << address.to_string();
}

}  // namespace sockserv::common
