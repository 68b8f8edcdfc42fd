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

using StepAccesses = std::vector<Access>;

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
