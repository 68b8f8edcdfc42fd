// Replays of arbitrary schedules (what fuzz/replay_fuzz.cpp feeds the real
// models): whatever a schedule says, the execution that ran must replay from
// its own trace to the same trace, and its report must round-trip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "weft/check.h"
#include "weft/report_json.h"
#include "weft/weft.h"

namespace {

using weft::Decision;
using weft::check::CheckOptions;
using weft::check::ReplayOutcome;

ReplayOutcome replay(const weft::Model& m, const std::vector<Decision>& schedule) {
  CheckOptions o;
  o.max_steps = 2000;
  return weft::check::replay_schedule(m.body, weft::resolve_params(m, {}), o, schedule);
}

void expect_replays_to_itself(const weft::Model& m, const std::vector<Decision>& schedule) {
  const ReplayOutcome first = replay(m, schedule);
  const ReplayOutcome again = replay(m, first.trace.schedule);
  EXPECT_EQ(again.divergence, "") << m.name;
  EXPECT_EQ(again.trace.preemptions, first.trace.preemptions) << m.name;
  EXPECT_TRUE(again.trace == first.trace) << m.name;
  EXPECT_TRUE(again.findings == first.findings) << m.name;
}

// Found by the replay harness (an empty schedule for pipeline_count): after a
// divergence the replay went on with the first enabled goroutine but stopped
// counting preemptions, so the trace said 0 where its own schedule has 20.
TEST(ReplayFuzz, ADivergedReplayCountsThePreemptionsOfWhatRan) {
  const weft::Model* m = weft::Registry::instance().find("pipeline_count");
  ASSERT_NE(m, nullptr);
  const ReplayOutcome first = replay(*m, {});
  EXPECT_NE(first.divergence, "");
  EXPECT_EQ(first.trace.preemptions, 20u);
  expect_replays_to_itself(*m, {});
}

TEST(ReplayFuzz, EveryModelReplaysWhatRanAfterADivergence) {
  const std::vector<Decision> nonsense = {{Decision::Kind::pick, 1},
                                          {Decision::Kind::choice, 3},
                                          {Decision::Kind::pick, 7},
                                          {Decision::Kind::pick, 0}};
  for (const weft::Model& m : weft::Registry::instance().all()) {
    if (m.group == "fault") continue;
    expect_replays_to_itself(m, {});
    expect_replays_to_itself(m, nonsense);
  }
}

}  // namespace
