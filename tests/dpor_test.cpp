// Bounded, partial-order-reduced and PCT exploration: counts worked out by
// hand on small programs, agreement with exhaustive DFS, and the execution
// counts the literature publishes for its benchmark families.
#include "weft/dpor.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "counting.h"
#include "sanitizers.h"
#include "weft/check.h"
#include "weft/weft.h"

namespace {

using weft::check::CheckOptions;
using weft::check::Report;
using weft::testing_support::binomial;
using weft::testing_support::dfs_options;
using weft::testing_support::factorial;

Report explore(const std::function<void()>& body, CheckOptions o) {
  o.all = true;
  o.minimize = false;
  return weft::check::run_check("inline", body, {}, o);
}

CheckOptions bounded(std::uint32_t k) {
  CheckOptions o;
  o.strategy = "dfs";
  o.max_preemptions = k;
  return o;
}

// main spawns A and then stores once; A stores three times. The four
// schedules place main's store before A's 1st, 2nd, 3rd store or after all:
//   m a a a: 0 preemptions   (main continues, then A)
//   a m a a: 2               (main preempted, then A preempted)
//   a a m a: 2
//   a a a m: 1               (main preempted; A finishes, switching back is free)
void spawn_and_store() {
  weft::Shared<int> x{"x", 0};
  weft::Shared<int> y{"y", 0};
  weft::go([=]() mutable {
    y.store(1);
    y.store(2);
    y.store(3);
  });
  x.store(1);
}

TEST(Bounded, CountsSchedulesByPreemptions) {
  EXPECT_EQ(explore(spawn_and_store, bounded(0)).stats.executions, 1u);
  EXPECT_EQ(explore(spawn_and_store, bounded(1)).stats.executions, 2u);
  EXPECT_EQ(explore(spawn_and_store, bounded(2)).stats.executions, 4u);
  EXPECT_EQ(explore(spawn_and_store, bounded(3)).stats.executions, 4u);
  EXPECT_EQ(explore(spawn_and_store, dfs_options()).stats.executions, 4u);
}

TEST(Bounded, CompleteOnlyWhenTheBoundKeptNothingOut) {
  EXPECT_FALSE(explore(spawn_and_store, bounded(1)).complete);
  EXPECT_TRUE(explore(spawn_and_store, bounded(2)).complete);
}

TEST(Bounded, ChoicesAreFree) {
  auto body = [] {
    const std::size_t c = weft::choose(3);
    spawn_and_store();
    (void)c;
  };
  EXPECT_EQ(explore(body, bounded(0)).stats.executions, 3u);
  EXPECT_EQ(explore(body, bounded(1)).stats.executions, 6u);
}

TEST(Bounded, FindsALostUpdateWithOnePreemption) {
  auto body = [] {
    weft::Shared<int> n{"n", 0};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=]() mutable {
        n++;
        wg.done();
      });
    }
    wg.wait();
  };
  Report r0 = explore(body, bounded(0));
  for (const auto& f : r0.findings) EXPECT_NE(f.kind, weft::FindingKind::lost_update);
  Report r1 = explore(body, bounded(1));
  bool lost = false;
  for (const auto& f : r1.findings) {
    if (f.kind != weft::FindingKind::lost_update) continue;
    lost = true;
    EXPECT_EQ(f.trace.preemptions, 1u);
  }
  EXPECT_TRUE(lost);
}

// --- published execution counts (Nidhugg, GenMC, POPL 2014), source-set DPOR ---

Report check_model(const char* name, const char* n, const std::string& strategy = "dpor") {
  const weft::Model* m = weft::Registry::instance().find(name);
  EXPECT_NE(m, nullptr) << name;
  CheckOptions o;
  o.strategy = strategy;
  o.all = true;
  o.minimize = false;
  std::vector<std::pair<std::string, std::string>> sets;
  if (n != nullptr) sets.emplace_back("n", n);
  return weft::check::run_check(*m, weft::resolve_params(*m, sets), o);
}

struct Published {
  const char* model;
  const char* n;
  std::uint64_t executions;
};

// Optimal DPOR (the default) explores exactly the published number of
// complete executions and abandons none; source sets explore the same
// complete executions plus some sleep-set-blocked ones.
TEST(DporCounts, MatchThePublishedNumbers) {
  const Published cases[] = {
      {"lastzero", "4", 28},
      {"lastzero", "5", 64},
      {"lastzero", "10", 3328},
      {"readers", "8", 256},
      {"inc", "2", 4},
      {"inc", "3", 36},
      {"inc", "4", 576},
      {"lockinc", "5", 120},
      {"lockinc", "6", 720},
      {"lockinc", "7", 5040},
      {"casrot", "2", 2},
      {"casrot", "3", 5},
      {"casrot", "4", 14},
      {"casrot", "5", 43},
      {"casrot", "6", 144},
      {"casrot", "7", 523},
      {"casrot", "8", 2048},
      {"casrot", "9", 8597},
      {"popl_example", nullptr, 5},
  };
  for (const char* strategy : {"dpor", "source-dpor"}) {
    for (const Published& c : cases) {
      const std::string what = std::string(strategy) + " " + c.model + " n=" + (c.n ? c.n : "-");
      Report r = check_model(c.model, c.n, strategy);
      EXPECT_TRUE(r.complete) << what;
      EXPECT_EQ(r.stats.executions, c.executions) << what;
      if (std::string(strategy) == "dpor") {
        EXPECT_EQ(r.stats.blocked_executions, 0u) << what;
      }
      EXPECT_TRUE(r.findings.empty()) << what;
    }
  }
}

// The larger published counts, under optimal DPOR only (seconds each; too
// slow under the sanitizers, whose build runs the smaller ones above).
TEST(DporCounts, MatchTheLargerPublishedNumbers) {
  if (under_asan) GTEST_SKIP() << "slow under AddressSanitizer";
  const Published cases[] = {{"readers", "13", 8192}, {"lastzero", "15", 147456}};
  for (const Published& c : cases) {
    Report r = check_model(c.model, c.n, "dpor");
    EXPECT_TRUE(r.complete) << c.model;
    EXPECT_EQ(r.stats.executions, c.executions) << c.model << " n=" << c.n;
    EXPECT_EQ(r.stats.blocked_executions, 0u) << c.model << " n=" << c.n;
  }
}

TEST(DporCounts, PoplExampleBlocksNoneWithWakeupTrees) {
  Report r = check_model("popl_example", nullptr, "dpor");
  EXPECT_EQ(r.stats.executions, 5u);
  EXPECT_EQ(r.stats.blocked_executions, 0u);
}

TEST(DporCounts, PoplExampleBlocksFiveWithSourceSets) {
  // The paper: source sets explore 10 executions, 5 of them sleep-set blocked.
  Report r = check_model("popl_example", nullptr, "source-dpor");
  EXPECT_EQ(r.stats.executions, 5u);
  EXPECT_EQ(r.stats.blocked_executions, 5u);
}

TEST(DporCounts, FibBench) {
  if (under_asan)
    GTEST_SKIP() << "218,243 executions: 20 s under AddressSanitizer; the normal build checks the count";
  Report r = check_model("fib_bench", nullptr, "dpor");
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.stats.executions, 218243u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(DporCounts, FibBenchWrongFindsTheAssertion) {
  const weft::Model* m = weft::Registry::instance().find("fib_bench_wrong");
  ASSERT_NE(m, nullptr);
  CheckOptions o;
  o.strategy = "source-dpor";
  Report r = weft::check::run_check(*m, weft::resolve_params(*m, {}), o);
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings.front().kind, weft::FindingKind::assertion);
}

// DPOR and DFS agree on the verdict and DPOR explores no more, on models with
// channels, select, WaitGroup and mutexes.
TEST(DporCounts, AgreesWithDfsOnGoFamilies) {
  for (const char* name : {"lock_order", "main_recv_nobody"}) {
    Report dfs = check_model(name, nullptr, "dfs");
    Report dpor = check_model(name, nullptr);
    ASSERT_EQ(dfs.findings.empty(), dpor.findings.empty()) << name;
    if (!dfs.findings.empty()) {
      EXPECT_EQ(dfs.findings.front().kind, dpor.findings.front().kind) << name;
    }
    EXPECT_LE(dpor.stats.executions, dfs.stats.executions) << name;
  }
}

// The lastzero family (n = 4: 28 executions) with `pad` other goroutines,
// each writing an atomic of its own, between its writers and its reader:
// the reader's id comes after theirs. Its count rests on the vector clocks
// (a writer's load and store are ordered by program order, the reader's
// loads too), and with 30 goroutines in between the reader's clocks hold
// more entries than fit in a clock itself and move to the heap, and a
// writer's clock joins one of them when its store races with a load of the
// reader. The count must be the same with few and with many goroutines in
// between, with wakeup trees and with source sets, on one thread and split
// across two.
Report lastzero_around(std::size_t pad, const char* strategy, std::uint32_t jobs) {
  auto body = [pad] {
    std::vector<weft::Atomic<int>> own;
    own.reserve(pad);
    for (std::size_t i = 0; i < pad; ++i) own.emplace_back("own", 0);
    constexpr std::size_t n = 4;
    auto a = std::make_shared<std::vector<weft::Atomic<int>>>();
    for (std::size_t i = 0; i <= n; ++i) a->emplace_back("a", 0);
    for (std::size_t j = 1; j <= n; ++j) weft::go([=] { (*a)[j].store((*a)[j - 1].load() + 1); });
    for (std::size_t i = 0; i < pad; ++i) weft::go([s = own[i]]() mutable { s.store(1); });
    weft::go([=] {
      for (std::size_t i = n; (*a)[i].load() != 0; --i) {
      }
    });
  };
  CheckOptions o;
  o.strategy = strategy;
  o.jobs = jobs;
  o.split_eagerly = jobs > 1;  // hand out every branch that can go: many tasks, each with a copied path
  return explore(body, o);
}

TEST(DporCounts, ClocksLargerThanTheirOwnStorage) {
  for (const char* strategy : {"dpor", "source-dpor"}) {
    for (std::size_t pad : {0u, 30u}) {
      for (std::uint32_t jobs : {1u, 2u}) {
        Report r = lastzero_around(pad, strategy, jobs);
        EXPECT_TRUE(r.complete) << strategy << " pad " << pad << " jobs " << jobs;
        EXPECT_EQ(r.stats.executions, 28u) << strategy << " pad " << pad << " jobs " << jobs;
        EXPECT_TRUE(r.findings.empty()) << strategy << " pad " << pad << " jobs " << jobs;
      }
    }
  }
}

TEST(DporCounts, PhilosophersDeadlockAndFixed) {
  Report bad = check_model("philosophers", "5");
  bool deadlock = false;
  for (const auto& f : bad.findings) deadlock = deadlock || f.kind == weft::FindingKind::deadlock;
  EXPECT_TRUE(deadlock);
  Report fixed = check_model("philosophers_fixed", "6");
  EXPECT_TRUE(fixed.complete);
  EXPECT_TRUE(fixed.findings.empty());
}

TEST(Pct, FindsTheLostUpdateAndReplays) {
  auto body = [] {
    weft::Shared<int> n{"n", 0};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=]() mutable {
        n++;
        wg.done();
      });
    }
    wg.wait();
  };
  CheckOptions o;
  o.strategy = "pct";
  o.pct_depth = 2;
  o.seed = 7;
  o.max_executions = 2000;
  o.minimize = false;
  Report r = weft::check::run_check("inline", body, {}, o);
  const weft::check::Finding* lost = nullptr;
  for (const auto& f : r.findings) {
    if (f.kind == weft::FindingKind::lost_update) lost = &f;
  }
  ASSERT_NE(lost, nullptr);
  auto rep = weft::check::replay_schedule(body, {}, o, lost->trace.schedule);
  EXPECT_TRUE(rep.divergence.empty()) << rep.divergence;
}

// Go families, with counts derived by hand (docs/exploration.md) and checked
// next to exhaustive DFS, which must reach the same verdict:
// - n senders, main receives n times: every channel step conflicts, so a
//   class is an order of the 2n channel steps (n sends in any of n! orders,
//   n receives) in which main never has two receives parked: the prefixes
//   with at most one more receive than sends, C(2n,n) - C(2n,n-2) words.
//   A buffered channel has the same steps (a send that finds the buffer full
//   parks in one step, as an unbuffered one does), so the same count.
// - WaitGroup fan-in: the n fetch_adds in any order and, independently, the n
//   Done calls in any order: (n!)^2; main's Wait comes after all of them.
// - select over two ready channels: one execution per case.
std::uint64_t senders_classes(std::uint64_t n) {
  return (binomial(2 * n, n) - (n >= 2 ? binomial(2 * n, n - 2) : 0)) * factorial(n);
}

TEST(DporCounts, GoFamiliesAgainstDfs) {
  struct Case {
    const char* model;
    std::vector<std::pair<std::string, std::string>> sets;
    std::uint64_t dfs;
    std::uint64_t classes;
  };
  const Case cases[] = {
      {"senders_unbuffered", {{"n", "2"}}, 13, senders_classes(2)},
      {"senders_unbuffered", {{"n", "3"}}, 150, senders_classes(3)},
      {"senders_buffered", {{"n", "3"}, {"k", "1"}}, 150, senders_classes(3)},
      {"senders_buffered", {{"n", "3"}, {"k", "2"}}, 150, senders_classes(3)},
      {"select_two_ready", {}, 2, 2},
      {"wg_fan_in", {{"n", "2"}}, 10, factorial(2) * factorial(2)},
      {"wg_fan_in", {{"n", "3"}}, 280, factorial(3) * factorial(3)},
      {"philosophers_fixed", {{"n", "3"}}, 69336, 36},
  };
  EXPECT_EQ(senders_classes(2), 10u);
  EXPECT_EQ(senders_classes(3), 84u);
  for (const Case& c : cases) {
    const weft::Model* m = weft::Registry::instance().find(c.model);
    ASSERT_NE(m, nullptr) << c.model;
    CheckOptions o;
    o.all = true;
    o.minimize = false;
    o.strategy = "dfs";
    Report dfs = weft::check::run_check(*m, weft::resolve_params(*m, c.sets), o);
    EXPECT_EQ(dfs.stats.executions, c.dfs) << c.model;
    for (const char* strategy : {"dpor", "source-dpor"}) {
      o.strategy = strategy;
      Report dpor = weft::check::run_check(*m, weft::resolve_params(*m, c.sets), o);
      EXPECT_EQ(dpor.stats.executions, c.classes) << c.model << " " << strategy;
      EXPECT_EQ(dfs.findings.size(), dpor.findings.size()) << c.model << " " << strategy;
      EXPECT_TRUE(dpor.complete) << c.model << " " << strategy;
    }
  }
}

TEST(DporCounts, PhilosophersThreeDeadlockUnderBoth) {
  Report dfs = check_model("philosophers", "3", "dfs");
  Report dpor = check_model("philosophers", "3");
  ASSERT_FALSE(dpor.findings.empty());
  EXPECT_EQ(dpor.findings.front().kind, weft::FindingKind::deadlock);
  EXPECT_EQ(dfs.findings.front().kind, weft::FindingKind::deadlock);
  EXPECT_EQ(dpor.stats.executions, 37u);
}

}  // namespace
