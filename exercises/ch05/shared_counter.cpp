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

// TODO(exercise): hit() below is written as it would be for one thread: it
// works, until two request threads call it at the same moment. Make it safe,
// and write the other three, so that every function holds `mutex` while it
// reads or writes hits_, total_hits_ and total_bytes_:
//   - hit() counts and reads its name's count as one step (two hits on a
//     name never return the same number);
//   - hits() and totals() never read a count while another thread writes it,
//     and totals() sees the three numbers as they were at one moment;
//   - take() hands the counts over and starts anew as one step (a hit in
//     between would be lost, or counted twice).
// Never lock `mutex` twice on one thread (a function that holds it calling
// another that takes it): a std::mutex locked twice by one thread waits for
// ever.

std::uint64_t HitCounter::hit(const std::string& name, std::size_t bytes) {
    ++total_hits_;
    total_bytes_ += bytes;
    return ++hits_[name];
}

std::uint64_t HitCounter::hits([[maybe_unused]] const std::string& name) const {
    // TODO(exercise): name's count, 0 for a name that is not in hits_.
    return 0;
}

HitTotals HitCounter::totals() const {
    // TODO(exercise): the two totals, and how many names hits_ holds.
    return {};
}

std::map<std::string, std::uint64_t> HitCounter::take() {
    // TODO(exercise): hand over what hits_ holds, and leave it empty.
    return {};
}

}  // namespace sockserv::ch05::exercises
