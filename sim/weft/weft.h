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
#include <utility>

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

namespace detail {
template <class T>
struct Held final : ObjectState {
  template <class... A>
  explicit Held(A&&... args) : value(std::forward<A>(args)...) {}
  T value;
};
}  // namespace detail

// make<T>(args...): a T that the running execution owns, like a Go value
// that escapes to the heap. It is built now and destroyed when the
// execution ends, after its last goroutine, so goroutines that outlive
// main can share it by capturing the pointer (by value):
//
//   auto* a = weft::make<std::vector<weft::Atomic<int>>>();
//   a->emplace_back("a0", 0);
//   weft::go([=] { (*a)[0].store(1); });
//
// A std::shared_ptr does the same job at a price: every copy into a
// goroutine and every destruction updates its count, atomically once the
// checker explores with more than one thread (--jobs). T's destructor must
// not use weft operations (no goroutine runs then).
template <class T, class... A>
T* make(A&&... args) {
  Execution& x = detail::exec_for("weft::make");
  return &x.make_object<detail::Held<T>>(std::forward<A>(args)...)->value;
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
