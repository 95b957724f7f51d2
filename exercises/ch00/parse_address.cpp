// Exercise 0.1: from text to sockaddr.
//
// Read the book's section "Exercise 0.1: from text to sockaddr" first
// (book/ch00.md, anchor ex-ch00-parse-address).
// Check your work with:   ./course check ch00
// You edit this file only; parse_address.hpp is given.
#include "parse_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdexcept>
#include <string>

#include "common/address.hpp"

namespace sockserv::ch00::exercises {

SocketAddress parse_address([[maybe_unused]] std::string_view text) {
    // TODO(exercise): turn "HOST:PORT" or "[IPV6]:PORT" into a SocketAddress.
    //   1. Split the text into host and port, and refuse what is malformed
    //      (std::invalid_argument): the header lists every case.
    //   2. Check the port: decimal digits only, at most 65535.
    //   3. Fill the storage: a literal goes through inet_pton() into a
    //      sockaddr_in or sockaddr_in6 laid over `storage`; a name goes
    //      through getaddrinfo(), whose answer is already a sockaddr of the
    //      right family (and must be freed). A name that does not resolve
    //      is a common::AddressError.
    //   4. The port goes into sin_port / sin6_port in network byte order.
    //   5. Set `size` to the size of the struct you filled.
    // Do not call common::Address::parse_inet(): write the steps yourself.
    return {};
}

}  // namespace sockserv::ch00::exercises
