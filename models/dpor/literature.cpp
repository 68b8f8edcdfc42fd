// Benchmark families from the stateless model-checking literature (Nidhugg,
// GenMC, the optimal-DPOR paper), with the execution counts they publish for
// sequential consistency. Shared locations are SC atomics, as in GenMC's
// versions, so that the count measures the reduction and not race reports.
// main only starts the goroutines: joining them would order their last steps.
#include <vector>

#define WEFT_MODEL_GROUP "dpor"
#include "weft/weft.h"

using weft::Atomic;
using weft::Expect;
using weft::FindingKind;

namespace {

std::vector<Atomic<int>> atomics(std::int64_t n, const char* prefix) {
  std::vector<Atomic<int>> v;
  v.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v.emplace_back(prefix + std::to_string(i), 0);
  return v;
}

}  // namespace

// reader: for i := n; a[i] != 0; i-- {}   writer j (1..n): a[j] = a[j-1] + 1
WEFT_MODEL(lastzero, "a reader looks for the last zero while n writers fill an array", Expect::ok(),
           {"n", 4, "writers"}) {
  const auto n = weft::param("n");
  auto* a = weft::make<std::vector<Atomic<int>>>(atomics(n + 1, "a"));
  weft::go([=] {
    for (auto i = static_cast<std::size_t>(n); (*a)[i].load() != 0; --i) {
    }
  });
  for (std::size_t j = 1; j <= static_cast<std::size_t>(n); ++j) {
    weft::go([=] { (*a)[j].store((*a)[j - 1].load() + 1); });
  }
}

// one writer x = 42, n readers read x
WEFT_MODEL(readers, "one writer and n readers of one location", Expect::ok(), {"n", 8, "readers"}) {
  const auto n = weft::param("n");
  Atomic<int> x{"x", 0};
  weft::go([=] { x.store(42); });
  for (std::int64_t i = 0; i < n; ++i) {
    weft::go([=] { (void)x.load(); });
  }
}

// goroutine i: r := x; x = r + (1 << i)
WEFT_MODEL(inc, "n goroutines each read x and write back r + 2^i", Expect::ok(), {"n", 3, "goroutines"}) {
  const auto n = weft::param("n");
  Atomic<int> x{"x", 0};
  for (int i = 0; i < n; ++i) {
    weft::go([=] {
      const int r = x.load();
      x.store(r + (1 << i));
    });
  }
}

// goroutine: lock; r := x; x = r + 1; unlock
WEFT_MODEL(lockinc, "n goroutines increment x under a mutex", Expect::ok(), {"n", 5, "goroutines"}) {
  const auto n = weft::param("n");
  Atomic<int> x{"x", 0};
  weft::Mutex mu{"mu"};
  for (std::int64_t i = 0; i < n; ++i) {
    weft::go([=] {
      mu.lock();
      const int r = x.load();
      x.store(r + 1);
      mu.unlock();
    });
  }
}

// goroutine i (1..n): CAS(x, i-1 -> i)
WEFT_MODEL(casrot, "n goroutines each try one compare-exchange of x from i-1 to i", Expect::ok(),
           {"n", 4, "goroutines"}) {
  const auto n = weft::param("n");
  Atomic<int> x{"x", 0};
  for (int i = 1; i <= n; ++i) {
    weft::go([=] { (void)x.compare_and_swap(i - 1, i); });
  }
}

namespace {

// T1 5x {a = x; b = y; x = a + b}, T2 5x {a = x; b = y; y = a + b}, T3 checks the bound.
void fib(int bound) {
  Atomic<int> x{"x", 1};
  Atomic<int> y{"y", 1};
  weft::go([=] {
    for (int i = 0; i < 5; ++i) {
      const int a = x.load();
      const int b = y.load();
      x.store(a + b);
    }
  });
  weft::go([=] {
    for (int i = 0; i < 5; ++i) {
      const int a = x.load();
      const int b = y.load();
      y.store(a + b);
    }
  });
  weft::go([=] {
    const int a = x.load();
    const int b = y.load();
    weft::expect(a <= bound && b <= bound, "x and y stay within the Fibonacci bound");
  });
}

}  // namespace

WEFT_MODEL(fib_bench, "two goroutines build Fibonacci numbers in x and y; a third checks x, y <= 144",
           Expect::ok()) {
  fib(144);
}

WEFT_MODEL(fib_bench_wrong, "fib_bench with the bound 143: some interleaving exceeds it",
           Expect::finds(FindingKind::assertion)) {
  fib(143);
}

// The example of the optimal-DPOR paper (Abdulla et al., POPL 2014):
// p: x = 1; q: y = 1; r: if y == 0 { z = 1 }; s: if z == 1 && y == 0 { x = 2 }
WEFT_MODEL(popl_example, "the optimal-DPOR paper's example: 5 classes, source sets explore 10",
           Expect::ok()) {
  Atomic<int> x{"x", 0};
  Atomic<int> y{"y", 0};
  Atomic<int> z{"z", 0};
  weft::go([=] { x.store(1); });
  weft::go([=] { y.store(1); });
  weft::go([=] {
    if (y.load() == 0) z.store(1);
  });
  weft::go([=] {
    if (z.load() == 1 && y.load() == 0) x.store(2);
  });
}
