#include "common/error.hpp"

#include <cerrno>
#include <cxxabi.h>
#include <exception>
#include <memory>
#include <string>
#include <system_error>
#include <typeinfo>

namespace sockserv::common {

void throw_system_error(std::string_view call, std::string_view subject) {
    throw_system_error(errno, call, subject);
}

// [throw-system-error]
void throw_system_error(int error, std::string_view call, std::string_view subject) {
    std::string what{call};
    if (!subject.empty()) {
        what += ' ';
        what += subject;
    }
    throw std::system_error(error, std::system_category(), what);
}
// [throw-system-error]

namespace {

// typeid().name() is mangled ("St12system_error"); a student should read
// "std::system_error". The ABI call allocates with malloc, hence free().
std::string demangle(const char* mangled) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name{
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free};
    return status == 0 && name ? std::string{name.get()} : std::string{mangled};
}

}  // namespace

std::string describe_current_exception() {
    // `throw;` with no exception in flight calls std::terminate: a
    // handle_error() called outside a catch block must not end the server.
    if (!std::current_exception()) {
        return "no exception";
    }
    try {
        throw;
    } catch (const std::exception& error) {
        return demangle(typeid(error).name()) + ": " + error.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace sockserv::common
