// Predictive analysis: from one recorded execution, find a lost update, a
// deadlock or a goroutine leak that another interleaving of the same events
// would show, then prove it by running that interleaving.
//
// The recorded events are encoded as SMT constraints (checker/predict/
// encoding.cpp): every reordering the solver may pick keeps each read on the
// write it saw, each receive on the message it got, mutual exclusion, FIFO
// channels and WaitGroup counts. A satisfying model is turned into a schedule
// prefix, run in the simulator, and re-run by replay_schedule; only a finding
// the replay shows is reported. Everything else is counted as unconfirmed.
//
//   weft::predict::PredictOptions po;
//   weft::predict::PredictOutcome out =
//       weft::predict::predict_schedule(model.body, params, check_options, po, recorded_schedule);
//   for (const auto& f : out.findings) ...   // each one replays with weft replay
//
// This header does not include z3++.h; only the .cpp files in this folder do.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "weft/check.h"
#include "weft/report.h"

namespace weft::predict {

struct PredictOptions {
  // Events (scheduling steps) per solver window. Events before a window stay
  // where they were observed; windows overlap by half their size.
  std::size_t window = 500;
  // Milliseconds the solver may spend on one query before it counts as unknown.
  unsigned solver_timeout_ms = 5000;
  // Lost-update queries per pair of source sites per window (loops repeat
  // the same pair many times; a few instances are enough).
  std::size_t per_site = 4;
  // Seed of the random continuation after the predicted prefix.
  std::uint64_t seed = 1;
  // Stop after the first confirmed finding.
  bool first_only = false;
};

struct PredictStats {
  std::uint64_t events = 0;  // events encoded (all windows)
  std::uint64_t windows = 0;
  std::uint64_t candidates = 0;   // queries before the cheap filters
  std::uint64_t queries = 0;      // queries the solver saw
  std::uint64_t predictions = 0;  // satisfiable queries (each one confirmed by a run)
  std::uint64_t confirmed = 0;
  std::uint64_t unconfirmed = 0;  // predicted, but the run did not show it: never reported
  std::uint64_t unknown = 0;      // solver timeouts
  double solver_seconds = 0;      // time in the solver (building and checking)
};

struct PredictOutcome {
  std::vector<check::Finding> findings;  // confirmed, each with the full replayable schedule
  PredictStats stats;
  std::string skipped;  // why nothing was encoded, when so
};

// Re-runs `schedule` (a complete schedule of an execution of `body`) with
// recording on, predicts from it and confirms each prediction.
PredictOutcome predict_schedule(const std::function<void()>& body, const Params& params,
                                const check::CheckOptions& options, const PredictOptions& popts,
                                const std::vector<Decision>& schedule);

// `weft predict`: records one execution with the random strategy and the
// given seed, reports what it shows itself, then predicts from it.
check::Report run_predict(const std::string& name, const std::function<void()>& body, const Params& params,
                          const check::CheckOptions& options, const PredictOptions& popts,
                          PredictStats* stats_out = nullptr);

// A predictor for run_check (check --predict): predicts from an execution's
// schedule and adds its statistics to the check's.
check::Predictor make_predictor(const std::function<void()>& body, const Params& params,
                                const check::CheckOptions& options, const PredictOptions& popts);

}  // namespace weft::predict
