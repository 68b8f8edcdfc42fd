// Soundness by difference: on generated programs, partial-order reduction
// must reach exactly the outcomes exhaustive DFS reaches (finding kinds, the
// final value of every variable, the goroutines left blocked).
#include <gtest/gtest.h>

#include <string>

#include "progen.h"
#include "sanitizers.h"

namespace {

using weft::progen::explore;
using weft::progen::generate;

class Soundness : public ::testing::TestWithParam<const char*> {};

TEST_P(Soundness, ReachesEveryOutcomeOfDfs) {
  const std::string strategy = GetParam();
  // 300 programs; the sanitized build (about ten times slower) runs the first 50.
  const int programs = under_asan ? 50 : 300;
  int compared = 0;
  std::uint64_t dfs_total = 0;
  std::uint64_t dpor_total = 0;
  for (std::uint64_t seed = 1; compared < programs; ++seed) {
    const weft::progen::Program p = generate(seed);
    const auto dfs = explore(p, "dfs", 3000);
    if (!dfs.complete) continue;  // too large to enumerate here; the soak takes those too
    const auto dpor = explore(p, strategy, 3000);
    ASSERT_TRUE(dpor.complete);
    ASSERT_EQ(dfs.seen, dpor.seen) << "seed " << seed << "\n" << weft::progen::to_string(p);
    EXPECT_LE(dpor.executions, dfs.executions) << "seed " << seed;
    dfs_total += dfs.executions;
    dpor_total += dpor.executions;
    ++compared;
  }
  // The reduction must actually reduce something on these programs.
  EXPECT_LT(dpor_total, dfs_total);
}

INSTANTIATE_TEST_SUITE_P(Reductions, Soundness, ::testing::Values("dpor", "source-dpor"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           return std::string(i.param) == "dpor" ? "OptimalDpor" : "SourceDpor";
                         });

}  // namespace
