// Parallel DPOR, optimal and with source sets (checker/dpor.cpp,
// checker/check.cpp), gives what one thread gives, byte for byte: the same executions, the same blocked
// executions and steps, the same findings numbered by the same executions,
// with the same counterexamples. "Eager" runs hand a branch to another
// thread at every chance instead of only when a thread is idle, so that
// small searches go through the hand-over, the records a task leaves for
// the search that handed it out, and the cancelling of a task whose branch
// grew after it started.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "progen.h"
#include "same_report.h"
#include "sanitizers.h"
#include "weft/check.h"
#include "weft/model.h"
#include "weft/report_json.h"

namespace {

using weft::check::CheckOptions;
using weft::check::Report;

std::string model_json(const std::string& name, const std::vector<std::pair<std::string, std::string>>& sets,
                       const CheckOptions& o) {
  const weft::Model* m = weft::Registry::instance().find(name);
  EXPECT_NE(m, nullptr) << name;
  if (m == nullptr) return {};
  const Report r = weft::check::run_check(*m, weft::resolve_params(*m, sets), o);
  return weft::check::report_to_json(r, /*timings=*/false);
}

CheckOptions dpor_options(bool all, const std::string& strategy = "dpor") {
  CheckOptions o;
  o.strategy = strategy;
  o.all = all;
  o.minimize = false;  // the same with or without threads; tested apart
  return o;
}

struct Case {
  std::string model;
  std::vector<std::pair<std::string, std::string>> sets;
};

class ParallelDporModels : public ::testing::TestWithParam<const char*> {};

TEST_P(ParallelDporModels, GiveTheBytesOfOneThread) {
  // Races, lost updates, deadlocks with mutexes and with channels, a leak,
  // select, goroutines blocked on mutexes (philosophers), the literature
  // families (the failing assertion of fib_bench_wrong: the test below).
  const std::vector<Case> cases = {
      {"counter_race", {{"n", "3"}}},
      {"lock_order", {}},
      {"leak_two_senders", {}},
      {"philosophers", {{"n", under_sanitizer ? "2" : "3"}}},
      {"philosophers_fixed", {{"n", "3"}}},
      {"sum_shared", {}},
      {"select_two_ready", {}},
      {"senders_buffered", {{"n", "3"}}},
      {"lastzero", {{"n", under_sanitizer ? "5" : "8"}}},
      {"lockinc", {{"n", "4"}}},
      {"casrot", {{"n", "5"}}},
      {"popl_example", {}},
  };
  for (bool all : {false, true}) {
    for (const Case& c : cases) {
      CheckOptions o = dpor_options(all, GetParam());
      const std::string one = model_json(c.model, c.sets, o);
      ASSERT_FALSE(one.empty()) << c.model;
      for (std::uint32_t jobs : {2u, 3u}) {
        // Eagerly, eagerly with every prediction of a running branch's
        // accesses wrong (what was handed out on one is explored again),
        // and eagerly with branches handed out while they still grow
        // (their tasks voided when they grow again).
        for (int mode : {0, 1, 2, 3}) {
          o.jobs = jobs;
          o.split_eagerly = mode > 0;
          o.wrong_predictions = mode == 2;
          o.always_starved = mode == 3;
          EXPECT_EQ(model_json(c.model, c.sets, o), one)
              << c.model << " jobs " << jobs << (mode > 0 ? " eager" : "")
              << (mode == 2 ? " wrong predictions" : "") << (mode == 3 ? " always starved" : "")
              << (all ? " --all" : "");
        }
      }
    }
  }
}

TEST(ParallelDpor, TheCounterexampleAfterMinimizationIsTheSame) {
  CheckOptions o = dpor_options(false);
  o.minimize = true;
  o.minimize_seconds = 0;  // no clock in the result
  std::vector<const char*> models = {"lock_order", "counter_race"};
  if (!under_sanitizer) models.push_back("fib_bench_wrong");  // its minimization runs 20,000 executions twice
  for (const char* model : models) {
    const std::string one = model_json(model, {}, o);
    o.jobs = 2;
    o.split_eagerly = true;
    EXPECT_EQ(model_json(model, {}, o), one) << model;
    o.jobs = 1;
    o.split_eagerly = false;
  }
}

// Generated programs over every primitive (tests/progen.h): locks, RW locks,
// channels of any capacity, select with and without default, Once, Cond,
// WaitGroup and choices inside the program (steps with variants).
TEST_P(ParallelDporModels, GeneratedProgramsGiveWhatOneThreadGives) {
  const int programs = under_sanitizer ? 40 : 200;
  std::uint64_t executions = 0;
  for (std::uint64_t seed = 1; seed <= static_cast<std::uint64_t>(programs); ++seed) {
    const weft::progen::Program p = weft::progen::generate(seed);
    const std::function<void()> body = [&p] { weft::progen::run(p); };
    for (bool all : {true, false}) {
      CheckOptions o = dpor_options(all, GetParam());
      o.max_steps = 2000;
      const Report one = weft::check::run_check("generated", body, {}, o);
      if (one.stats.executions > 5000) break;  // big ones: the soak (weft_soak) has time for them
      executions += one.stats.executions;
      o.jobs = 3;
      o.split_eagerly = true;
      o.wrong_predictions = seed % 2 == 0;  // half of them with every prediction wrong
      o.always_starved = seed % 3 == 0;     // a third with growing branches handed out
      expect_same_report(one, weft::check::run_check("generated", body, {}, o),
                         "seed " + std::to_string(seed) + (all ? " --all" : "") +
                             (o.wrong_predictions ? " wrong predictions" : "") +
                             (o.always_starved ? " always starved" : "") + "\n" + weft::progen::to_string(p));
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(executions, 1000u);
}

INSTANTIATE_TEST_SUITE_P(Reductions, ParallelDporModels, ::testing::Values("dpor", "source-dpor"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           return std::string(i.param) == "dpor" ? "OptimalDpor" : "SourceDpor";
                         });

}  // namespace
