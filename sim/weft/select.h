// Go's select over send and receive cases, with an optional default.
//
//   weft::select(
//       weft::recv_case(jobs, [&](int job, bool ok) { ... }),
//       weft::send_case(out, 7, [&] { ... }),
//       weft::default_case([&] { ... }));
//
// If several cases are ready, which one fires is a decision the checker
// explores. With none ready, default runs if present; otherwise the goroutine
// parks on every channel until a partner completes one case. Cases on nil
// channels never fire; a select with no cases blocks forever.
#pragma once

#include <array>
#include <optional>
#include <source_location>
#include <type_traits>
#include <utility>

#include "weft/chan.h"

namespace weft {
namespace detail {

class SelectCase {
 public:
  explicit SelectCase(std::source_location loc) : loc_(loc) {}
  virtual ~SelectCase() = default;
  virtual bool is_default() const { return false; }
  virtual bool ready() = 0;
  // Performs the operation now (ready() was true) as the running goroutine.
  virtual void fire(Execution& x, std::source_location loc) = 0;
  // Queues the parked goroutine on the case's channel (no-op for nil channels).
  virtual void enqueue(Goroutine& g, std::uint64_t ticket, int index) = 0;
  // After a partner completed this case while the goroutine was parked.
  virtual void after_wake(Goroutine& g) = 0;
  virtual void run_body() = 0;
  std::source_location loc() const { return loc_; }

 private:
  std::source_location loc_;
};

void run_select(SelectCase* const* cases, std::size_t n, std::source_location loc);

template <class T, class F>
class RecvCase final : public SelectCase {
 public:
  RecvCase(const Chan<T>& ch, F f, std::source_location loc)
      : SelectCase(loc), s_(ch.state()), f_(std::move(f)) {}
  bool ready() override { return s_ != nullptr && s_->recv_ready(); }
  void fire(Execution& x, std::source_location loc) override {
    check_owner(s_, "select recv case");
    auto [v, ok] = s_->recv_now(x, Event::via_select, loc);
    slot_.emplace(std::move(v));
    ok_ = ok;
  }
  void enqueue(Goroutine& g, std::uint64_t ticket, int index) override {
    if (s_ != nullptr) {
      check_owner(s_, "select recv case");
      s_->enqueue_recv(g, ticket, &slot_, index);
    }
  }
  void after_wake(Goroutine& g) override {
    ok_ = !g.xfer_closed && slot_.has_value();
    if (!slot_) slot_.emplace();
  }
  void run_body() override {
    if constexpr (std::is_invocable_v<F&, T, bool>) {
      f_(std::move(*slot_), ok_);
    } else if constexpr (std::is_invocable_v<F&, T>) {
      f_(std::move(*slot_));
    } else {
      f_();
    }
  }

 private:
  ChanState<T>* s_;
  F f_;
  std::optional<T> slot_;
  bool ok_ = false;
};

template <class T, class F>
class SendCase final : public SelectCase {
 public:
  SendCase(const Chan<T>& ch, T v, F f, std::source_location loc)
      : SelectCase(loc), s_(ch.state()), v_(std::move(v)), f_(std::move(f)) {}
  bool ready() override { return s_ != nullptr && s_->send_ready(); }
  void fire(Execution& x, std::source_location loc) override {
    check_owner(s_, "select send case");
    s_->send_now(x, std::move(v_), Event::via_select, loc);
  }
  void enqueue(Goroutine& g, std::uint64_t ticket, int index) override {
    if (s_ != nullptr) {
      check_owner(s_, "select send case");
      s_->enqueue_send(g, ticket, &v_, index);
    }
  }
  void after_wake(Goroutine& g) override {
    if (g.xfer_closed) throw Panic("send on closed channel");
  }
  void run_body() override { f_(); }

 private:
  ChanState<T>* s_;
  T v_;
  F f_;
};

template <class F>
class DefaultCase final : public SelectCase {
 public:
  DefaultCase(F f, std::source_location loc) : SelectCase(loc), f_(std::move(f)) {}
  bool is_default() const override { return true; }
  bool ready() override { return false; }
  void fire(Execution&, std::source_location) override {}
  void enqueue(Goroutine&, std::uint64_t, int) override {}
  void after_wake(Goroutine&) override {}
  void run_body() override { f_(); }

 private:
  F f_;
};

}  // namespace detail

struct Nothing {
  void operator()() const {}
};

// case v, ok := <-ch: body(v, ok), body(v) or body()
template <class T, class F = Nothing>
detail::RecvCase<T, F> recv_case(const Chan<T>& ch, F body = {},
                                 std::source_location loc = std::source_location::current()) {
  return detail::RecvCase<T, F>(ch, std::move(body), loc);
}

// case ch <- v: body()
template <class T, class V, class F = Nothing>
detail::SendCase<T, F> send_case(const Chan<T>& ch, V&& v, F body = {},
                                 std::source_location loc = std::source_location::current()) {
  return detail::SendCase<T, F>(ch, T(std::forward<V>(v)), std::move(body), loc);
}

// default: body()
template <class F = Nothing>
detail::DefaultCase<F> default_case(F body = {}, std::source_location loc = std::source_location::current()) {
  return detail::DefaultCase<F>(std::move(body), loc);
}

template <class... Cases>
void select(Cases&&... cases) {
  std::array<detail::SelectCase*, sizeof...(Cases)> all{&cases...};
  std::source_location loc = sizeof...(Cases) > 0 ? all[0]->loc() : std::source_location::current();
  detail::run_select(all.data(), all.size(), loc);
}

// select {} blocks forever.
void select_forever(std::source_location loc = std::source_location::current());

}  // namespace weft
