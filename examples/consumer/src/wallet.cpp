#include "wallet.h"

#include "weft/weft.h"

namespace wallet {

void unsafe_deposits() {
  weft::Shared<int> balance{"balance", 0};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < 2; ++i) {
    wg.add(1);
    weft::go([=] {
      const int before = balance.load();
      balance.store(before + 10);
      wg.done();
    });
  }
  wg.wait();
  weft::expect(balance.load() == 20, "both deposits are in the balance");
}

void safe_deposits() {
  weft::Shared<int> balance{"balance", 0};
  weft::Mutex mu{"mu"};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < 2; ++i) {
    wg.add(1);
    weft::go([=] {
      mu.lock();
      const int before = balance.load();
      balance.store(before + 10);
      mu.unlock();
      wg.done();
    });
  }
  wg.wait();
  weft::expect(balance.load() == 20, "both deposits are in the balance");
}

}  // namespace wallet
