// The one seam between the runtime (sim/) and the exploration (checker/).
//
// At every scheduling point the execution hands the scheduler the goroutines
// that can move, each with the operation it is about to perform, and the
// scheduler answers which one runs. A choice inside the program (choose(n),
// which ready select case fires) goes through the same seam, so a schedule
// is one list of decisions. Observers see every operation after it happened;
// detectors and partial-order reduction are observers.
#pragma once

#include <cstdint>
#include <source_location>
#include <span>

#include "weft/op.h"

namespace weft {

class Execution;

// An operation that happened. One per step, plus extra "wake" events for
// goroutines completed by someone else's step (close waking receivers).
struct Event {
  enum Flags : std::uint8_t {
    blocked = 1,     // the operation did not complete: the goroutine parked
    wake = 2,        // completion of this goroutine's earlier parked operation
    not_ok = 4,      // recv from a closed channel, failed compare-exchange, select default
    via_select = 8,  // a send/recv fired as a select case
    has_value = 16,  // `value` holds the value read, written or sent
    repeat = 32,     // lock/once that found the work already done (Once.Do after done)
  };
  std::uint64_t step = 0;
  GoroutineId g = no_goroutine;
  OpKind op = OpKind::spawn;
  std::uint8_t flags = 0;
  ObjectId obj = no_object;
  GoroutineId partner = no_goroutine;  // rendezvous partner, spawned child, woken goroutine
  std::uint64_t msg = 0;               // channel message number (1-based), select case, WaitGroup delta
  std::int64_t value = 0;
  std::source_location loc;
  const void* pc = nullptr;  // return address when `loc` is unknown (operators such as x++)

  bool is(Flags f) const { return (flags & f) != 0; }
};

// A goroutine that can move, and what it will do when it does.
struct Candidate {
  GoroutineId g;
  OpKind op;
  ObjectId obj;
  std::source_location loc;
};

enum class ChoiceKind : std::uint8_t { select_case, choose };

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Called once before the main goroutine starts.
  virtual void begin(Execution&) {}
  // Returns an index into `enabled` (never empty).
  virtual std::size_t pick(std::span<const Candidate> enabled) = 0;
  // Returns a value in [0, n), n >= 2.
  virtual std::size_t choose(std::size_t n, ChoiceKind why) = 0;
  // Called just before pick() with the goroutines that wait at a scheduling
  // point but cannot move now (a Lock of a held mutex), each with its
  // operation. Partial-order reduction needs them: whoever disables them
  // is a dependency.
  virtual void disabled(std::span<const Candidate>) {}
  // Called once when the execution ends, with every goroutine still waiting
  // at a scheduling point (enabled or not).
  virtual void end(std::span<const Candidate>) {}
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void begin(Execution&) {}
  virtual void on_event(Execution&, const Event&) = 0;
};

}  // namespace weft
