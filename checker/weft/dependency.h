// The one dependency table: which operations conflict. Partial-order
// reduction (checker/dpor.cpp) asks it whether two steps commute; two steps
// that do not conflict can be swapped without changing what any goroutine
// sees or whether it can move.
//
// A step is summarised as the list of objects it touched, each read or
// written. Two accesses conflict when they name the same object and at least
// one writes. Every operation on a channel, mutex, RWMutex, WaitGroup, Once
// or Cond is a write of that object: such operations change who can move
// (a lock disables other lockers, a send enables a receiver), so they never
// commute. Plain and atomic loads are reads; a failed compare-exchange is a
// read. A select that has not committed to a case touches every channel.
//
//   StepAccesses a = accesses_of(event, aux);
//   if (conflict(a, b)) { /* the order of the two steps matters */ }
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "weft/scheduler.h"

namespace weft::check {

struct Access {
  enum Kind : std::uint8_t { read = 0, write = 1 };
  // Objects: a real ObjectId, or one of the virtual objects below.
  ObjectId obj = no_object;
  Kind kind = read;
  bool channel = false;  // conflicts with `any_channel`
  friend bool operator==(const Access&, const Access&) = default;
};

// Virtual objects: every channel (a select before it picked a case), and
// the goroutine table (spawns number goroutines in the order they happen).
inline constexpr ObjectId any_channel = no_object - 1;
inline constexpr ObjectId goroutine_table = no_object - 2;
// A step that ended the execution (a panic, a failed expectation) conflicts
// with every step: it stopped them all.
inline constexpr ObjectId everything = no_object - 3;

// The accesses of one step: almost always one or two, so they live inline
// and only a step with more than `inline_capacity` moves them to the heap
// (the search copies these for every step it remembers).
class StepAccesses {
 public:
  static constexpr std::uint32_t inline_capacity = 6;
  void push_back(const Access& a) {
    if (heap_.empty() && n_ < inline_capacity) {
      inline_[n_++] = a;
      return;
    }
    if (heap_.empty()) heap_.assign(inline_, inline_ + n_);
    heap_.push_back(a);
    ++n_;
  }
  const Access* begin() const { return heap_.empty() ? inline_ : heap_.data(); }
  const Access* end() const { return begin() + n_; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  void clear() {
    n_ = 0;
    heap_.clear();
  }
  friend bool operator==(const StepAccesses& a, const StepAccesses& b) {
    return a.n_ == b.n_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  Access inline_[inline_capacity];
  std::uint32_t n_ = 0;
  std::vector<Access> heap_;  // all of them, once there are more than fit inline
};

// Adds to `out` the accesses an event performs. `lock_of_cond` maps a Cond's
// object to the lock it releases and takes again.
void add_accesses(const Event& e, const std::function<ObjectId(ObjectId)>& lock_of_cond, StepAccesses& out);

// The accesses an operation that has not run yet may perform (conservative:
// a compare-exchange may write, a select may touch every channel).
void add_pending_accesses(OpKind op, ObjectId obj, const std::function<ObjectId(ObjectId)>& lock_of_cond,
                          StepAccesses& out);

bool conflict(const Access& a, const Access& b);
bool conflict(const StepAccesses& a, const StepAccesses& b);

}  // namespace weft::check
