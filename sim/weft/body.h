// A goroutine's function, kept inside the goroutine: a callable of up to
// `inline_size` bytes (a lambda capturing a few handles) is stored in place,
// a larger one on the heap. std::function keeps only 16 bytes in place, so
// most goroutines of a model cost an allocation per spawn, and a search
// spawns millions of them.
//
//   detail::Body b;
//   b.emplace([=] { counter++; });
//   b();
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace weft::detail {

class Body {
 public:
  static constexpr std::size_t inline_size = 64;

  Body() = default;
  ~Body() { reset(); }
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;

  template <class F>
  void emplace(F&& f) {
    using Fn = std::decay_t<F>;
    reset();
    if constexpr (sizeof(Fn) <= inline_size && alignof(Fn) <= alignof(std::max_align_t)) {
      obj_ = ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
      ops_ = &inline_ops<Fn>;
    } else {
      obj_ = new Fn(std::forward<F>(f));
      ops_ = &heap_ops<Fn>;
    }
  }
  void operator()() { ops_->call(obj_); }
  void reset() {
    if (ops_ == nullptr) return;
    const Ops* ops = ops_;
    ops_ = nullptr;
    ops->destroy(obj_);
  }

 private:
  struct Ops {
    void (*call)(void*);
    void (*destroy)(void*);
  };
  template <class Fn>
  static void call(void* p) {
    (*static_cast<Fn*>(p))();
  }
  template <class Fn>
  static constexpr Ops inline_ops{&call<Fn>, [](void* p) { static_cast<Fn*>(p)->~Fn(); }};
  template <class Fn>
  static constexpr Ops heap_ops{&call<Fn>, [](void* p) { delete static_cast<Fn*>(p); }};

  alignas(std::max_align_t) unsigned char buf_[inline_size];
  void* obj_ = nullptr;
  const Ops* ops_ = nullptr;
};

}  // namespace weft::detail
