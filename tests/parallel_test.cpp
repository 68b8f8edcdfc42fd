// Parallel exploration gives what one thread gives: the same counts, the
// same findings, numbered by the same executions, with the same counterexamples.
#include "weft/parallel.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "same_report.h"
#include "sanitizers.h"
#include "weft/check.h"
#include "weft/model.h"

namespace {

using weft::check::CheckOptions;
using weft::check::Report;

// counter_race with 3 goroutines is 16,016 executions. Under ThreadSanitizer
// each goroutine's fiber gets a fresh TSan state, which makes that many
// executions take many minutes (scripts/tsan); 2 goroutines (56 executions,
// still split across the threads) keep the same checks to about a minute.
constexpr std::int64_t race_n = under_tsan ? 2 : 3;

Report check_model(const char* name, std::int64_t n, CheckOptions o) {
  const weft::Model* m = weft::Registry::instance().find(name);
  EXPECT_NE(m, nullptr) << name;
  std::vector<std::pair<std::string, std::string>> sets;
  if (n > 0) sets.emplace_back("n", std::to_string(n));
  o.minimize = false;
  return weft::check::run_check(*m, weft::resolve_params(*m, sets), o);
}

TEST(Parallel, AppliesToCompleteDfsSearchesOnly) {
  CheckOptions o;
  o.strategy = "dfs";
  o.jobs = 2;
  EXPECT_TRUE(weft::check::parallel_applies(o));
  o.strategy = "random";
  EXPECT_FALSE(weft::check::parallel_applies(o));
  o.strategy = "dfs";
  o.max_executions = 10;
  EXPECT_FALSE(weft::check::parallel_applies(o));
  o.max_executions = 0;
  o.jobs = 1;
  EXPECT_FALSE(weft::check::parallel_applies(o));
  EXPECT_GE(weft::check::default_jobs(), 1u);
}

TEST(Parallel, JobsGiveTheCountsAndFindingsOfOneThreadWithAll) {
  struct Case {
    const char* model;
    std::int64_t n;
  };
  for (const Case& c : {Case{"counter_race", race_n}, Case{"philosophers", 2}, Case{"philosophers_fixed", 2},
                        Case{"locked_lost_update", 0}, Case{"lock_order", 0}, Case{"counter_mutex", 2}}) {
    CheckOptions o;
    o.strategy = "dfs";
    o.all = true;
    const Report one = check_model(c.model, c.n, o);
    for (std::uint32_t jobs : {2u, 3u}) {
      o.jobs = jobs;
      const Report many = check_model(c.model, c.n, o);
      expect_same_report(one, many, std::string(c.model) + " with " + std::to_string(jobs) + " jobs");
    }
  }
}

TEST(Parallel, WithoutAllTheFirstFailingExecutionIsTheSingleThreadedOne) {
  for (const char* model : {"philosophers", "counter_race", "leak_two_senders"}) {
    CheckOptions o;
    o.strategy = "dfs";
    const Report one = check_model(model, 0, o);
    ASSERT_FALSE(one.findings.empty()) << model;
    o.jobs = 2;
    expect_same_report(one, check_model(model, 0, o), std::string(model) + " with 2 jobs");
  }
}

TEST(Parallel, ShardsAndJobsTogetherStillSumToTheWhole) {
  CheckOptions o;
  o.strategy = "dfs";
  o.all = true;
  const Report whole = check_model("counter_race", race_n, o);
  std::uint64_t sum = 0;
  for (std::uint32_t i = 0; i < 3; ++i) {
    CheckOptions s = o;
    s.shard_index = i;
    s.shard_count = 3;
    s.jobs = 2;
    sum += check_model("counter_race", race_n, s).stats.executions;
  }
  EXPECT_EQ(sum, whole.stats.executions);
}

}  // namespace
