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

namespace {

// What the C++ and C streams of this process hold is written out before
// the descriptor changes hands, and before the file is read.
void flush_output() {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
}

}  // namespace

CaptureOutput::CaptureOutput(int fd) : fd_(fd), file_(unique_path("sockserv-output-") / "output.txt") {
    flush_output();
    saved_ = common::FileDescriptor{::dup(fd_)};
    common::FileDescriptor capture{
        ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600)};
    if (!saved_.is_open() || !capture.is_open() || ::dup2(capture.get(), fd_) < 0) {
        common::throw_system_error("capture descriptor " + std::to_string(fd_), file_.string());
    }
}

CaptureOutput::~CaptureOutput() {
    flush_output();
    ::dup2(saved_.get(), fd_);
    std::error_code ignored;
    std::filesystem::remove_all(file_.parent_path(), ignored);
}

std::string CaptureOutput::text() const {
    flush_output();
    std::ifstream in(file_, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

CaptureStdout::CaptureStdout() : CaptureOutput(STDOUT_FILENO) {}

CaptureStderr::CaptureStderr() : CaptureOutput(STDERR_FILENO) {}

}  // namespace sockserv::test
