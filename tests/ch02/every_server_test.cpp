// What holds for all four of chapter 2's classes alike (TCPServer,
// UDPServer, UnixStreamServer, UnixDatagramServer): the EveryServer suite
// of tests/support, which every later chapter runs on its own classes too.
// It holds chapter 1's promises that chapter 2 had to keep while it
// changed the request (hooks in Python's order, handle_error and the next
// client, no leaked descriptor, shutdown from another thread), plus
// address_family and socket_type, and the check that each class gets the
// kind of address it can bind.
#include "servers.hpp"
#include "support/every_server_suite.hpp"

namespace sockserv::test {

INSTANTIATE_TYPED_TEST_SUITE_P(EveryServer, EveryServer, ChapterServers<ch02::BaseServer>::All);

}  // namespace sockserv::test
