// The seeds table of docs/prediction.md: for each model of the "predict"
// group and each of N seeds, how many random executions run until the bug is
// first reported, with and without prediction; and how long the solver takes
// on executions of about 1000 events.
//
//   weft_bench_predict [--seeds 100] [--cap 20000] [--strategy random|pct] [--model NAME]...
//
// --strategy pct samples with PCT instead of uniform random scheduling (both
// columns then count PCT executions).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "weft/check.h"
#include "weft/model.h"
#include "weft/predict.h"
#include "weft/strategy.h"

namespace {

using weft::check::CheckOptions;

struct Row {
  std::string model;
  std::string kind;
  std::vector<double> without, with;  // executions until found (cap + 1 when never)
  std::size_t first_with = 0;         // seeds found from the first execution, with prediction
  std::size_t missed_without = 0;     // seeds random testing did not find within the cap
  std::size_t missed_with = 0;
  std::vector<double> solver;  // seconds per predicted execution of ~1000 events
  std::vector<double> events;
  std::uint64_t predictions = 0, unconfirmed = 0;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Executions until the first finding of `kind`; cap + 1 if none.
double until_found(const weft::check::Report& r, weft::FindingKind kind, std::uint64_t cap) {
  for (const auto& f : r.findings) {
    if (f.kind == kind) return static_cast<double>(f.execution);
  }
  return static_cast<double>(cap + 1);
}

// Parameters that make one execution about 1000 events long.
std::vector<std::pair<std::string, std::string>> long_params(const std::string& model) {
  if (model == "pipeline_count") return {{"items", "55"}};
  if (model == "lock_inversion_far") return {{"work", "330"}};
  if (model == "bank_transfer") return {{"n", "24"}, {"rounds", "5"}};
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seeds = 100;
  std::uint64_t cap = 20000;
  std::vector<std::string> names;
  std::string strategy = "random";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
      seeds = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--cap") == 0 && i + 1 < argc) {
      cap = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--strategy") == 0 && i + 1 < argc) {
      strategy = argv[++i];
      if (strategy != "random" && strategy != "pct") {
        std::fprintf(stderr, "--strategy must be random or pct\n");
        return 2;
      }
    } else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      names.emplace_back(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: %s [--seeds N] [--cap EXECUTIONS] [--strategy random|pct] [--model NAME]...\n",
                   argv[0]);
      return 2;
    }
  }
  if (names.empty()) names = {"pipeline_count", "lock_inversion_far", "bank_transfer"};
  std::vector<Row> rows;
  for (const std::string& name : names) {
    const weft::Model* m = weft::Registry::instance().find(name);
    if (m == nullptr || !m->expect.kind) {
      std::fprintf(stderr, "no buggy model named %s\n", name.c_str());
      return 2;
    }
    Row row;
    row.model = name;
    row.kind = std::string(weft::finding_name(*m->expect.kind));
    const weft::Params p = weft::resolve_params(*m, {});
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      CheckOptions o;
      o.strategy = strategy;
      o.seed = seed;
      o.max_executions = cap;
      o.minimize = false;
      const weft::check::Report plain = weft::check::run_check(*m, p, o);
      row.without.push_back(until_found(plain, *m->expect.kind, cap));
      row.missed_without += row.without.back() > static_cast<double>(cap) ? 1u : 0u;
      o.predict_every = 1;
      weft::predict::PredictOptions po;
      po.seed = seed;
      const weft::check::Report pred =
          weft::check::run_check(m->name, m->body, p, o, weft::predict::make_predictor(m->body, p, o, po));
      row.with.push_back(until_found(pred, *m->expect.kind, cap));
      row.first_with += row.with.back() == 1 ? 1u : 0u;
      row.missed_with += row.with.back() > static_cast<double>(cap) ? 1u : 0u;
      row.predictions += pred.stats.predictions;
      row.unconfirmed += pred.stats.unconfirmed_predictions;
    }
    // Solver time on executions of about 1000 events.
    const weft::Params lp = weft::resolve_params(*m, long_params(name));
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      weft::check::RandomStrategy s(seed);
      s.next();
      weft::detail::StackPool pool(256 * 1024);
      weft::ExecutionOptions eo;
      eo.params = &lp;
      std::vector<weft::Decision> schedule;
      std::uint64_t steps = 0;
      {
        weft::Execution x(s, pool, eo);
        weft::ExecutionResult r = x.run(m->body);
        schedule = std::move(r.schedule);
        steps = r.steps;
      }
      weft::predict::PredictOptions po;
      po.seed = seed;
      weft::predict::PredictOutcome out =
          weft::predict::predict_schedule(m->body, lp, CheckOptions{}, po, schedule);
      row.solver.push_back(out.stats.solver_seconds);
      row.events.push_back(static_cast<double>(steps));
    }
    rows.push_back(std::move(row));
    std::fprintf(stderr, "%s done\n", name.c_str());
  }
  std::printf(
      "strategy %s; seeds per model: %llu; executions capped at %llu (a seed that never finds the bug counts "
      "as "
      "cap + 1)\n\n",
      strategy.c_str(), static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(cap));
  std::printf(
      "| model | bug | median executions, %s | median executions, %s + prediction | found in the 1st "
      "execution with prediction | not found within the cap (without / with prediction) | speed-up of the "
      "median | predictions (unconfirmed) | events per long execution (median) | solver s per long execution "
      "(median / max) |\n",
      strategy.c_str(), strategy.c_str());
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& r : rows) {
    const double mw = median(r.without);
    const double mp = median(r.with);
    std::printf(
        "| %s | %s | %.1f | %.1f | %zu/%zu | %zu / %zu | %.0fx | %llu (%llu) | %.0f | %.3f / %.3f |\n",
        r.model.c_str(), r.kind.c_str(), mw, mp, r.first_with, r.with.size(), r.missed_without, r.missed_with,
        mp > 0 ? mw / mp : 0.0, static_cast<unsigned long long>(r.predictions),
        static_cast<unsigned long long>(r.unconfirmed), median(r.events), median(r.solver),
        r.solver.empty() ? 0.0 : *std::max_element(r.solver.begin(), r.solver.end()));
  }
  return 0;
}
