// Go-specific families for partial-order reduction: their execution counts
// under source-dpor are pinned in tests/dpor_test.cpp next to exhaustive DFS,
// which must reach the same outcomes.
#include <memory>

#define WEFT_MODEL_GROUP "dpor"
#include "weft/weft.h"

using weft::Expect;

// n senders, one receiver (main) on an unbuffered channel.
WEFT_MODEL(senders_unbuffered, "n goroutines send on an unbuffered channel; main receives n values",
           Expect::ok(), {"n", 2, "senders"}) {
  const auto n = weft::param("n");
  weft::Chan<int> ch{"ch"};
  for (int i = 0; i < n; ++i) {
    weft::go([=] { ch.send(i); });
  }
  for (int i = 0; i < n; ++i) (void)ch.recv();
}

// n senders, one receiver (main) on a channel of capacity k.
WEFT_MODEL(senders_buffered, "n goroutines send on a channel of capacity k; main receives n values",
           Expect::ok(), {"n", 2, "senders"}, {"k", 1, "capacity"}) {
  const auto n = weft::param("n");
  weft::Chan<int> ch{"ch", static_cast<std::size_t>(weft::param("k"))};
  for (int i = 0; i < n; ++i) {
    weft::go([=] { ch.send(i); });
  }
  for (int i = 0; i < n; ++i) (void)ch.recv();
}

// select over two channels that are both ready.
WEFT_MODEL(select_two_ready, "main selects between two buffered channels that both hold a value",
           Expect::ok()) {
  weft::Chan<int> a{"a", 1};
  weft::Chan<int> b{"b", 1};
  weft::Atomic<int> got{"got", 0};
  a.send(1);
  b.send(2);
  weft::select(weft::recv_case(a, [&](int v) { got.store(v); }),
               weft::recv_case(b, [&](int v) { got.store(v); }));
}

// n workers add to an atomic and signal a WaitGroup; main waits and reads.
WEFT_MODEL(wg_fan_in, "n goroutines add to an atomic counter; main waits on a WaitGroup and checks the sum",
           Expect::ok(), {"n", 3, "workers"}) {
  const auto n = weft::param("n");
  weft::Atomic<int> sum{"sum", 0};
  weft::WaitGroup wg{"wg"};
  wg.add(static_cast<int>(n));
  for (int i = 0; i < n; ++i) {
    weft::go([=] {
      (void)sum.fetch_add(1);
      wg.done();
    });
  }
  wg.wait();
  weft::expect(sum.load() == n, "every worker's addition is counted");
}
