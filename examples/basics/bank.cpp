// A bank account with a deposit that reads the balance in one critical
// section and writes it in another: every access is locked, there is no data
// race, and yet a deposit can be lost. `weft check deposit_split` finds it;
// `weft check deposit_whole` shows the fix (one critical section).
#include "weft/weft.h"

namespace {

void deposits(bool split) {
  weft::Shared<int> balance{"balance", 100};
  weft::Mutex mu{"mu"};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < 2; ++i) {
    wg.add(1);
    weft::go([=] {
      mu.lock();
      int b = balance.load();
      if (split) {
        mu.unlock();  // someone else may deposit here...
        mu.lock();
      }
      balance.store(b + 10);  // ...and this write erases their deposit
      mu.unlock();
      wg.done();
    });
  }
  wg.wait();
  weft::expect(balance.load() == 120, "both deposits are counted");
}

}  // namespace

WEFT_MODEL(deposit_split, "a deposit reads and writes the balance in two critical sections",
           weft::Expect::finds(weft::FindingKind::lost_update)) {
  deposits(true);
}

WEFT_MODEL(deposit_whole, "a deposit reads and writes the balance in one critical section",
           weft::Expect::ok()) {
  deposits(false);
}
