// Go channels: unbuffered (a rendezvous) and buffered (FIFO of capacity k),
// close, nil channels, range-for, and the cases that select() takes.
//
// The semantics follow Go's runtime (chan.go): an operation that cannot
// complete parks the goroutine in the channel's queue, and the goroutine that
// later completes it hands the value over directly. Parking is a step of its
// own; the hand-off is part of the partner's step.
//
//   weft::Chan<int> results{"results", 2};   // make(chan int, 2)
//   weft::go([results] { results.send(42); });
//   int v = results.recv();
//
// A Chan is a handle, like a Go channel value: copies refer to the same
// channel, and the channel lives until the execution ends. Capture channels
// by value in goroutines that may outlive main.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <source_location>
#include <string>
#include <utility>

#include "weft/execution.h"
#include "weft/value.h"

namespace weft {
namespace detail {

template <class T>
class ChanState final : public ObjectState {
 public:
  struct Waiter {
    Goroutine* g;
    std::uint64_t ticket;
    std::optional<T>* into;  // receiver: where the value goes
    T* from;                 // sender: the value to take
    int case_index;          // select case, or -1
  };

  explicit ChanState(std::size_t capacity) : cap(capacity) {}

  bool send_ready() { return closed || front(recvq) != nullptr || buf.size() < cap; }
  bool recv_ready() { return !buf.empty() || front(sendq) != nullptr || closed; }

  // Precondition: send_ready().
  void send_now(Execution& x, T&& v, std::uint8_t flags, std::source_location loc) {
    Event e{.g = x.my_id(), .op = OpKind::chan_send, .flags = flags, .obj = id, .loc = loc};
    if (closed) {
      e.flags |= Event::not_ok;
      x.emit(e);
      throw Panic("send on closed channel");
    }
    const bool rec = x.recording();
    std::string text = rec ? format_value(v) : std::string();
    if (to_int(v, e.value)) e.flags |= Event::has_value;
    e.msg = ++transferred;
    if (Waiter* w = front(recvq)) {
      w->into->emplace(std::move(v));
      w->g->xfer_ok = true;
      w->g->xfer_case = w->case_index;
      e.partner = w->g->id;
      Goroutine* r = w->g;
      recvq.pop_front();
      x.emit(e, std::move(text));
      x.wake(*r);
      return;
    }
    buf.emplace_back(std::move(v), e.msg);
    x.emit(e, std::move(text));
  }

  // Precondition: recv_ready().
  std::pair<T, bool> recv_now(Execution& x, std::uint8_t flags, std::source_location loc) {
    Event e{.g = x.my_id(), .op = OpKind::chan_recv, .flags = flags, .obj = id, .loc = loc};
    std::optional<T> got;
    Goroutine* woken = nullptr;
    if (!buf.empty()) {
      got.emplace(std::move(buf.front().first));
      e.msg = buf.front().second;
      buf.pop_front();
      if (Waiter* s = front(sendq)) {  // a parked sender's value moves into the freed slot
        buf.emplace_back(std::move(*s->from), ++transferred);
        woken = take(sendq, e);
      }
    } else if (Waiter* s = front(sendq)) {  // unbuffered: take straight from the sender
      got.emplace(std::move(*s->from));
      e.msg = ++transferred;
      woken = take(sendq, e);
    } else {
      e.flags |= Event::not_ok;  // closed and drained: the zero value
      x.emit(e, x.recording() ? "zero value (closed)" : std::string());
      return {T{}, false};
    }
    if (to_int(*got, e.value)) e.flags |= Event::has_value;
    x.emit(e, x.recording() ? format_value(*got) : std::string());
    if (woken != nullptr) x.wake(*woken);
    return {std::move(*got), true};
  }

  void enqueue_recv(Goroutine& g, std::uint64_t ticket, std::optional<T>* into, int case_index) {
    recvq.push_back({&g, ticket, into, nullptr, case_index});
  }
  void enqueue_send(Goroutine& g, std::uint64_t ticket, T* from, int case_index) {
    sendq.push_back({&g, ticket, nullptr, from, case_index});
  }

  void close_now(Execution& x, std::source_location loc) {
    if (closed) {
      x.emit({.g = x.my_id(), .op = OpKind::chan_close, .flags = Event::not_ok, .obj = id, .loc = loc});
      throw Panic("close of closed channel");
    }
    closed = true;
    x.emit({.g = x.my_id(), .op = OpKind::chan_close, .obj = id, .loc = loc});
    for (auto* q : {&recvq, &sendq}) {
      const bool receivers = q == &recvq;
      while (Waiter* w = front(*q)) {
        Goroutine* g = w->g;
        g->xfer_closed = true;
        g->xfer_case = w->case_index;
        q->pop_front();
        if (receivers) {
          x.emit({.g = g->id,
                  .op = OpKind::chan_recv,
                  .flags = Event::wake | Event::not_ok,
                  .obj = id,
                  .partner = x.my_id(),
                  .loc = g->loc});
        }
        x.wake(*g);
      }
    }
  }

  void describe_wait(const Goroutine& g, OpKind op, WaitInfo& out) const override {
    const std::string& name = g.obj->exec->object_name(id);
    if (op == OpKind::chan_send) {
      out.reason = cap == 0 ? "send on chan " + name + ": no receiver"
                            : "send on chan " + name + ": buffer full (" + std::to_string(cap) + ")";
    } else {
      out.reason = "receive from chan " + name + (cap == 0 ? ": no sender" : ": buffer empty");
    }
  }

  std::size_t cap;
  std::deque<std::pair<T, std::uint64_t>> buf;  // value, message number
  bool closed = false;
  std::deque<Waiter> recvq, sendq;
  std::uint64_t transferred = 0;  // message numbers, in the order values enter the channel

 private:
  // The first waiter still parked on this channel (a select may have fired
  // elsewhere since it queued here; such entries are dropped lazily, as Go does).
  static Waiter* front(std::deque<Waiter>& q) {
    while (!q.empty() && !Execution::still_parked(*q.front().g, q.front().ticket)) q.pop_front();
    return q.empty() ? nullptr : &q.front();
  }
  Goroutine* take(std::deque<Waiter>& q, Event& e) {
    Waiter* w = front(q);
    Goroutine* g = w->g;
    g->xfer_ok = true;
    g->xfer_case = w->case_index;
    e.partner = g->id;
    q.pop_front();
    return g;
  }
};

// Blocks the running goroutine forever (nil channel, empty select).
void block_forever(OpKind op, std::source_location loc);

}  // namespace detail

template <class T>
class Chan {
 public:
  // make(chan T, capacity)
  explicit Chan(std::size_t capacity = 0, std::source_location loc = std::source_location::current())
      : Chan(std::string(), capacity, loc) {}
  Chan(std::string name, std::size_t capacity = 0,
       std::source_location loc = std::source_location::current()) {
    Execution& x = detail::exec_for("Chan");
    s_ = x.make_object<detail::ChanState<T>>(capacity);
    x.register_object(s_, "chan", std::move(name), loc, static_cast<std::int64_t>(capacity));
  }
  // A nil channel: send and receive block forever, close panics.
  static Chan nil() { return Chan(nullptr); }

  bool is_nil() const { return s_ == nullptr; }
  std::size_t capacity() const { return s_ != nullptr ? s_->cap : 0; }

  void send(T v, std::source_location loc = std::source_location::current()) const {
    Execution& x = detail::exec_for("Chan::send");
    if (s_ == nullptr) detail::block_forever(OpKind::chan_send, loc);
    detail::check_owner(s_, "Chan::send");
    if (!x.point(OpKind::chan_send, s_, loc)) return;
    if (s_->send_ready()) {
      s_->send_now(x, std::move(v), 0, loc);
      return;
    }
    detail::Goroutine& g = x.me();
    const std::uint64_t ticket = x.begin_park(OpKind::chan_send, s_, loc);
    s_->enqueue_send(g, ticket, &v, -1);
    Event e{.g = g.id, .op = OpKind::chan_send, .flags = Event::blocked, .obj = s_->id, .loc = loc};
    if (detail::to_int(v, e.value)) e.flags |= Event::has_value;
    x.emit(e, x.recording() ? detail::format_value(v) : std::string());
    x.park();
    if (g.xfer_closed) throw Panic("send on closed channel");
  }

  T recv(std::source_location loc = std::source_location::current()) const { return recv_ok(loc).first; }

  // v, ok := <-ch
  std::pair<T, bool> recv_ok(std::source_location loc = std::source_location::current()) const {
    Execution& x = detail::exec_for("Chan::recv");
    if (s_ == nullptr) detail::block_forever(OpKind::chan_recv, loc);
    detail::check_owner(s_, "Chan::recv");
    if (!x.point(OpKind::chan_recv, s_, loc)) return {T{}, false};
    if (s_->recv_ready()) return s_->recv_now(x, 0, loc);
    detail::Goroutine& g = x.me();
    std::optional<T> slot;
    const std::uint64_t ticket = x.begin_park(OpKind::chan_recv, s_, loc);
    s_->enqueue_recv(g, ticket, &slot, -1);
    x.emit({.g = g.id, .op = OpKind::chan_recv, .flags = Event::blocked, .obj = s_->id, .loc = loc});
    x.park();
    if (g.xfer_closed || !slot) return {T{}, false};
    return {std::move(*slot), true};
  }

  void close(std::source_location loc = std::source_location::current()) const {
    Execution& x = detail::exec_for("Chan::close");
    if (s_ == nullptr) {
      if (!x.point(OpKind::chan_close, nullptr, loc)) return;
      throw Panic("close of nil channel");
    }
    detail::check_owner(s_, "Chan::close");
    if (!x.point(OpKind::chan_close, s_, loc)) return;
    s_->close_now(x, loc);
  }

  // for (T v : ch) receives until the channel is closed and drained.
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(const Chan* c) : c_(c) { advance(); }
    const T& operator*() const { return *cur_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    bool operator==(const iterator& o) const { return c_ == o.c_; }

   private:
    void advance() {
      auto [v, ok] = c_->recv_ok();
      if (ok) {
        cur_.emplace(std::move(v));
      } else {
        c_ = nullptr;
      }
    }
    const Chan* c_ = nullptr;
    std::optional<T> cur_;
  };
  iterator begin() const { return iterator(this); }
  iterator end() const { return iterator(); }

  detail::ChanState<T>* state() const { return s_; }

 private:
  explicit Chan(std::nullptr_t) {}
  detail::ChanState<T>* s_ = nullptr;
};

}  // namespace weft
