// The programs of the article weft grew from: a worker announcing "done", a
// mailbox, the shared counter with and without a mutex, and the "sum numbers
// sent by goroutines" exercise done three ways.
#include <string>

#include "weft/weft.h"

using weft::Expect;
using weft::FindingKind;

// A worker does its job and says so over an unbuffered channel; main waits
// simply by receiving.
WEFT_MODEL(worker_done, "a worker announces \"done\" over a channel; main waits by receiving", Expect::ok()) {
  weft::Chan<std::string> ch{"ch"};
  weft::go([ch] { ch.send("I'm done"); });
  std::string message = ch.recv();
  weft::expect(message == "I'm done", "main hears from the worker");
}

// A buffered channel is a mailbox: with room left, the sender does not wait.
WEFT_MODEL(mailbox, "a buffered channel of capacity 2: two sends complete without a receiver", Expect::ok()) {
  weft::Chan<int> box{"box", 2};
  box.send(1);
  box.send(2);  // no receiver yet, and no blocking
  weft::expect(box.recv() == 1, "first in, first out");
  weft::expect(box.recv() == 2, "first in, first out");
}

// counter++ is a read then a write: two goroutines can both read the old value.
WEFT_MODEL(counter_race, "n goroutines increment a shared counter without a lock: updates get lost",
           Expect::finds(FindingKind::lost_update), {"n", 2, "goroutines", 1, 64}) {
  const auto n = weft::param("n");
  weft::Shared<int> counter{"counter", 0};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < n; ++i) {
    wg.add(1);
    weft::go([=] {
      counter++;
      wg.done();
    });
  }
  wg.wait();
  weft::expect(counter.load() == n, "every increment is counted");
}

// The same with a mutex around the increment: one at a time.
WEFT_MODEL(counter_mutex, "n goroutines increment a shared counter under a mutex", Expect::ok(),
           {"n", 2, "goroutines", 1, 64}) {
  const auto n = weft::param("n");
  weft::Shared<int> counter{"counter", 0};
  weft::Mutex mu{"mu"};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < n; ++i) {
    wg.add(1);
    weft::go([=] {
      mu.lock();
      counter++;
      mu.unlock();
      wg.done();
    });
  }
  wg.wait();
  weft::expect(counter.load() == n, "every increment is counted");
}

// Try this yourself, three ways: goroutines each send a number, main sums.
WEFT_MODEL(sum_channel, "n goroutines send numbers into a channel; main receives and sums them", Expect::ok(),
           {"n", 3, "goroutines", 1, 64}) {
  const auto n = weft::param("n");
  weft::Chan<int> numbers{"numbers"};
  for (int i = 1; i <= n; ++i) weft::go([=] { numbers.send(i); });
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += numbers.recv();
  weft::expect(sum == n * (n + 1) / 2, "the sum of 1..n");
}

WEFT_MODEL(sum_shared, "n goroutines add their number to a shared sum without a lock: updates get lost",
           Expect::finds(FindingKind::lost_update), {"n", 3, "goroutines", 1, 64}) {
  const auto n = weft::param("n");
  weft::Shared<int> sum{"sum", 0};
  weft::WaitGroup wg{"wg"};
  for (int i = 1; i <= n; ++i) {
    wg.add(1);
    weft::go([=] {
      sum += i;
      wg.done();
    });
  }
  wg.wait();
  weft::expect(sum.load() == n * (n + 1) / 2, "the sum of 1..n");
}

WEFT_MODEL(sum_mutex, "n goroutines add their number to a shared sum under a mutex", Expect::ok(),
           {"n", 3, "goroutines", 1, 64}) {
  const auto n = weft::param("n");
  weft::Shared<int> sum{"sum", 0};
  weft::Mutex mu{"mu"};
  weft::WaitGroup wg{"wg"};
  for (int i = 1; i <= n; ++i) {
    wg.add(1);
    weft::go([=] {
      mu.lock();
      sum += i;
      mu.unlock();
      wg.done();
    });
  }
  wg.wait();
  weft::expect(sum.load() == n * (n + 1) / 2, "the sum of 1..n");
}
