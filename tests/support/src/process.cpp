#include "support/process.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "common/error.hpp"

namespace sockserv::test {

std::size_t open_fd_count() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        ++count;
    }
    return count;  // includes the directory being read, the same each time
}

namespace {

std::filesystem::path unique_path(const std::string& stem) {
    std::string pattern = (std::filesystem::temp_directory_path() / (stem + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        common::throw_system_error("mkdtemp", pattern);
    }
    return pattern;
}

}  // namespace

TempDir::TempDir() : path_(unique_path("sockserv-test-")) {}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

CaptureStderr::CaptureStderr() : file_(unique_path("sockserv-stderr-") / "stderr.txt") {
    std::cerr.flush();
    std::fflush(stderr);
    saved_ = common::FileDescriptor{::dup(STDERR_FILENO)};
    common::FileDescriptor capture{::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
    if (!saved_.is_open() || !capture.is_open() || ::dup2(capture.get(), STDERR_FILENO) < 0) {
        common::throw_system_error("capture stderr", file_.string());
    }
}

CaptureStderr::~CaptureStderr() {
    std::cerr.flush();
    std::fflush(stderr);
    ::dup2(saved_.get(), STDERR_FILENO);
    std::error_code ignored;
    std::filesystem::remove_all(file_.parent_path(), ignored);
}

std::string CaptureStderr::text() const {
    std::cerr.flush();
    std::fflush(stderr);
    std::ifstream in(file_, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

}  // namespace sockserv::test
