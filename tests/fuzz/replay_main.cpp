// Runs a fuzz target on every file of its seed corpus, without libFuzzer:
// the g++ build (and its ASan+UBSan twin) has no libFuzzer, but it can
// still prove that every committed input passes, as an ordinary test.
// A target reports a mismatch by aborting, so a failing input ends the run
// with the input's name printed last.
//
// Usage: <program> FILE_OR_FOLDER...   (folders: every file in them, sorted)

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& path) {
    if (!std::filesystem::is_directory(path)) {
        return {path};
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string program = std::filesystem::path(argv[0]).filename().string();
    // Every program the course builds answers --help, and refuses an option
    // it does not know in one line, with status 2.
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--help") {
            std::printf("usage: %s FILE_OR_FOLDER...\n"
                        "Runs the fuzz target on each file (a folder: every file in it), "
                        "without libFuzzer.\n",
                        program.c_str());
            return 0;
        }
        if (argument.starts_with("-")) {
            std::fprintf(stderr, "%s: unknown option %s (usage: %s FILE_OR_FOLDER...)\n",
                         program.c_str(), argv[i], program.c_str());
            return 2;
        }
    }
    std::size_t ran = 0;
    for (int i = 1; i < argc; ++i) {
        for (const auto& file : inputs_of(argv[i])) {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::fprintf(stderr, "cannot read %s\n", file.c_str());
                return 1;
            }
            std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            // Named before it runs: an abort inside leaves this as the last line.
            std::fprintf(stderr, "%s (%zu bytes)\n", file.c_str(), bytes.size());
            std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
            LLVMFuzzerTestOneInput(data.data(), data.size());
            ++ran;
        }
    }
    // An empty or missing corpus would pass without checking anything.
    if (ran == 0) {
        std::fprintf(stderr, "no input to run: give the seed corpus's folder\n");
        return 1;
    }
    std::printf("%zu inputs passed\n", ran);
    return 0;
}
