// Exercise 5.3: a shared counter, made safe: HitCounter's member functions
// as they would be written for one thread. They work, until two request
// threads call them at the same moment.
//
// Read the book's section "Exercise 5.3: a shared counter, made safe"
// first (book/ch05.md, anchor ex-ch05-shared-counter).
// Check your work with:   ./course check ch05 shared_counter
// and then under ThreadSanitizer, as the book's section shows.
// You edit this file only; shared_counter.hpp (the counter, the handler) is given.
#include "shared_counter.hpp"

namespace sockserv::ch05::exercises {

// Each function takes the lock once, for all it does: a count read and
// written in two locked steps could still be changed between them.

std::uint64_t HitCounter::hit(const std::string& name, std::size_t bytes) {
    std::lock_guard lock{mutex};
    ++total_hits_;
    total_bytes_ += bytes;
    return ++hits_[name];
}

std::uint64_t HitCounter::hits(const std::string& name) const {
    std::lock_guard lock{mutex};
    auto found = hits_.find(name);
    return found == hits_.end() ? 0 : found->second;
}

HitTotals HitCounter::totals() const {
    std::lock_guard lock{mutex};
    return {total_hits_, total_bytes_, hits_.size()};
}

std::map<std::string, std::uint64_t> HitCounter::take() {
    std::lock_guard lock{mutex};
    auto taken = std::move(hits_);
    hits_.clear();  // a moved-from map is valid but unspecified: make it empty
    return taken;
}

}  // namespace sockserv::ch05::exercises
