// Chapter 3 changed how a request is served (verify_request, setup and
// finish around handle, SystemExit let through) and must still keep every
// promise of the chapters before: the EveryServer suite of tests/support,
// on chapter 3's four classes.
#include "servers.hpp"
#include "support/every_server_suite.hpp"

namespace sockserv::test {

INSTANTIATE_TYPED_TEST_SUITE_P(EveryServer, EveryServer, ChapterServers<ch03::BaseServer>::All);

}  // namespace sockserv::test
