// ascii_upper: Python's bytes.upper(), the demo's one transformation.
#include <string>

#include <gtest/gtest.h>

#include "common/text.hpp"

namespace {

using sockserv::common::ascii_upper;

std::string upper(std::string bytes) {
    ascii_upper(bytes);
    return bytes;
}

TEST(AsciiUpper, UpperCasesAsciiLetters) {
    EXPECT_EQ(upper("hello, World 42!\n"), "HELLO, WORLD 42!\n");
    EXPECT_EQ(upper("az"), "AZ");
}

TEST(AsciiUpper, LeavesEveryByteThatIsNotALowerCaseAsciiLetterAlone) {
    // Every one of the 256 byte values: NUL, the neighbours of 'a' and 'z'
    // ('`' and '{'), and everything above 127 (UTF-8, Latin-1, binary).
    for (int value = 0; value < 256; ++value) {
        const char byte = static_cast<char>(value);
        const char expected = (value >= 'a' && value <= 'z') ? static_cast<char>(value - 32) : byte;
        EXPECT_EQ(upper(std::string(1, byte)), std::string(1, expected)) << "byte " << value;
    }
}

TEST(AsciiUpper, LeavesUtf8AndEmbeddedNulsIntact) {
    const std::string text{"caf\xc3\xa9\0ok", 8};

    EXPECT_EQ(upper(text), (std::string{"CAF\xc3\xa9\0OK", 8}));
}

TEST(AsciiUpper, AnEmptySpanIsFine) {
    EXPECT_EQ(upper(""), "");
}

}  // namespace
