// The wallet's programs as models of this project's own weft command line
// (linked with weft::main, which provides main()).
#include "wallet.h"
#include "weft/model.h"

WEFT_MODEL(wallet_unsafe_deposits, "two deposits without a lock: one can be lost",
           weft::Expect::finds(weft::FindingKind::lost_update)) {
  wallet::unsafe_deposits();
}

WEFT_MODEL(wallet_safe_deposits, "two deposits under a mutex", weft::Expect::ok()) {
  wallet::safe_deposits();
}
