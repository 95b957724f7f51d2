// Exercise 3.1, solved: access control with verify_request(), Python's
// hook for turning a client away before any handler runs.
//
// Book: "Exercise 3.1: access control with verify_request()" (book.md, anchor ex-ch03-allow-list).
// Check: ./course check ch03
#include "allow_list.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstdint>
#include <netinet/in.h>
#include <stdexcept>
#include <string_view>
#include <sys/socket.h>

namespace sockserv::ch03::exercises {

namespace {

// An IPv4 address as a number whose highest bit is the address's first
// bit, so that "the first BITS bits" are simply the top BITS bits.
// Returns false when \p text is not an IPv4 address.
bool parse_ipv4(const std::string& text, std::uint32_t& address) {
    in_addr parsed{};
    if (::inet_pton(AF_INET, text.c_str(), &parsed) != 1) {
        return false;
    }
    address = ntohl(parsed.s_addr);  // the kernel's order is big-endian
    return true;
}

// The mask of the first \p bits bits (0 to 32). Not simply ~0u << (32 - bits):
// shifting a 32-bit value by 32 is undefined behaviour in C++, and on x86 it
// shifts by 0, which would turn "0.0.0.0/0" (everyone) into "nobody but
// 0.0.0.0".
std::uint32_t prefix_mask(int bits) {
    return bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
}

// Whether \p entry, which holds a '/' at \p slash, admits the IPv4 host
// \p client. Throws std::invalid_argument if it is no IPv4 network.
bool network_admits(const std::string& entry, std::size_t slash, std::uint32_t client,
                    bool client_is_ipv4) {
    std::uint32_t network = 0;
    int bits = -1;
    std::string_view digits = std::string_view{entry}.substr(slash + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    // from_chars() stops at the first non-digit without complaint, so check
    // that it used every character: "8x" is no number of bits.
    bool bits_ok = error == std::errc{} && end == digits.data() + digits.size() &&
                   bits >= 0 && bits <= 32;
    if (!bits_ok || !parse_ipv4(entry.substr(0, slash), network)) {
        throw std::invalid_argument("allow-list entry \"" + entry +
                                    "\" is neither an IP address nor an IPv4 network "
                                    "ADDRESS/BITS with BITS from 0 to 32");
    }
    // A network of IPv4 hosts admits no IPv6 client. (A dual-stack server
    // would see IPv4 clients as ::ffff:a.b.c.d; this one never does.)
    if (!client_is_ipv4) {
        return false;
    }
    std::uint32_t mask = prefix_mask(bits);
    return (client & mask) == (network & mask);
}

}  // namespace

bool allowed(const AllowList& allow_list, const common::Address& client) {
    // Only inet addresses have hosts to compare. A Unix client has a path,
    // or nothing at all, and an entry that happens to be the same text as
    // a path must not let it in.
    if (client.family() != AF_INET && client.family() != AF_INET6) {
        return false;
    }
    const std::string host = client.host();  // numeric: "127.0.0.1", "::1"
    const bool is_ipv4 = client.family() == AF_INET;
    std::uint32_t ipv4 = 0;
    if (is_ipv4) {
        parse_ipv4(host, ipv4);  // cannot fail: host() wrote it
    }

    for (const std::string& entry : allow_list) {
        std::size_t slash = entry.find('/');
        if (slash == std::string::npos) {
            // One host. Text against text: no name is ever looked up. A
            // server that resolved names here would wait on DNS before
            // every request, and trust whoever answers the DNS query.
            if (entry == host) {
                return true;
            }
        } else if (network_admits(entry, slash, ipv4, is_ipv4)) {
            return true;
        }
    }
    return false;  // no entry said yes: deny, the safe default of an allow-list
}

bool AllowListServer::verify_request(Request&, const common::Address& client_address) {
    // Only the decision. On false, the serving loop (handle_request_noblock)
    // calls shutdown_request(): calling it here as well would end the
    // request twice. No handler is created, and nothing is reported: a
    // denial is no error.
    return allowed(allow_list, client_address);
}

}  // namespace sockserv::ch03::exercises
