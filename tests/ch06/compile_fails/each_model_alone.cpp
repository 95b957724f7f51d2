// Compiles: each mixin over a plain server. The control of the two
// sources beside it: their failure is the refusal, not the command.
#include "ch06/socketserver.hpp"

using Forking = sockserv::ch06::ForkingMixIn<sockserv::ch06::TCPServer>;
using Threading = sockserv::ch06::ThreadingMixIn<sockserv::ch06::TCPServer>;
static_assert(sizeof(Forking) > 0 && sizeof(Threading) > 0);
