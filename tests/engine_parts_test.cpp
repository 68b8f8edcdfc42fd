// The engine's memory parts: a goroutine's function stored inside the
// goroutine (sim/weft/body.h) and the per-thread arena of an execution's
// objects (sim/weft/arena.h), alone and under a complete search.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "weft/arena.h"
#include "weft/body.h"
#include "weft/check.h"
#include "weft/weft.h"

namespace {

using weft::detail::Arena;
using weft::detail::Body;

// Counts the live copies of itself, so a test sees every one destroyed.
struct Tracked {
  static inline int live = 0;
  Tracked() { ++live; }
  Tracked(const Tracked&) { ++live; }
  Tracked(Tracked&&) noexcept { ++live; }
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() { --live; }
};

TEST(Body, SmallCallableIsStoredInPlaceAndDestroyedOnce) {
  Tracked::live = 0;
  int calls = 0;
  {
    Body b;
    Tracked t;
    b.emplace([t, &calls] { ++calls; });
    static_assert(sizeof(Tracked) + sizeof(int*) <= Body::inline_size);
    EXPECT_EQ(Tracked::live, 2);  // t and the copy inside b
    b();
    b();
    EXPECT_EQ(calls, 2);
  }
  EXPECT_EQ(Tracked::live, 0);
}

TEST(Body, LargeCallableGoesToTheHeapAndIsDestroyedOnce) {
  Tracked::live = 0;
  std::array<std::uint64_t, 16> big{};  // 128 bytes: more than fits in place
  std::iota(big.begin(), big.end(), 1);
  std::uint64_t sum = 0;
  {
    Body b;
    Tracked t;
    b.emplace([big, t, &sum] { sum = std::accumulate(big.begin(), big.end(), std::uint64_t{0}); });
    EXPECT_EQ(Tracked::live, 2);
    b();
    EXPECT_EQ(sum, 136u);
    // A second emplace destroys the first function before storing the next.
    b.emplace([&sum] { sum = 0; });
    EXPECT_EQ(Tracked::live, 1);
    b();
    EXPECT_EQ(sum, 0u);
  }
  EXPECT_EQ(Tracked::live, 0);
}

TEST(Body, MoveOnlyCallable) {
  Body b;
  auto p = std::make_unique<int>(41);
  int seen = 0;
  b.emplace([q = std::move(p), &seen] { seen = *q + 1; });
  b();
  EXPECT_EQ(seen, 42);
  b.reset();
  b.reset();  // a second reset does nothing
}

TEST(Arena, AllocationsAreAlignedDisjointAndReusedAfterReset) {
  Arena a;
  std::vector<std::pair<std::uintptr_t, std::size_t>> spans;
  const std::size_t sizes[] = {1, 8, 24, 40, 100, 3000};
  const std::size_t aligns[] = {1, 8, 16, 8, 16, 8};
  // Enough to fill several 16 KB blocks, with one allocation larger than a block.
  for (int round = 0; round < 40; ++round) {
    for (std::size_t i = 0; i < 6; ++i) {
      void* p = a.allocate(sizes[i], aligns[i]);
      const auto at = reinterpret_cast<std::uintptr_t>(p);
      EXPECT_EQ(at % aligns[i], 0u);
      std::memset(p, 0xab, sizes[i]);
      spans.emplace_back(at, sizes[i]);
    }
  }
  void* large = a.allocate(Arena::block_size * 2, 16);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(large) % 16, 0u);
  std::memset(large, 0xcd, Arena::block_size * 2);
  spans.emplace_back(reinterpret_cast<std::uintptr_t>(large), Arena::block_size * 2);
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) {
    EXPECT_LE(spans[i - 1].first + spans[i - 1].second, spans[i].first)
        << "allocations " << i - 1 << " and " << i;
  }

  // After a reset the same blocks are handed out again, from the first.
  const void* first = reinterpret_cast<const void*>(spans.front().first);
  a.reset();
  std::set<const void*> again;
  for (int round = 0; round < 40; ++round) {
    for (std::size_t i = 0; i < 6; ++i) again.insert(a.allocate(sizes[i], aligns[i]));
  }
  EXPECT_TRUE(again.count(first) == 1);
}

// A goroutine whose captures do not fit in place, and one holding a
// move-only value, in every execution of a complete search: each runs, and
// every captured copy is destroyed by the end.
TEST(EngineParts, GoroutinesWithLargeAndMoveOnlyCapturesUnderACompleteSearch) {
  Tracked::live = 0;
  for (const char* strategy : {"dfs", "dpor"}) {
    weft::check::CheckOptions o;
    o.all = true;
    o.strategy = strategy;
    const weft::check::Report r = weft::check::run_check(
        "inline",
        [] {
          weft::Atomic<std::uint64_t> total{"total", 0};
          weft::WaitGroup wg{"wg"};
          std::array<std::uint64_t, 24> big{};  // 192 bytes
          std::iota(big.begin(), big.end(), 1);
          wg.add(2);
          weft::go([big, t = Tracked{}, &total, &wg] {
            total.fetch_add(std::accumulate(big.begin(), big.end(), std::uint64_t{0}));
            wg.done();
          });
          weft::go([p = std::make_unique<std::uint64_t>(1000), &total, &wg] {
            total.fetch_add(*p);
            wg.done();
          });
          wg.wait();
          weft::expect(total.load() == 300 + 1000, "both goroutines added their part");
        },
        {}, o);
    EXPECT_TRUE(r.findings.empty()) << strategy << ": " << r.findings.front().message;
    EXPECT_TRUE(r.complete) << strategy;
    EXPECT_GT(r.stats.executions, 1u) << strategy;
  }
  EXPECT_EQ(Tracked::live, 0);
}

// More objects in one execution than one arena block holds (each a mutex
// or a channel with its state), in every execution: the search sees each
// one's behaviour, and the sanitized build sees every access.
TEST(EngineParts, ExecutionsWithManyObjectsSpanSeveralArenaBlocks) {
  weft::check::CheckOptions o;
  o.all = true;
  o.strategy = "dfs";
  const weft::check::Report r = weft::check::run_check(
      "inline",
      [] {
        std::vector<std::unique_ptr<weft::Mutex>> locks;
        std::vector<std::unique_ptr<weft::Chan<int>>> chans;
        for (int i = 0; i < 400; ++i) {
          locks.push_back(std::make_unique<weft::Mutex>("m" + std::to_string(i)));
          chans.push_back(std::make_unique<weft::Chan<int>>("c" + std::to_string(i), 1));
        }
        weft::Shared<int> x{"x", 0};
        weft::go([&] {
          locks[399]->lock();
          x.store(x.load() + 1);
          locks[399]->unlock();
          chans[399]->send(7);
        });
        locks[399]->lock();
        x.store(x.load() + 1);
        locks[399]->unlock();
        weft::expect(chans[399]->recv() == 7, "the value sent");
        weft::expect(x.load() == 2, "no update lost under the mutex");
      },
      {}, o);
  EXPECT_TRUE(r.findings.empty()) << r.findings.front().message;
  EXPECT_TRUE(r.complete);
  EXPECT_GE(r.stats.executions, 2u);
}

}  // namespace
