// Programs that break the process they run in, on purpose: a wild pointer, a
// division by zero, a read past the end of a mapped file, abort(), a C++
// exception nobody catches, unbounded recursion, a spin loop that never
// reaches a scheduling point, and unbounded allocation. weft must report each
// as a finding (or a limit) and keep what it found before. They run only in
// an isolated worker (the default of `weft check`; tests/reliability_test.cpp);
// in-process (--no-isolation) most of them take weft down with them.
#define WEFT_MODEL_GROUP "fault"
#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

// Integer division by zero, done by the processor (SIGFPE). Written in
// assembly on x86-64 so that it is a real fault and not undefined behaviour
// the compiler or UBSan would act on first.
[[gnu::noinline]] int divide(int a, int b) {
#if defined(__x86_64__)
  int q = 0;
  asm volatile("cltd\n\tidivl %2" : "=a"(q) : "a"(a), "r"(b) : "edx", "cc");
  return q;
#else
  if (b == 0) std::raise(SIGFPE);
  return a / b;
#endif
}
volatile int zero = 0;

// A read through a mapping of a file that was cut to length 0 after it was
// mapped: the page has no file behind it (SIGBUS).
[[gnu::noinline]] int read_past_end_of_file() {
  std::FILE* f = std::tmpfile();
  if (f == nullptr) return 0;
  const int fd = fileno(f);
  if (ftruncate(fd, 4096) != 0) return 0;
  void* p = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return 0;
  if (ftruncate(fd, 0) != 0) return 0;
  return *static_cast<volatile const int*>(p);
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

// A goroutine that signals the WaitGroup main waits on, then faults: main is
// past its wait or about to be, so the fault is the goroutine's last act.
template <class F>
void fault_in_a_goroutine(F fault) {
  weft::WaitGroup wg;
  wg.add(1);
  weft::go([&] {
    wg.done();
    fault();
  });
  wg.wait();
}

}  // namespace

WEFT_MODEL(fault_segv, "a data race, then in one branch a goroutine writes through a wild pointer (SIGSEGV)",
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

WEFT_MODEL(fault_fpe, "a goroutine divides an integer by zero (SIGFPE)", Expect::finds(FindingKind::crash)) {
  fault_in_a_goroutine([] { (void)divide(1, zero); });
}

WEFT_MODEL(fault_bus, "a goroutine reads a mapped file past its end (SIGBUS)",
           Expect::finds(FindingKind::crash)) {
  fault_in_a_goroutine([] { (void)read_past_end_of_file(); });
}

WEFT_MODEL(fault_abort, "a goroutine calls abort(), as a failed C assert does (SIGABRT)",
           Expect::finds(FindingKind::crash)) {
  fault_in_a_goroutine([] { std::abort(); });
}

WEFT_MODEL(fault_throw, "a goroutine throws a C++ exception nobody catches (Go's unrecovered panic)",
           Expect::finds(FindingKind::panic)) {
  fault_in_a_goroutine([] { throw std::runtime_error("the configuration file is missing"); });
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

WEFT_MODEL(fault_spin, "a goroutine spins on a plain variable nobody sets, never reaching a scheduling point",
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
