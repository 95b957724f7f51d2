#include "ch06/threading_mixin.hpp"

#include <iostream>
#include <sstream>

namespace sockserv::ch06 {

void report_uncaught_in_thread(const common::Address& client_address) noexcept {
    try {
        std::ostringstream report;  // one write: threads report side by side
        report << "Exception in the thread serving " << client_address << ":\n"
               << common::describe_current_exception() << '\n';
        std::cerr << report.str() << std::flush;
    } catch (...) {
        // Out of memory while reporting: nothing more can be said.
    }
}

}  // namespace sockserv::ch06
