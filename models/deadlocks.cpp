// Programs that can stop for good: everything waits, or some goroutines are
// left waiting after main returns.
#include <vector>

#include "weft/weft.h"

using weft::Expect;
using weft::FindingKind;

// Nobody ever sends: Go says "all goroutines are asleep - deadlock!".
WEFT_MODEL(main_recv_nobody, "main receives from a channel nobody sends on",
           Expect::finds(FindingKind::deadlock)) {
  weft::Chan<int> ch{"ch"};
  ch.recv();
}

// Two mutexes taken in opposite orders: fine in most interleavings, stuck in some.
WEFT_MODEL(lock_order, "two goroutines take mutexes a and b in opposite orders",
           Expect::finds(FindingKind::deadlock)) {
  weft::Mutex a{"a"};
  weft::Mutex b{"b"};
  weft::WaitGroup wg{"wg"};
  wg.add(2);
  weft::go([=] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
    wg.done();
  });
  weft::go([=] {
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
    wg.done();
  });
  wg.wait();
}

namespace {

// n philosophers around a table, a fork between each pair. With `ordered`,
// everyone takes the lower-numbered fork first, which breaks the cycle.
void dine(bool ordered) {
  const auto n = weft::param("n");
  std::vector<weft::Mutex> forks;
  for (int i = 0; i < n; ++i) forks.emplace_back("fork" + std::to_string(i));
  weft::WaitGroup wg{"wg"};
  wg.add(static_cast<int>(n));
  for (int i = 0; i < n; ++i) {
    const auto left = static_cast<std::size_t>(i);
    const auto right = static_cast<std::size_t>((i + 1) % n);
    const std::size_t first = ordered ? std::min(left, right) : left;
    const std::size_t second = ordered ? std::max(left, right) : right;
    weft::go([=] {
      forks[first].lock();
      forks[second].lock();
      // eat
      forks[second].unlock();
      forks[first].unlock();
      wg.done();
    });
  }
  wg.wait();
}

}  // namespace

WEFT_MODEL(philosophers, "dining philosophers, each takes the left fork then the right",
           Expect::finds(FindingKind::deadlock), {"n", 3, "philosophers", 2, 16}) {
  dine(false);
}

WEFT_MODEL(philosophers_fixed, "dining philosophers, each takes the lower-numbered fork first", Expect::ok(),
           {"n", 3, "philosophers", 2, 16}) {
  dine(true);
}

// Two senders, one receive: main returns and the other sender waits forever.
WEFT_MODEL(leak_two_senders, "two goroutines send a result, main receives only the first",
           Expect::finds(FindingKind::goroutine_leak)) {
  weft::Chan<int> results{"results"};
  weft::go([results] { results.send(1); });
  weft::go([results] { results.send(2); });
  int first = results.recv();
  (void)first;
}

// A nested RLock is fine until a writer arrives between the two RLocks: the
// writer waits for the first read lock, and the second RLock waits for the
// writer (writer preference).
WEFT_MODEL(rwmutex_nested_rlock, "a reader takes RLock twice; a writer's Lock in between deadlocks",
           Expect::finds(FindingKind::deadlock)) {
  weft::RWMutex rw{"rw"};
  weft::Shared<int> data{"data", 0};
  weft::WaitGroup wg{"wg"};
  wg.add(2);
  weft::go([=] {
    rw.rlock();
    int a = data.load();
    rw.rlock();  // nested: only safe if no writer is waiting
    int b = data.load();
    rw.runlock();
    rw.runlock();
    (void)a;
    (void)b;
    wg.done();
  });
  weft::go([=] {
    rw.lock();
    data.store(1);
    rw.unlock();
    wg.done();
  });
  wg.wait();
}

// Every access is under the mutex, so there is no data race, yet the read and
// the write sit in two critical sections: another update can fall between.
WEFT_MODEL(locked_lost_update, "read and write under one mutex, two critical sections: no race, lost update",
           Expect::finds(FindingKind::lost_update)) {
  weft::Shared<int> balance{"balance", 100};
  weft::Mutex mu{"mu"};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < 2; ++i) {
    wg.add(1);
    weft::go([=] {
      mu.lock();
      int b = balance.load();
      mu.unlock();
      mu.lock();
      balance.store(b + 10);
      mu.unlock();
      wg.done();
    });
  }
  wg.wait();
  weft::expect(balance.load() == 120, "both deposits are counted");
}
