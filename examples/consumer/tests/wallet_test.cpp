// The wallet's unit tests: each states the verdict weft must reach over every
// interleaving of the program.
#include "wallet.h"

#include <gtest/gtest.h>

#include "weft/gtest.h"

TEST(Wallet, UnlockedDepositsLoseUpdates) {
  EXPECT_THAT(weft::testing::check(wallet::unsafe_deposits),
              weft::testing::Finds(weft::FindingKind::lost_update));
}

TEST(Wallet, DepositsUnderAMutexAreSafe) {
  EXPECT_THAT(weft::testing::check(wallet::safe_deposits), weft::testing::HasNoFindings());
}
