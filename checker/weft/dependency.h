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
#include <memory>
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
// (the search keeps one of these for every step it remembers, hundreds of
// thousands in the wakeup trees: the type is kept small).
class StepAccesses {
 public:
  static constexpr std::uint32_t inline_capacity = 3;

  StepAccesses() = default;
  StepAccesses(const StepAccesses& o) { *this = o; }
  StepAccesses(StepAccesses&& o) noexcept { *this = std::move(o); }
  StepAccesses& operator=(const StepAccesses& o) {
    if (this == &o) return *this;
    n_ = o.n_;
    mask_ = o.mask_;
    if (o.heap_ == nullptr) {
      std::copy(o.inline_, o.inline_ + o.n_, inline_);
      heap_.reset();
      cap_ = 0;
    } else {
      if (cap_ < o.n_) {
        heap_ = std::make_unique<Access[]>(o.n_);
        cap_ = o.n_;
      }
      std::copy(o.heap_.get(), o.heap_.get() + o.n_, heap_.get());
    }
    return *this;
  }
  StepAccesses& operator=(StepAccesses&& o) noexcept {
    if (this == &o) return *this;
    n_ = o.n_;
    mask_ = o.mask_;
    std::copy(o.inline_, o.inline_ + std::min(o.n_, inline_capacity), inline_);
    heap_ = std::move(o.heap_);
    cap_ = o.cap_;
    o.clear();
    o.cap_ = 0;
    return *this;
  }

  void push_back(const Access& a) {
    mask_ |= summary(a);
    if (heap_ == nullptr && n_ < inline_capacity) {
      inline_[n_++] = a;
      return;
    }
    if (heap_ == nullptr || n_ == cap_) {
      const std::uint32_t cap = std::max<std::uint32_t>(2 * n_, 2 * inline_capacity);
      auto grown = std::make_unique<Access[]>(cap);
      std::copy(begin(), end(), grown.get());
      heap_ = std::move(grown);
      cap_ = cap;
    }
    heap_[n_++] = a;
  }
  const Access* begin() const { return heap_ == nullptr ? inline_ : heap_.get(); }
  const Access* end() const { return begin() + n_; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  void clear() {
    n_ = 0;
    mask_ = 0;
    heap_.reset();
    cap_ = 0;
  }
  // A summary of the accesses, for a quick "these cannot conflict": a bit
  // per object (object id modulo 60), and whether there is a write, a
  // channel, `any_channel` or `everything` among them.
  static constexpr std::uint64_t objects_mask = (std::uint64_t{1} << 60) - 1;
  static constexpr std::uint64_t has_write = std::uint64_t{1} << 60;
  static constexpr std::uint64_t has_channel = std::uint64_t{1} << 61;
  static constexpr std::uint64_t has_any_channel = std::uint64_t{1} << 62;
  static constexpr std::uint64_t has_everything = std::uint64_t{1} << 63;
  std::uint64_t mask() const { return mask_; }
  friend bool operator==(const StepAccesses& a, const StepAccesses& b) {
    return a.n_ == b.n_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  static std::uint64_t summary(const Access& a) {
    std::uint64_t m = std::uint64_t{1} << (a.obj % 60);
    if (a.kind == Access::write) m |= has_write;
    if (a.channel) m |= has_channel;
    if (a.obj == any_channel) m |= has_any_channel;
    if (a.obj == everything) m |= has_everything;
    return m;
  }

  Access inline_[inline_capacity];
  std::uint32_t n_ = 0;
  std::uint32_t cap_ = 0;  // of heap_
  std::uint64_t mask_ = 0;
  std::unique_ptr<Access[]> heap_;  // all of them, once there are more than fit inline
};

// Adds to `out` the accesses an event performs. `lock_of_cond` maps a Cond's
// object to the lock it releases and takes again.
void add_accesses(const Event& e, const std::function<ObjectId(ObjectId)>& lock_of_cond, StepAccesses& out);

// The accesses an operation that has not run yet may perform (conservative:
// a compare-exchange may write, a select may touch every channel).
void add_pending_accesses(OpKind op, ObjectId obj, const std::function<ObjectId(ObjectId)>& lock_of_cond,
                          StepAccesses& out);

// Inline: the exploration asks this for every pair of steps it compares.
inline bool conflict(const Access& a, const Access& b) {
  if (a.obj == everything || b.obj == everything) return true;
  if (a.kind == Access::read && b.kind == Access::read) return false;
  if (a.obj == b.obj) return true;
  if (a.obj == any_channel) return b.channel;
  if (b.obj == any_channel) return a.channel;
  return false;
}

inline bool conflict(const StepAccesses& a, const StepAccesses& b) {
  // The summaries rule most pairs out without looking at the accesses: no
  // `everything`, no object in common that one of them writes, and no
  // `any_channel` meeting a channel.
  const std::uint64_t ma = a.mask(), mb = b.mask();
  if (((ma | mb) & StepAccesses::has_everything) == 0) {
    const bool shared_object =
        (ma & mb & StepAccesses::objects_mask) != 0 && ((ma | mb) & StepAccesses::has_write) != 0;
    const bool channels =
        ((ma & StepAccesses::has_any_channel) != 0 && (mb & StepAccesses::has_channel) != 0) ||
        ((mb & StepAccesses::has_any_channel) != 0 && (ma & StepAccesses::has_channel) != 0);
    if (!shared_object && !channels) return false;
  }
  for (const Access& x : a) {
    for (const Access& y : b) {
      if (conflict(x, y)) return true;
    }
  }
  return false;
}

}  // namespace weft::check
