// Exercise 3.1: access control with verify_request(), Python's hook for
// turning a client away before any handler runs.
//
// Read the book's section "Exercise 3.1: access control with verify_request()"
// first (book.md, anchor ex-ch03-allow-list).
// Check your work with:   ./course check ch03
// You edit this file only; allow_list.hpp (AllowList, the server class) is given.
#include "allow_list.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstdint>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>

namespace sockserv::ch03::exercises {

bool allowed([[maybe_unused]] const AllowList& allow_list,
             [[maybe_unused]] const common::Address& client) {
    // TODO(exercise): say whether some entry of allow_list admits client.
    //   1. A client that is not AF_INET or AF_INET6 (client.family()) is never admitted.
    //   2. An entry without '/' is one host: it admits the client if it is exactly
    //      the text client.host() returns. No DNS: "localhost" admits nobody.
    //   3. An entry "ADDRESS/BITS" is an IPv4 network: check it is one (inet_pton()
    //      for ADDRESS, a whole number 0..32 for BITS; otherwise throw
    //      std::invalid_argument naming the entry), then admit an IPv4 client whose
    //      first BITS bits equal those of ADDRESS. Careful with BITS == 0.
    //   4. No entry admits the client: false.
    return false;
}

bool AllowListServer::verify_request(Request& request, const common::Address& client_address) {
    // TODO(exercise): decide with allowed() and allow_list, and only decide: when
    // this returns false, the serving loop itself shuts the request down.
    // (For now it asks TCPServer, which lets everybody in.)
    return TCPServer::verify_request(request, client_address);
}

}  // namespace sockserv::ch03::exercises
