// Shared memory: Shared<T> is plain, unsynchronised memory (every load and
// store is a visible operation, and x++ is a load then a store with a
// scheduling point between them: that is how updates get lost); Atomic<T> is
// sequentially consistent and never races.
//
//   weft::Shared<int> counter{"counter", 0};
//   counter++;                   // load, then store
//   counter += 5;                // load, then store
//   counter.update([](int v) { return v * 2; });
//   int now = counter.load();
#pragma once

#include <source_location>
#include <string>
#include <utility>

#include "weft/execution.h"
#include "weft/value.h"

namespace weft {
namespace detail {

template <class T>
class SharedState final : public ObjectState {
 public:
  explicit SharedState(T v) : value(std::move(v)) {}
  T value;
};

// An operand that remembers where the expression using it was written, so
// that `x += 5` and `x = 5` point at the user's line.
template <class T>
struct Operand {
  Operand(T v, std::source_location l = std::source_location::current()) : value(std::move(v)), loc(l) {}
  T value;
  std::source_location loc;
};

template <class T>
T shared_load(SharedState<T>* s, OpKind op, std::source_location loc, const void* pc) {
  check_owner(s, "shared load");
  Execution& x = *s->exec;
  if (!x.point(op, s, loc)) return s->value;
  Event e{.g = x.my_id(), .op = op, .obj = s->id, .loc = loc, .pc = pc};
  if (to_int(s->value, e.value)) e.flags |= Event::has_value;
  x.emit(e, x.recording() ? format_value(s->value) : std::string());
  return s->value;
}

template <class T>
void shared_store(SharedState<T>* s, OpKind op, T v, std::source_location loc, const void* pc) {
  check_owner(s, "shared store");
  Execution& x = *s->exec;
  if (!x.point(op, s, loc)) return;
  s->value = std::move(v);
  Event e{.g = x.my_id(), .op = op, .obj = s->id, .loc = loc, .pc = pc};
  if (to_int(s->value, e.value)) e.flags |= Event::has_value;
  x.emit(e, x.recording() ? format_value(s->value) : std::string());
}

}  // namespace detail

template <class T>
class Shared {
 public:
  explicit Shared(std::string name = {}, T initial = T{},
                  std::source_location loc = std::source_location::current()) {
    Execution& x = detail::exec_for("Shared");
    s_ = x.make_object<detail::SharedState<T>>(std::move(initial));
    x.register_object(s_, "shared", std::move(name), loc);
  }

  T load(std::source_location loc = std::source_location::current()) const {
    return detail::shared_load(s_, OpKind::load, loc, nullptr);
  }
  void store(T v, std::source_location loc = std::source_location::current()) const {
    detail::shared_store(s_, OpKind::store, std::move(v), loc, nullptr);
  }
  // load, then store f(old): two steps with a scheduling point between.
  template <class F>
  T update(F f, std::source_location loc = std::source_location::current()) const {
    T old = load(loc);
    T next = f(old);
    store(next, loc);
    return next;
  }
  T add(T d, std::source_location loc = std::source_location::current()) const {
    return update([&](const T& v) { return static_cast<T>(v + d); }, loc);
  }

  const Shared& operator=(detail::Operand<T> v) const {
    store(std::move(v.value), v.loc);
    return *this;
  }
  T operator+=(detail::Operand<T> d) const { return add(d.value, d.loc); }
  T operator-=(detail::Operand<T> d) const {
    return update([&](const T& v) { return static_cast<T>(v - d.value); }, d.loc);
  }
  // Operators without operands cannot capture their caller's line; the
  // report resolves the return address instead (see docs/writing-models.md).
  [[gnu::noinline]] T operator++(int) const { return bump(1, __builtin_return_address(0)).first; }
  [[gnu::noinline]] T operator++() const { return bump(1, __builtin_return_address(0)).second; }
  [[gnu::noinline]] T operator--(int) const { return bump(-1, __builtin_return_address(0)).first; }
  [[gnu::noinline]] T operator--() const { return bump(-1, __builtin_return_address(0)).second; }

 private:
  // Load, then store old + delta; returns {old, new}. `pc` locates the caller.
  std::pair<T, T> bump(int delta, const void* pc) const {
    T old = detail::shared_load(s_, OpKind::load, {}, pc);
    T next = delta > 0 ? static_cast<T>(old + 1) : static_cast<T>(old - 1);
    detail::shared_store(s_, OpKind::store, next, {}, pc);
    return {old, next};
  }
  detail::SharedState<T>* s_;
};

// Sequentially consistent atomics (Go's sync/atomic).
template <class T>
class Atomic {
 public:
  explicit Atomic(std::string name = {}, T initial = T{},
                  std::source_location loc = std::source_location::current()) {
    Execution& x = detail::exec_for("Atomic");
    s_ = x.make_object<detail::SharedState<T>>(std::move(initial));
    x.register_object(s_, "atomic", std::move(name), loc);
  }
  T load(std::source_location loc = std::source_location::current()) const {
    return detail::shared_load(s_, OpKind::atomic_load, loc, nullptr);
  }
  void store(T v, std::source_location loc = std::source_location::current()) const {
    detail::shared_store(s_, OpKind::atomic_store, std::move(v), loc, nullptr);
  }
  // Returns the old value.
  T exchange(T v, std::source_location loc = std::source_location::current()) const {
    return rmw([&](const T&) { return v; }, loc);
  }
  T fetch_add(T d, std::source_location loc = std::source_location::current()) const {
    return rmw([&](const T& old) { return static_cast<T>(old + d); }, loc);
  }
  // Go's CompareAndSwap. A failed compare-exchange only reads.
  bool compare_and_swap(T expected, T desired,
                        std::source_location loc = std::source_location::current()) const {
    detail::check_owner(s_, "Atomic::compare_and_swap");
    Execution& x = *s_->exec;
    if (!x.point(OpKind::atomic_cas, s_, loc)) return false;
    Event e{.g = x.my_id(), .op = OpKind::atomic_cas, .obj = s_->id, .loc = loc};
    const bool ok = s_->value == expected;
    if (ok) s_->value = std::move(desired);
    if (!ok) e.flags |= Event::not_ok;
    if (detail::to_int(s_->value, e.value)) e.flags |= Event::has_value;
    x.emit(e, x.recording() ? detail::format_value(s_->value) : std::string());
    return ok;
  }

 private:
  template <class F>
  T rmw(F f, std::source_location loc) const {
    detail::check_owner(s_, "Atomic read-modify-write");
    Execution& x = *s_->exec;
    if (!x.point(OpKind::atomic_rmw, s_, loc)) return s_->value;
    T old = s_->value;
    s_->value = f(old);
    Event e{.g = x.my_id(), .op = OpKind::atomic_rmw, .obj = s_->id, .loc = loc};
    if (detail::to_int(s_->value, e.value)) e.flags |= Event::has_value;
    x.emit(e, x.recording() ? detail::format_value(s_->value) : std::string());
    return old;
  }
  detail::SharedState<T>* s_;
};

}  // namespace weft
