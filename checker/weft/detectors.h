// The detectors that watch an execution as it runs: data races by
// happens-before (vector clocks over channels, mutexes, WaitGroup, Once,
// spawn and atomics) and lost updates (read, someone else's write, then a
// write from the stale read). They only record; the explorer decides what
// a record means for the search.
#pragma once

#include <cstdint>
#include <source_location>
#include <string>
#include <vector>

#include "weft/execution.h"
#include "weft/vector_clock.h"

namespace weft::check {

// Where an access happened, good enough to tell findings apart during the search.
struct AccessSite {
  std::uint64_t step = 0;
  GoroutineId g = no_goroutine;
  OpKind op = OpKind::load;
  std::string where;  // "file:line" or "pc:0x..."
};

struct DetectedIssue {
  FindingKind kind = FindingKind::data_race;
  ObjectId obj = no_object;
  std::vector<AccessSite> accesses;  // race: the two accesses; lost update: read, lost write, write
  std::string key() const;           // what makes two issues "the same finding"
};

std::string site_of(const Event& e);

// What a detector keeps of an access while the execution runs: the event's
// source position as it came, turned into an AccessSite (a string) only when
// an issue is recorded. Trivially copyable, so per-variable tables can be
// reset in place from one execution to the next without freeing memory.
struct RawSite {
  std::uint64_t step = 0;
  GoroutineId g = no_goroutine;
  OpKind op = OpKind::load;
  std::source_location loc{};
  const void* pc = nullptr;
};

// Until an execution makes its first plain access (a Shared load or
// store) nothing can race, and an execution that never makes one (a model
// of atomics, mutexes and channels only) needs no clocks at all: the
// detector keeps the events in a log until then and works through the log
// at that first access, so those executions pay a copy per event instead.
// Past max_deferred events it stops waiting and keeps clocks as it goes.
class RaceDetector final : public Observer {
 public:
  void begin(Execution& x) override;
  void on_event(Execution& x, const Event& e) override;
  const std::vector<DetectedIssue>& issues() const { return issues_; }

 private:
  struct Access {
    std::uint32_t clock = 0;
    GoroutineId g = no_goroutine;
    RawSite site;
  };
  struct Var {
    bool written = false;
    Access write;
    std::vector<Access> reads;  // since the last write: each reading goroutine's last read, by goroutine
  };
  struct ChanClocks {
    std::vector<VectorClock> sent;      // C_m: the sender's clock, by message number
    std::vector<VectorClock> received;  // R_m: the receiver's clock after receiving m
    VectorClock closed;
  };
  VectorClock& vc(GoroutineId g);
  VectorClock& obj_clock(ObjectId id);
  ChanClocks& chan(ObjectId id);
  Var& var(ObjectId id);
  void access(Execution& x, const Event& e, bool write);
  void channel(Execution& x, const Event& e);
  void report(ObjectId obj, const Access& earlier, const Event& e);
  void handle(Execution& x, const Event& e);

  static constexpr std::size_t max_deferred = 4096;
  bool active_ = false;          // a plain access happened in this execution (or max_deferred events)
  std::vector<Event> deferred_;  // the events before it
  std::vector<VectorClock> goroutines_;
  std::vector<VectorClock> objects_;
  std::vector<VectorClock> read_side_;  // RWMutex: released by RUnlock
  std::vector<ChanClocks> chans_;
  std::vector<Var> vars_;
  std::vector<DetectedIssue> issues_;
  std::vector<std::string> seen_;
};

class LostUpdateDetector final : public Observer {
 public:
  void begin(Execution& x) override;
  void on_event(Execution& x, const Event& e) override;
  const std::vector<DetectedIssue>& issues() const { return issues_; }

 private:
  struct Last {
    bool read = false;
    std::uint64_t writes_seen = 0;
    RawSite site;
  };
  struct Var {
    std::uint64_t writes = 0;
    RawSite last_write;
    std::vector<Last> last;  // by goroutine
  };
  std::vector<Var> vars_;
  std::vector<DetectedIssue> issues_;
};

}  // namespace weft::check
