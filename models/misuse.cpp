// Misuse that Go turns into a panic or a fatal error.
#include "weft/weft.h"

using weft::Expect;
using weft::FindingKind;

WEFT_MODEL(send_on_closed, "a goroutine sends on a channel main has already closed",
           Expect::finds(FindingKind::panic)) {
  weft::Chan<int> ch{"ch", 1};
  weft::WaitGroup wg{"wg"};
  wg.add(1);
  weft::go([=] {
    ch.send(1);
    wg.done();
  });
  ch.close();
  wg.wait();
}

WEFT_MODEL(double_close, "two goroutines both close the same channel", Expect::finds(FindingKind::panic)) {
  weft::Chan<int> done{"done"};
  weft::WaitGroup wg{"wg"};
  wg.add(2);
  for (int i = 0; i < 2; ++i) {
    weft::go([=] {
      done.close();
      wg.done();
    });
  }
  wg.wait();
}

WEFT_MODEL(unlock_unlocked, "unlock of a mutex nobody locked", Expect::finds(FindingKind::panic)) {
  weft::Mutex mu{"mu"};
  weft::Shared<int> x{"x", 0};
  x.store(1);
  mu.unlock();
}

WEFT_MODEL(waitgroup_negative, "Done called more often than Add", Expect::finds(FindingKind::panic)) {
  weft::WaitGroup wg{"wg"};
  wg.add(1);
  weft::go([=] { wg.done(); });
  weft::go([=] { wg.done(); });
  wg.wait();
}
