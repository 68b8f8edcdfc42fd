// The API a program is written against. Include this one header.
//
//   WEFT_MODEL(counter_race, "two goroutines increment a shared counter",
//              weft::Expect::finds(weft::FindingKind::lost_update), {"n", 2, "goroutines"}) {
//     weft::Shared<int> counter{"counter", 0};
//     weft::WaitGroup wg;
//     for (int i = 0; i < weft::param("n"); ++i) {
//       wg.add(1);
//       weft::go([=] { counter++; wg.done(); });
//     }
//     wg.wait();
//   }
#pragma once

#include <functional>
#include <source_location>
#include <string>
#include <string_view>

#include "weft/chan.h"
#include "weft/execution.h"
#include "weft/model.h"
#include "weft/select.h"
#include "weft/shared.h"
#include "weft/sync.h"

namespace weft {

namespace detail {
bool before_spawn(std::source_location loc);  // the spawn's scheduling point
void after_spawn(GoroutineId child, std::source_location loc);
}  // namespace detail

// go f(): starts a goroutine running f, any callable taking no arguments
// (moved or copied into the goroutine). Returns its id (0 is main).
template <class F>
GoroutineId go(F&& f, std::source_location loc = std::source_location::current()) {
  if (!detail::before_spawn(loc)) return no_goroutine;
  const GoroutineId child = Execution::current()->spawn(std::forward<F>(f), loc);
  detail::after_spawn(child, loc);
  return child;
}

// A nondeterministic choice in [0, n) that the checker explores (use it
// instead of rand()).
std::size_t choose(std::size_t n, std::source_location loc = std::source_location::current());

// An assertion about the program: a failure ends the execution with an
// `assertion` finding.
void expect(bool cond, std::string_view message, std::source_location loc = std::source_location::current());

// panic(message): ends the goroutine like Go's panic unless caught.
[[noreturn]] void panic(std::string_view message);

// A model parameter (--set name=value), or its declared default.
std::int64_t param(std::string_view name);

// The running goroutine's id.
GoroutineId self();

}  // namespace weft
