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

namespace {

// Splits off the first word of \p rest and moves \p rest past it and past
// the space that ends it. has_space says whether such a space was there.
std::string_view next_word(std::string_view& rest, bool& has_space) {
    std::size_t space = rest.find(' ');
    has_space = space != std::string_view::npos;
    std::string_view word = rest.substr(0, space);
    rest = has_space ? rest.substr(space + 1) : std::string_view{};
    return word;
}

}  // namespace

std::string execute(Store& store, std::string_view command) {
    bool more = false;
    std::string_view rest = command;
    const std::string_view name = next_word(rest, more);
    if (name != "SET" && name != "GET" && name != "DEL") {
        return "ERROR unknown command";
    }
    const bool has_key = more;
    const std::string key{next_word(rest, more)};
    if (name == "SET") {
        // The value is the rest of the line, spaces and all; only the space
        // that ends the key is required.
        if (!has_key || key.empty() || !more) {
            return "ERROR usage: SET key value";
        }
        store.set(key, std::string{rest});
        return "OK";
    }
    if (!has_key || key.empty() || more) {
        return name == "GET" ? "ERROR usage: GET key" : "ERROR usage: DEL key";
    }
    if (name == "GET") {
        std::optional<std::string> value = store.get(key);
        return value ? "VALUE " + *value : "NOT FOUND";
    }
    return store.erase(key) ? "OK" : "NOT FOUND";
}

void KeyValueHandler::handle() {
    while (true) {
        std::string line = rfile.readline(max_line);
        if (line.empty()) {
            return;  // the client has closed its side
        }
        if (line.size() == max_line && line.back() != '\n') {
            // Answered before the rest arrives: a client that waits for the
            // reply before sending more must not wait for ever.
            wfile.write("ERROR line too long\n");
            do {
                line = rfile.readline(max_line);
            } while (!line.empty() && line.back() != '\n');
            continue;
        }
        if (line.back() == '\n') {
            line.pop_back();
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
        }
        wfile.write(execute(store, line) + "\n");
    }
}

}  // namespace sockserv::ch04::exercises
