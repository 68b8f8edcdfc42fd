// Progress on long runs: a one-line display on stderr (executions, rate,
// elapsed time, findings so far) with an estimate of the size of the whole
// execution tree, so a person can tell a minute's search from a year's.
//
// The estimate is Knuth's (1975): walk the tree from the root choosing each
// branch uniformly at random and multiply the branching factors met on the
// way. The product's expectation is the number of leaves (executions); the
// mean over many walks converges to it.
//
//   TreeSizeEstimator est(body, params, options, 1);
//   ProgressDisplay show(std::cerr, progress_wanted(STDERR_FILENO, quiet), &est);
//   options.on_progress = [&](const Stats& s, std::size_t n) { show.update(s, n); };
#pragma once

#include <chrono>
#include <functional>
#include <ostream>

#include "weft/report.h"
#include "weft/strategy.h"

namespace weft::check {

class TreeSizeEstimator {
 public:
  TreeSizeEstimator(std::function<void()> body, Params params, CheckOptions options, std::uint64_t seed);
  // Runs `walks` more random walks of the program.
  void probe(std::size_t walks);
  // The mean of the walks' products so far (0 before the first walk).
  double estimate() const { return walks_ == 0 ? 0 : sum_ / static_cast<double>(walks_); }
  std::uint64_t walks() const { return walks_; }

 private:
  std::function<void()> body_;
  Params params_;
  CheckOptions options_;
  Rng rng_;
  double sum_ = 0;
  std::uint64_t walks_ = 0;
};

// True when progress should be shown on `fd`: a terminal, and not --quiet.
bool progress_wanted(int fd, bool quiet);

class ProgressDisplay {
 public:
  // With `enabled` false, update() and finish() write nothing. `estimator`
  // may be null (no estimate shown).
  ProgressDisplay(std::ostream& os, bool enabled, TreeSizeEstimator* estimator);
  // Redraws the line, at most ten times a second.
  void update(const Stats& stats, std::size_t findings);
  // Clears the line, if one was drawn.
  void finish();
  // The text of the line for these numbers (without the carriage return).
  // Under partial-order reduction (`reduced`) the estimate is of the
  // unreduced tree, an upper bound: it is shown without a percentage.
  static std::string line(const Stats& stats, std::size_t findings, double elapsed, double estimate,
                          bool reduced = false);
  void set_reduced(bool reduced) { reduced_ = reduced; }

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& os_;
  bool enabled_;
  TreeSizeEstimator* estimator_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
  bool drawn_ = false;
  bool reduced_ = false;
};

}  // namespace weft::check
