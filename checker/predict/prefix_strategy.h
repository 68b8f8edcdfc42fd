// Schedulers for confirming a prediction.
//
// PrefixStrategy follows a predicted order of goroutine picks, then lets the
// rest of the program run: the last goroutine while it can move, else a
// seeded random pick. A program choice
// (choose(n), a select case) is answered with the choice the same goroutine
// made at the same point of the recorded run. The run's own schedule
// (ExecutionResult.schedule) is what gets reported: it replays exactly.
//
// ChoiceTap wraps another scheduler and notes which goroutine made each
// program choice, so the choices can be given back per goroutine.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "weft/strategy.h"

namespace weft::predict {

struct ChoiceRecord {
  GoroutineId g = no_goroutine;
  std::uint32_t value = 0;
};

class ChoiceTap final : public Scheduler {
 public:
  explicit ChoiceTap(Scheduler& inner) : inner_(inner) {}
  void begin(Execution& x) override;
  std::size_t pick(std::span<const Candidate> enabled) override { return inner_.pick(enabled); }
  std::size_t choose(std::size_t n, ChoiceKind why) override;
  const std::vector<ChoiceRecord>& choices() const { return choices_; }

 private:
  Scheduler& inner_;
  Execution* x_ = nullptr;
  std::vector<ChoiceRecord> choices_;
};

class PrefixStrategy final : public check::Strategy {
 public:
  PrefixStrategy(std::vector<GoroutineId> prefix, const std::vector<ChoiceRecord>& choices,
                 std::uint64_t seed);
  bool next() override;
  bool exhaustive() const override { return false; }
  std::string name() const override { return "predicted"; }
  void begin(Execution& x) override;
  std::size_t pick(std::span<const Candidate> enabled) override;
  std::size_t choose(std::size_t n, ChoiceKind why) override;
  // How many picks of the prefix were taken as planned.
  std::size_t followed() const { return followed_; }
  std::size_t skipped() const { return skipped_; }

 private:
  std::vector<GoroutineId> prefix_;
  std::vector<std::deque<std::uint32_t>> choices_;  // per goroutine, in order
  std::vector<std::deque<std::uint32_t>> left_;
  std::size_t pos_ = 0;
  std::size_t followed_ = 0;
  std::size_t skipped_ = 0;
  GoroutineId last_ = no_goroutine;
  std::size_t streak_ = 0;
  check::Rng rng_;
  Execution* x_ = nullptr;
  bool ran_ = false;
};

}  // namespace weft::predict
