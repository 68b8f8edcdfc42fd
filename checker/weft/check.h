// Running a check: explore a program's executions with a strategy, watch each
// with the detectors, and turn what they find into findings with replayable
// traces (explore cheaply, replay richly).
//
//   weft::check::CheckOptions opts;
//   opts.all = true;
//   weft::check::Report r = weft::check::run_check(*model, params, opts);
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "weft/model.h"
#include "weft/report.h"
#include "weft/strategy.h"

namespace weft::check {

// The model misbehaved in a way that is not a finding (nondeterminism).
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Report run_check(const std::string& name, const std::function<void()>& body, const Params& params,
                 const CheckOptions& options);

// Predicts from one execution (given its complete schedule) and returns the
// findings it confirmed by running them; adds its counts to `stats`.
// checker/predict/ provides one (weft/predict.h).
using Predictor = std::function<std::vector<Finding>(const std::vector<Decision>& schedule, Stats& stats)>;
// As above; with a predictor and options.predict_every = N, every Nth
// execution (the 1st, N+1th, ...) is also predicted from.
Report run_check(const std::string& name, const std::function<void()>& body, const Params& params,
                 const CheckOptions& options, const Predictor& predictor);
Report run_check(const Model& model, const Params& params, const CheckOptions& options);

// Re-runs one schedule with recording on and rebuilds the finding of `kind`
// (the first one of that kind if several). Used by the check itself and by
// `weft replay`. Sets `error` on divergence.
struct ReplayOutcome {
  std::vector<Finding> findings;  // every finding the replayed execution shows
  ExecutionResult result;
  Trace trace;             // the execution's trace (schedule, events, blocked, ...)
  std::string divergence;  // empty when the replay followed the schedule
};
ReplayOutcome replay_schedule(const std::function<void()>& body, const Params& params,
                              const CheckOptions& options, const std::vector<Decision>& schedule);

}  // namespace weft::check
