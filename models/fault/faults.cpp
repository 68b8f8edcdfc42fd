// Programs that break the process they run in, on purpose: a wild pointer, a
// C++ exception nobody catches, unbounded recursion, a spin loop that never
// reaches a scheduling point, and unbounded allocation. weft must report each
// as a finding (or a limit) and keep what it found before. They run only in
// an isolated worker (the default of `weft check`; tests/reliability_test.cpp);
// in-process (--no-isolation) most of them take weft down with them.
#define WEFT_MODEL_GROUP "fault"
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "weft/weft.h"

namespace {

using weft::Expect;
using weft::FindingKind;

// An address no program maps, computed at run time so that the compiler
// neither sees nor removes the fault.
volatile std::uintptr_t wild_address = 16;

[[gnu::noinline]] void write_wild() {
  auto* p = reinterpret_cast<volatile int*>(wild_address);
  *p = 1;
}

// Recursion deeper than any fiber stack; `limit` keeps it finite for the compiler.
[[gnu::noinline]] std::int64_t descend(std::int64_t depth, std::int64_t limit) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth >= limit) return frame[0];
  return descend(depth + 1, limit) + frame[0];
}

// Two goroutines store to `flag` without synchronisation: a data race, which
// does not end the search. Shows that findings met before a crash are kept.
void race_on_flag() {
  weft::Shared<int> flag{"flag", 0};
  weft::WaitGroup wg;
  wg.add(1);
  weft::go([&] {
    flag.store(1);
    wg.done();
  });
  flag.store(2);
  wg.wait();
}

}  // namespace

WEFT_MODEL(fault_segv,
           "a data race, then in one branch a goroutine writes through a wild pointer (SIGSEGV)",
           Expect::finds(FindingKind::crash)) {
  race_on_flag();
  if (weft::choose(2) == 1) {
    weft::WaitGroup wg;
    wg.add(1);
    weft::go([&] {
      write_wild();
      wg.done();
    });
    wg.wait();
  }
}

WEFT_MODEL(fault_throw, "a goroutine throws a C++ exception nobody catches (Go's unrecovered panic)",
           Expect::finds(FindingKind::panic)) {
  weft::WaitGroup wg;
  wg.add(1);
  weft::go([&] {
    wg.done();
    throw std::runtime_error("the configuration file is missing");
  });
  wg.wait();
}

WEFT_MODEL(fault_stack_overflow, "a goroutine recurses without bound and overflows its fiber stack",
           Expect::finds(FindingKind::crash), {"depth", 100000000, "recursion depth", 1, 1000000000}) {
  const std::int64_t limit = weft::param("depth");
  weft::WaitGroup wg;
  wg.add(1);
  weft::go([&] {
    descend(0, limit);
    wg.done();
  });
  wg.wait();
}

WEFT_MODEL(fault_spin,
           "a goroutine spins on a plain variable nobody sets, never reaching a scheduling point",
           Expect::finds(FindingKind::hang)) {
  volatile bool ready = false;
  weft::WaitGroup wg;
  wg.add(1);
  weft::go([&] {
    while (!ready) {
    }
    wg.done();
  });
  wg.wait();
  ready = true;
}

WEFT_MODEL(fault_alloc, "a goroutine allocates without bound: the search ends at the memory limit",
           Expect::ok()) {
  weft::WaitGroup wg;
  wg.add(1);
  weft::go([&] {
    std::vector<std::unique_ptr<char[]>> hoard;
    for (;;) {
      constexpr std::size_t chunk = std::size_t{1} << 20;
      hoard.push_back(std::make_unique<char[]>(chunk));
      std::memset(hoard.back().get(), 1, chunk);
    }
  });
  wg.wait();
}
