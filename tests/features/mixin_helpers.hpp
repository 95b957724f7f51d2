/// \file
/// \brief What the Threading and the Forking suites share: their handlers
/// read a request and answer it the same way whatever the kind of server,
/// and a request that ended in an error shows the same to its client.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "common/address.hpp"
#include "common/socket.hpp"
#include "support/client.hpp"
#include "support/server_classes.hpp"
#include "support/server_test.hpp"

namespace sockserv::test {

/// \brief The request a handler was given: the datagram, or a line read
/// from the connection (at most default_timeout per byte, so that a
/// handler whose client went quiet still ends).
template <class Request>
std::string read_line_or_datagram(Request& request) {
    if (request.is_datagram()) {
        return request.data;
    }
    common::Socket& connection = request.socket();
    connection.set_timeout(default_timeout);
    std::string data;
    char byte;
    while (connection.recv({&byte, 1}) == 1) {
        data += byte;
        if (byte == '\n') {
            break;
        }
    }
    return data;
}

/// \brief Sends \p reply the way \p request's kind is answered: a datagram
/// back to \p client, or on the connection.
template <class Request>
void send_reply(Request& request, const common::Address& client, const std::string& reply) {
    if (request.is_datagram()) {
        request.socket().sendto(reply, client);
    } else {
        request.socket().send_all(reply);
    }
}

/// \brief A stream \p client's connection ended with no reply: the
/// request was shut down. Datagrams have no such end to see.
template <class Server>
void expect_closed_unanswered(Peer& client, const char* otherwise) {
    if constexpr (!kind_of<Server>.datagram) {
        EXPECT_EQ(client.reply(), "") << otherwise;
    } else {
        (void)client;
        (void)otherwise;
    }
}

}  // namespace sockserv::test
