// Exhaustive exploration counts, pinned on programs small enough to count by
// hand, and the limits of a search (caps, --all, random walks).
//
// How steps turn into decisions: every visible operation is a step, and
// before each step the scheduler picks one of the goroutines that can move.
// A pick among one candidate is no decision, so DFS explores one execution
// per distinct order of the operations that can interleave. A goroutine's
// first step can only come after the `go` step that created it; code between
// two weft operations is local and never a scheduling point. choose(n) and a
// select with several ready cases add a decision with n options where they
// happen, without a scheduling point.
#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

#include "counting.h"
#include "weft/check.h"
#include "weft/weft.h"

namespace {

using weft::check::CheckOptions;
using weft::check::Report;
using weft::testing_support::binomial;
using weft::testing_support::dfs_options;

// These tests count the executions of the unreduced tree: exhaustive DFS
// (dfs_options).
Report explore(const std::function<void()>& body, CheckOptions o = dfs_options()) {
  o.all = true;
  return weft::check::run_check("inline", body, {}, o);
}

void stores(int k, const char* prefix) {
  for (int i = 0; i < k; ++i) {
    weft::Shared<int> v{prefix + std::to_string(i), 0};  // a fresh variable: independent of everything
    v.store(1);
  }
}

// main spawns A, then both do k stores: after the spawn, main's k stores and
// A's k stores interleave freely, and each order is one execution:
// C(2k, k). (The spawn itself is main's first step; nothing can precede it.)
TEST(ExhaustiveCounts, MainAndOneGoroutineOfKStepsEach) {
  for (int k = 1; k <= 5; ++k) {
    Report r = explore([k] {
      weft::go([k] { stores(k, "a"); });
      stores(k, "m");
    });
    EXPECT_TRUE(r.findings.empty());
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.stats.executions, binomial(2 * static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(k)))
        << "k = " << k;
  }
}

// main spawns A, then spawns B, then returns. A's k stores interleave with
// the chain (spawn B, B's k stores), whose order is fixed: C(2k+1, k).
TEST(ExhaustiveCounts, TwoSpawnedGoroutinesOfKStepsEach) {
  for (int k = 1; k <= 4; ++k) {
    Report r = explore([k] {
      weft::go([k] { stores(k, "a"); });
      weft::go([k] { stores(k, "b"); });
    });
    EXPECT_TRUE(r.findings.empty());
    EXPECT_TRUE(r.complete);
    const auto n = static_cast<std::uint64_t>(k);
    EXPECT_EQ(r.stats.executions, binomial(2 * n + 1, n)) << "k = " << k;
  }
}

// As above with a WaitGroup: wg.add(2) and go A come first (only main can
// move); A runs k stores and done (k+1 steps), the chain is spawn B, B's k
// stores and done (k+2 steps); wg.wait can only run last. C(2k+3, k+1).
TEST(ExhaustiveCounts, WaitGroupJoinAddsNoInterleavings) {
  for (int k = 0; k <= 3; ++k) {
    Report r = explore([k] {
      weft::WaitGroup wg{"wg"};
      wg.add(2);
      weft::go([=] {
        stores(k, "a");
        wg.done();
      });
      weft::go([=] {
        stores(k, "b");
        wg.done();
      });
      wg.wait();
    });
    EXPECT_TRUE(r.findings.empty());
    EXPECT_TRUE(r.complete);
    const auto n = static_cast<std::uint64_t>(k);
    EXPECT_EQ(r.stats.executions, binomial(2 * n + 3, n + 1)) << "k = " << k;
  }
}

// One goroutine alone has exactly one execution, however long it is.
TEST(ExhaustiveCounts, SequentialProgramHasOneExecution) {
  Report r = explore([] { stores(50, "m"); });
  EXPECT_EQ(r.stats.executions, 1u);
  EXPECT_EQ(r.stats.steps, 50u);
  EXPECT_TRUE(r.complete);
}

TEST(ExhaustiveCounts, ChooseBranchesMultiply) {
  std::set<std::pair<std::size_t, std::size_t>> seen;
  Report r = explore([&seen] {
    const std::size_t a = weft::choose(3);
    const std::size_t b = weft::choose(4);
    seen.insert({a, b});
  });
  EXPECT_EQ(r.stats.executions, 12u);
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_TRUE(r.complete);
}

TEST(ExhaustiveCounts, ChooseOfOneIsNoDecision) {
  Report r = explore([] { EXPECT_EQ(weft::choose(1), 0u); });
  EXPECT_EQ(r.stats.executions, 1u);
}

// choose() is not a scheduling point: main spawns A (one store) and then
// chooses at once, before anyone else can move. Two branches, and in each
// main's store and A's store interleave two ways: 4. (Were choose a
// scheduling point, A's store could also precede the choice: 6.)
TEST(ExhaustiveCounts, ChooseIsNotASchedulingPoint) {
  Report r = explore([] {
    weft::go([] { stores(1, "a"); });
    const std::size_t c = weft::choose(2);
    stores(1, c == 0 ? "m" : "n");
  });
  EXPECT_EQ(r.stats.executions, 4u);
}

TEST(ExhaustiveCounts, SelectWithTwoReadyChannelsExploresBoth) {
  std::set<int> fired;
  Report r = explore([&fired] {
    weft::Chan<int> a{"a", 1};
    weft::Chan<int> b{"b", 1};
    a.send(1);
    b.send(2);
    weft::select(weft::recv_case(a, [&](int v) { fired.insert(v); }),
                 weft::recv_case(b, [&](int v) { fired.insert(v); }));
  });
  EXPECT_EQ(r.stats.executions, 2u);
  EXPECT_EQ(fired, (std::set<int>{1, 2}));
}

TEST(ExhaustiveCounts, SelectWithOneReadyChannelIsNoDecision) {
  Report r = explore([] {
    weft::Chan<int> a{"a", 1};
    weft::Chan<int> b{"b", 1};
    a.send(1);
    weft::select(weft::recv_case(a), weft::recv_case(b));
  });
  EXPECT_EQ(r.stats.executions, 1u);
}

// A Lock of a held mutex is no candidate, so critical sections never
// overlap and DFS does not try orders that would need them to. main: add(2),
// go A, go B, wait. A and B: lock, two atomic steps, unlock, done.
//   A locks first (A's unlock precedes B's lock): spawn B goes in one of 4
//   slots before A's unlock, then A's done merges with B's 5 steps (6 ways):
//   24; or spawn B comes after A's unlock, and A's done merges with spawn B
//   and B's 5 steps (7 ways): 7. Together 31.
//   B locks first: spawn B, then B's lock..unlock, then A's 5 steps merge
//   with B's done: 6.
// 37 in all; wait can only run last.
TEST(ExhaustiveCounts, MutexCriticalSectionsDoNotInterleave) {
  int overlapping = 0;
  Report r = explore([&overlapping] {
    weft::Mutex mu{"mu"};
    weft::Atomic<int> inside{"inside", 0};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=, &overlapping] {
        mu.lock();
        if (inside.fetch_add(1) != 0) ++overlapping;
        inside.fetch_add(-1);
        mu.unlock();
        wg.done();
      });
    }
    wg.wait();
  });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(overlapping, 0);
  EXPECT_EQ(r.stats.executions, 37u);
}

// --- the limits of a search ---

TEST(SearchLimits, ExecutionCapStopsIncomplete) {
  const weft::Model* m = weft::Registry::instance().find("counter_mutex");
  ASSERT_NE(m, nullptr);
  CheckOptions o;
  o.strategy = "dfs";
  o.max_executions = 5;
  Report r = weft::check::run_check(*m, weft::resolve_params(*m, {{"n", "3"}}), o);
  EXPECT_EQ(r.stats.executions, 5u);
  EXPECT_FALSE(r.complete);
  EXPECT_NE(r.incomplete_reason.find("--max-executions"), std::string::npos) << r.incomplete_reason;
}

TEST(SearchLimits, TimeBudgetStopsIncomplete) {
  CheckOptions o;
  o.strategy = "dfs";
  o.time_budget = 0.05;
  Report r = explore(
      [] {
        for (int i = 0; i < 4; ++i) weft::go([] { stores(4, "g"); });
      },
      o);
  EXPECT_FALSE(r.complete);
  EXPECT_NE(r.incomplete_reason.find("--time-budget"), std::string::npos) << r.incomplete_reason;
}

TEST(SearchLimits, FirstFailureStopsTheSearch) {
  const weft::Model* m = weft::Registry::instance().find("lock_order");
  ASSERT_NE(m, nullptr);
  Report r = weft::check::run_check(*m, weft::resolve_params(*m, {}), dfs_options());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, weft::FindingKind::deadlock);
  EXPECT_EQ(r.findings[0].execution, r.stats.executions) << "the failing execution is the last one run";
  EXPECT_FALSE(r.complete);
}

TEST(SearchLimits, AllCollectsEachDistinctFindingOnce) {
  const weft::Model* m = weft::Registry::instance().find("lock_order");
  ASSERT_NE(m, nullptr);
  CheckOptions o;
  o.strategy = "dfs";
  o.all = true;
  Report r = weft::check::run_check(*m, weft::resolve_params(*m, {}), o);
  EXPECT_TRUE(r.complete);
  ASSERT_EQ(r.findings.size(), 1u) << "every deadlocking interleaving blocks at the same two sites";
  EXPECT_EQ(r.findings[0].kind, weft::FindingKind::deadlock);
  EXPECT_GT(r.stats.executions, r.findings[0].execution);
}

TEST(SearchLimits, RandomWalkRunsTheRequestedExecutions) {
  const weft::Model* m = weft::Registry::instance().find("counter_mutex");
  ASSERT_NE(m, nullptr);
  CheckOptions o;
  o.strategy = "dfs";
  o.strategy = "random";
  o.seed = 7;
  o.max_executions = 200;
  Report r = weft::check::run_check(*m, weft::resolve_params(*m, {}), o);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.executions, 200u);
  EXPECT_FALSE(r.complete) << "a random walk never proves anything complete";
}

TEST(SearchLimits, RandomWalkFindsTheLostUpdate) {
  const weft::Model* m = weft::Registry::instance().find("counter_race");
  ASSERT_NE(m, nullptr);
  CheckOptions o;
  o.strategy = "dfs";
  o.strategy = "random";
  o.seed = 1;
  o.max_executions = 1000;
  Report r = weft::check::run_check(*m, weft::resolve_params(*m, {}), o);
  ASSERT_TRUE(r.verdict().has_value());
  EXPECT_EQ(*r.verdict(), weft::FindingKind::lost_update);
}

}  // namespace
