// Predict from one execution, confirm by running, report what was confirmed.
#include "weft/predict.h"

#include <z3++.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "encoding.h"
#include "prefix_strategy.h"
#include "trace_model.h"
#include "weft/execution.h"
#include "weft/minimize.h"

namespace weft::predict {

namespace {

using Clock = std::chrono::steady_clock;

ExecutionOptions exec_options(const Params& params, const check::CheckOptions& options, bool record) {
  ExecutionOptions eo;
  eo.max_steps = options.max_steps;
  eo.max_goroutines = options.max_goroutines;
  eo.record = record;
  eo.params = &params;
  return eo;
}

struct Recorded {
  ExecutionResult result;
  std::vector<ChoiceRecord> choices;
  std::string divergence;
};

// Re-runs a schedule with recording on, noting who made each program choice.
Recorded record(const std::function<void()>& body, const Params& params, const check::CheckOptions& options,
                const std::vector<Decision>& schedule) {
  Recorded out;
  check::ReplayStrategy replay(schedule);
  replay.next();
  ChoiceTap tap(replay);
  detail::StackPool pool(options.stack_size);
  Execution x(tap, pool, exec_options(params, options, true));
  out.result = x.run(body);
  out.choices = tap.choices();
  out.divergence = replay.error();
  return out;
}

std::string finding_key(const check::Finding& f) {
  std::string k(finding_name(f.kind));
  std::vector<std::string> sites;
  for (const check::SourceRef& s : f.locations) sites.push_back(s.file + ":" + std::to_string(s.line));
  std::sort(sites.begin(), sites.end());
  for (const std::string& s : sites) k += "|" + s;
  return k;
}

// Runs the predicted prefix, then replays the run's own schedule with the
// detectors: the finding counts only if the replay shows it.
std::optional<check::Finding> confirm(const std::function<void()>& body, const Params& params,
                                      const check::CheckOptions& options, std::vector<GoroutineId> picks,
                                      const std::vector<ChoiceRecord>& choices, const Query& q,
                                      std::uint64_t seed) {
  PrefixStrategy strategy(std::move(picks), choices, seed);
  strategy.next();
  detail::StackPool pool(options.stack_size);
  std::vector<Decision> schedule;
  {
    Execution x(strategy, pool, exec_options(params, options, false));
    schedule = x.run(body).schedule;
  }
  check::ReplayOutcome rep = check::replay_schedule(body, params, options, schedule);
  if (!rep.divergence.empty()) return std::nullopt;
  // A lock-order cycle blocks its goroutines for good: main then blocks too
  // (deadlock) or returns and leaves them behind (leak). Both confirm it.
  const bool cycle = !q.blocked_at.empty();
  for (check::Finding& f : rep.findings) {
    if (f.kind == q.finding() || (cycle && f.kind == FindingKind::goroutine_leak)) return std::move(f);
  }
  return std::nullopt;
}

}  // namespace

PredictOutcome predict_schedule(const std::function<void()>& body, const Params& params,
                                const check::CheckOptions& options, const PredictOptions& popts,
                                const std::vector<Decision>& schedule) {
  PredictOutcome out;
  Recorded rec = record(body, params, options, schedule);
  if (!rec.divergence.empty()) {
    out.skipped = "the execution did not replay: " + rec.divergence;
    return out;
  }
  TraceModel t;
  std::string error;
  if (!build_trace_model(rec.result, t, error)) {
    out.skipped = "internal error: " + error;
    return out;
  }
  const std::size_t window = std::max<std::size_t>(popts.window, 2);
  const std::size_t stride = window / 2;
  std::set<std::string> done_keys;
  std::set<std::string> reported;
  std::set<FindingKind> confirmed_kinds;
  for (std::size_t begin = 0;; begin += stride) {
    const std::size_t end = std::min(begin + window, t.picks);
    const auto built = Clock::now();
    std::vector<Query> queries = make_queries(t, begin, end, popts.per_site, out.stats.candidates);
    // Once a deadlock (leak) is confirmed, the queries without a hint for
    // the same kind have nothing left to add.
    std::erase_if(queries, [&](const Query& q) {
      if (done_keys.count(q.key) > 0) return true;
      return (q.key == "deadlock|any" && confirmed_kinds.count(FindingKind::deadlock)) ||
             (q.key == "leak|any" && confirmed_kinds.count(FindingKind::goroutine_leak));
    });
    if (!queries.empty()) {
      ++out.stats.windows;
      out.stats.events += end - begin;
      z3::context ctx;
      z3::solver solver(ctx);
      z3::params p(ctx);
      p.set("timeout", popts.solver_timeout_ms);
      solver.set(p);
      WindowEncoding enc(ctx, t, begin, end, queries);
      enc.add_base(solver);
      // Building the encoding counts as solver time.
      out.stats.solver_seconds += std::chrono::duration<double>(Clock::now() - built).count();
      for (std::size_t i = 0; i < queries.size(); ++i) {
        const Query& q = queries[i];
        if (done_keys.count(q.key)) continue;
        if ((q.key == "deadlock|any" && confirmed_kinds.count(FindingKind::deadlock)) ||
            (q.key == "leak|any" && confirmed_kinds.count(FindingKind::goroutine_leak))) {
          continue;
        }
        z3::expr lit = ctx.bool_const(("query" + std::to_string(i)).c_str());
        solver.add(z3::implies(lit, enc.formula(q)));
        z3::expr_vector assumptions(ctx);
        assumptions.push_back(lit);
        enc.keep_literals(q, assumptions);
        ++out.stats.queries;
        const auto before = Clock::now();
        const z3::check_result res = solver.check(assumptions);
        out.stats.solver_seconds += std::chrono::duration<double>(Clock::now() - before).count();
        if (std::getenv("WEFT_PREDICT_DEBUG") != nullptr) {
          std::fprintf(stderr, "query %s: %s in %.3f s\n", q.key.c_str(),
                       res == z3::sat     ? "sat"
                       : res == z3::unsat ? "unsat"
                                          : "unknown",
                       std::chrono::duration<double>(Clock::now() - before).count());
        }
        if (res == z3::unknown) {
          ++out.stats.unknown;
          continue;
        }
        if (res != z3::sat) continue;
        ++out.stats.predictions;
        std::vector<std::size_t> order = enc.order(solver.get_model(), q);
        std::vector<GoroutineId> picks;
        picks.reserve(order.size());
        for (std::size_t e : order) picks.push_back(t.events[e].g);
        std::optional<check::Finding> f =
            confirm(body, params, options, std::move(picks), rec.choices, q, popts.seed);
        if (!f) {
          ++out.stats.unconfirmed;
          continue;
        }
        ++out.stats.confirmed;
        done_keys.insert(q.key);
        confirmed_kinds.insert(f->kind);
        if (reported.insert(finding_key(*f)).second) out.findings.push_back(std::move(*f));
        if (popts.first_only) break;
      }
    }
    if (popts.first_only && !out.findings.empty()) break;
    if (end >= t.picks) break;
  }
  return out;
}

check::Report run_predict(const std::string& name, const std::function<void()>& body, const Params& params,
                          const check::CheckOptions& options, const PredictOptions& popts,
                          PredictStats* stats_out) {
  const auto start = Clock::now();
  check::Report report = check::Report::of(name, params, options);
  report.strategy = "random";
  report.options.strategy = "random";

  // One execution with the random strategy and the given seed.
  check::RandomStrategy random(options.seed);
  random.next();
  std::vector<Decision> schedule;
  {
    detail::StackPool pool(options.stack_size);
    Execution x(random, pool, exec_options(params, options, false));
    ExecutionResult r = x.run(body);
    schedule = std::move(r.schedule);
    report.stats.executions = 1;
    report.stats.steps = r.steps;
  }
  // What that execution shows by itself.
  check::ReplayOutcome seen = check::replay_schedule(body, params, options, schedule);
  if (!seen.divergence.empty()) {
    throw check::ModelError("the model is not deterministic: replaying its execution " + seen.divergence);
  }
  std::set<std::string> keys;
  bool ended = false;
  for (check::Finding& f : seen.findings) {
    if (!keys.insert(finding_key(f)).second) continue;
    ended = ended || f.kind != FindingKind::data_race;
    f.execution = 1;
    report.findings.push_back(std::move(f));
  }
  PredictStats stats;
  if (!(ended && popts.first_only)) {
    PredictOutcome out = predict_schedule(body, params, options, popts, schedule);
    stats = out.stats;
    for (check::Finding& f : out.findings) {
      if (!keys.insert(finding_key(f)).second) continue;
      f.execution = 1;
      report.findings.push_back(std::move(f));
    }
    if (!out.skipped.empty()) report.incomplete_reason = "prediction skipped: " + out.skipped;
  }
  // As check does: the smallest counterexample of each finding (a bounded
  // search for the same finding; the result is a real run and replays).
  if (options.minimize) {
    for (check::Finding& f : report.findings) f = check::minimize_finding(body, params, options, f);
  }
  report.stats.predictions = stats.predictions;
  report.stats.unconfirmed_predictions = stats.unconfirmed;
  if (report.incomplete_reason.empty()) {
    report.incomplete_reason = "prediction covers the reorderings of one execution, not every execution";
  }
  report.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stats_out != nullptr) *stats_out = stats;
  return report;
}

check::Predictor make_predictor(const std::function<void()>& body, const Params& params,
                                const check::CheckOptions& options, const PredictOptions& popts) {
  return [body, params, options, popts](const std::vector<Decision>& schedule, check::Stats& stats) {
    PredictOutcome out = predict_schedule(body, params, options, popts, schedule);
    stats.predictions += out.stats.predictions;
    stats.unconfirmed_predictions += out.stats.unconfirmed;
    return std::move(out.findings);
  };
}

}  // namespace weft::predict
