// Soundness by difference: on generated programs, partial-order reduction
// must reach exactly the outcomes exhaustive DFS reaches (finding kinds, the
// final value of every variable, the goroutines left blocked).
#include <gtest/gtest.h>

#include "progen.h"

namespace {

using weft::progen::explore;
using weft::progen::generate;

TEST(Soundness, SourceDporReachesEveryOutcomeOfDfs) {
  int compared = 0;
  std::uint64_t dfs_total = 0;
  std::uint64_t dpor_total = 0;
  for (std::uint64_t seed = 1; compared < 300; ++seed) {
    const weft::progen::Program p = generate(seed);
    const auto dfs = explore(p, "dfs", 3000);
    if (!dfs.complete) continue;  // too large to enumerate here; the soak takes those too
    const auto dpor = explore(p, "source-dpor", 3000);
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

}  // namespace

