// Must not compile: a Threading server made of a Forking one. The test
// (tests/ch06/CMakeLists.txt) looks for ThreadingMixIn's message.
#include "ch06/socketserver.hpp"

using Refused = sockserv::ch06::ThreadingMixIn<sockserv::ch06::ForkingTCPServer>;
static_assert(sizeof(Refused) > 0);  // makes the class, and its static_assert, real
