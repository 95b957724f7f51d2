// Exercise 0.1, solved: from text to sockaddr.
//
// Book: "Exercise 0.1: from text to sockaddr" (book/ch00.md, anchor
// ex-ch00-parse-address). Check: ./course check ch00
#include "parse_address.hpp"

#include <arpa/inet.h>
#include <cstdint>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <stdexcept>
#include <string>

#include "common/address.hpp"

namespace sockserv::ch00::exercises {

namespace {

[[noreturn]] void malformed(std::string_view text, std::string_view why) {
    throw std::invalid_argument("malformed address '" + std::string{text} + "': " +
                                std::string{why});
}

// strtol() and friends would let "+80", " 80" and "80x" through: look at
// every character first, and only then convert.
std::uint16_t port_number(std::string_view digits, std::string_view text) {
    if (digits.empty() || digits.size() > 5 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
        malformed(text, "the port must be a number from 0 to 65535");
    }
    unsigned long value = std::stoul(std::string{digits});
    if (value > 65535) {
        malformed(text, "the port must be a number from 0 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

}  // namespace

SocketAddress parse_address(std::string_view text) {
    // The port follows the last colon: an IPv6 literal's own colons are
    // all inside its brackets, before it.
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        malformed(text, "expected HOST:PORT");
    }
    std::string host{text.substr(0, colon)};
    const std::uint16_t port = port_number(text.substr(colon + 1), text);
    SocketAddress result;

    if (host.starts_with('[')) {
        if (host.size() < 2 || !host.ends_with(']')) {
            malformed(text, "an opening '[' needs its ']' just before the port's colon");
        }
        host = host.substr(1, host.size() - 2);
        // The struct of the family is laid over the storage's first bytes.
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&result.storage);
        if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) != 1) {
            malformed(text, "only an IPv6 literal goes in brackets");
        }
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);  // the wire's byte order, most significant first
        result.size = sizeof(sockaddr_in6);
        return result;
    }
    if (host.empty()) {
        malformed(text, "a host is required (0.0.0.0 for every interface)");
    }
    if (host.find(':') != std::string::npos) {
        malformed(text, "put an IPv6 literal in brackets, as [::1]:PORT");
    }

    auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage);
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        result.size = sizeof(sockaddr_in);
        return result;
    }

    // A name. Given the port as a numeric service, getaddrinfo() puts it
    // into the address itself, already in network byte order.
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); status != 0) {
        throw common::AddressError("cannot resolve host '" + host + "': " + ::gai_strerror(status));
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner{found, ::freeaddrinfo};
    std::memcpy(&result.storage, found->ai_addr, found->ai_addrlen);
    result.size = found->ai_addrlen;
    return result;
}

}  // namespace sockserv::ch00::exercises
