// Must not compile: a Forking server made of a Threading one. The test
// (tests/ch06/CMakeLists.txt) looks for ForkingMixIn's message.
#include "ch06/socketserver.hpp"

using Refused = sockserv::ch06::ForkingMixIn<sockserv::ch06::ThreadingTCPServer>;
static_assert(sizeof(Refused) > 0);  // makes the class, and its static_assert, real
