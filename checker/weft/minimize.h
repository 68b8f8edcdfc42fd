// Minimal counterexamples. The exploration reports the first failing
// execution it meets, which often has preemptions and steps that have
// nothing to do with the bug. After a finding, a preemption-bounded search
// (bound 0, 1, 2, ... as in CHESS) looks for the same finding with the
// fewest preemptions, then the fewest steps, within a budget.
//
//   Finding small = minimize_finding(body, params, options, found);
//   // small.trace.preemptions == 1 for a lost update between two goroutines
#pragma once

#include <functional>

#include "weft/check.h"
#include "weft/report.h"

namespace weft::check {

// Two findings are "the same" for minimization when they have the same kind,
// object and set of source lines. Returns a string that says so.
std::string minimize_signature(const Finding& f);

// Returns the finding rebuilt from the smallest counterexample found within
// options.minimize_seconds / options.minimize_executions, or `found` itself
// when nothing smaller turned up; `minimized` says what the search proved.
// Findings of kind step_limit, crash and hang are returned unchanged.
Finding minimize_finding(const std::function<void()>& body, const Params& params, const CheckOptions& options,
                         const Finding& found);

}  // namespace weft::check
