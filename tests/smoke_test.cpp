#include <gtest/gtest.h>

#include "weft/check.h"

TEST(Smoke, CounterRaceFindsLostUpdate) {
  const weft::Model* m = weft::Registry::instance().find("counter_race");
  ASSERT_NE(m, nullptr);
  weft::check::CheckOptions o;
  auto r = weft::check::run_check(*m, weft::resolve_params(*m, {}), o);
  ASSERT_TRUE(r.verdict());
  EXPECT_EQ(*r.verdict(), weft::FindingKind::lost_update);
}
