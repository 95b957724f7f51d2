#include "common/text.hpp"

namespace sockserv::common {

void ascii_upper(std::span<char> bytes) noexcept {
    for (char& byte : bytes) {
        if (byte >= 'a' && byte <= 'z') {
            byte = static_cast<char>(byte - 'a' + 'A');
        }
    }
}

}  // namespace sockserv::common
