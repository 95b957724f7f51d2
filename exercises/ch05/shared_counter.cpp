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

// TODO(exercise): every function below reads or writes hits_, total_hits_
// and total_bytes_, which all the request threads share. Make each one hold
// `mutex` while it does, so that:
//   - hit() counts and reads its name's count as one step (two hits on a
//     name never return the same number);
//   - take() hands the counts over and starts anew as one step (a hit
//     between the two would be lost);
//   - hits() and totals() never read a count while another thread writes it.
// Never lock `mutex` twice on one thread (a function that holds it calling
// another that takes it): a std::mutex locked twice by one thread waits for
// ever.

std::uint64_t HitCounter::hit(const std::string& name, std::size_t bytes) {
    ++total_hits_;
    total_bytes_ += bytes;
    return ++hits_[name];
}

std::uint64_t HitCounter::hits(const std::string& name) const {
    auto found = hits_.find(name);
    return found == hits_.end() ? 0 : found->second;
}

HitTotals HitCounter::totals() const {
    return {total_hits_, total_bytes_, hits_.size()};
}

std::map<std::string, std::uint64_t> HitCounter::take() {
    auto taken = std::move(hits_);
    hits_.clear();  // a moved-from map is valid but unspecified: make it empty
    return taken;
}

}  // namespace sockserv::ch05::exercises
