// Exploration strategies: siblings behind one interface. A strategy is the
// scheduler of every execution in a search, and between executions decides
// what to try next. Only the path of decisions survives from one execution
// to the next.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weft/execution.h"
#include "weft/scheduler.h"

namespace weft::check {

class Strategy : public Scheduler {
 public:
  // Prepares the next execution. False when there is nothing left to explore.
  virtual bool next() = 0;
  // True if next() returning false means the whole space was explored.
  virtual bool exhaustive() const = 0;
  virtual std::string name() const = 0;
  // Set when the program behaved differently on the same decisions
  // (nondeterminism outside weft's control).
  const std::string& error() const { return error_; }
  // Called once after each execution: false when the execution only probed
  // the shape of a part of the tree another search explores (checker/shard.cpp);
  // such an execution is neither counted nor reported.
  virtual bool owns_last() { return true; }
  // True when the last execution was abandoned because everything after it
  // was already explored (sleep sets); counted apart as a blocked execution.
  virtual bool blocked_last() const { return false; }

 protected:
  std::string error_;
};

// Exhaustive depth-first search over every interleaving and every choice.
class DfsStrategy final : public Strategy {
 public:
  bool next() override;
  bool exhaustive() const override { return true; }
  std::string name() const override { return "dfs"; }
  std::size_t pick(std::span<const Candidate> enabled) override;
  std::size_t choose(std::size_t n, ChoiceKind why) override;
  void begin(Execution&) override { pos_ = 0; }

 private:
  std::size_t decide(std::size_t n);
  struct Node {
    std::uint32_t options;
    std::uint32_t taken;
  };
  std::vector<Node> path_;
  std::size_t pos_ = 0;
  bool started_ = false;
};

// xoshiro256**: the same sequence on every platform for the same seed.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next();
  std::size_t below(std::size_t n);  // uniform in [0, n)

 private:
  std::uint64_t s_[4];
};

// Uniform random walk: every decision is drawn from a seeded generator.
class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) : rng_(seed) {}
  bool next() override { return true; }
  bool exhaustive() const override { return false; }
  std::string name() const override { return "random"; }
  std::size_t pick(std::span<const Candidate> enabled) override { return rng_.below(enabled.size()); }
  std::size_t choose(std::size_t n, ChoiceKind) override { return rng_.below(n); }

 private:
  Rng rng_;
};

// Follows a recorded schedule, checking that each decision is possible.
// Counts preemptions (switching away from a goroutine that could have
// continued) along the way.
class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<Decision> schedule) : schedule_(std::move(schedule)) {}
  bool next() override;
  bool exhaustive() const override { return false; }
  std::string name() const override { return "replay"; }
  void begin(Execution&) override;
  std::size_t pick(std::span<const Candidate> enabled) override;
  std::size_t choose(std::size_t n, ChoiceKind why) override;
  std::uint64_t preemptions() const { return preemptions_; }
  // Decisions used; fewer than the schedule's size means the run ended early.
  std::size_t used() const { return pos_; }

 private:
  void diverge(std::string what);
  std::vector<Decision> schedule_;
  std::size_t pos_ = 0;
  std::uint64_t steps_ = 0;
  std::uint64_t preemptions_ = 0;
  GoroutineId last_ = no_goroutine;
  bool ran_ = false;
};

// Counts preemptions in any schedule: a switch away from a goroutine that was
// still enabled. Used by the replay.
std::unique_ptr<Strategy> make_strategy(const std::string& name, std::uint64_t seed);
// The strategy the options ask for: `strategy` by name, a preemption-bounded
// DFS when `max_preemptions` is set, PCT with `pct_depth` (checker/weft/dpor.h).
struct CheckOptions;
std::unique_ptr<Strategy> make_strategy(const CheckOptions& options);

}  // namespace weft::check
