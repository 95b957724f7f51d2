// Exercise 4.3: a key-value store over a line protocol, on top of
// StreamRequestHandler's rfile and wfile.
//
// Read the book's section "Exercise 4.3: a key-value store over a line
// protocol" first (book/ch04.md, anchor ex-ch04-kv-store).
// Check your work with:   ./course check ch04 kv_store
// You edit this file only; kv_store.hpp (Store, the handler, the factory) is given.
#include "kv_store.hpp"

#include <string>
#include <string_view>

namespace sockserv::ch04::exercises {

std::string execute([[maybe_unused]] Store& store, [[maybe_unused]] std::string_view command) {
    // TODO(exercise): carry out one command and return its reply (the table is in
    // the header).
    //   1. The name is what comes before the first space (all of the line if
    //      there is none). Not SET, GET or DEL: "ERROR unknown command".
    //   2. The key follows that space, up to the next space or the end.
    //   3. Check the arguments' shape for the name; a wrong one gets that
    //      command's "ERROR usage: ..." reply and changes nothing.
    //   4. Then store.set(), store.get() or store.erase(), and the reply.
    return {};
}

void KeyValueHandler::handle() {
    // TODO(exercise): serve commands until the client closes its side.
    //   1. line = rfile.readline(max_line); "" means the client has closed.
    //   2. max_line bytes and no '\n' at the end: write "ERROR line too long\n"
    //      to wfile at once, then read and drop pieces of that line (each with
    //      the same limit) until one ends with '\n', or the stream ends.
    //   3. Otherwise take the '\n' (and a '\r' before it) off the end, and write
    //      execute(store, line) + "\n" to wfile.
    // (For now it reads nothing, answers nothing, and the connection closes.)
}

}  // namespace sockserv::ch04::exercises
