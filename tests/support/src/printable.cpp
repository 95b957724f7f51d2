#include "support/printable.hpp"

#include <algorithm>

namespace sockserv::test {

std::string printable(std::string_view bytes, std::size_t shown) {
    constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : bytes.substr(0, std::min(bytes.size(), shown))) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c >= 32 && c < 127) {
            out += c;
        } else {
            auto byte = static_cast<unsigned char>(c);
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    out += bytes.size() > shown ? "...\"" : "\"";
    return out + " (" + std::to_string(bytes.size()) + (bytes.size() == 1 ? " byte)" : " bytes)");
}

}  // namespace sockserv::test
