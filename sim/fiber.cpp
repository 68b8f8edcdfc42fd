#include "weft/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/detail/fcontext.hpp>
#include <cstdio>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif

#ifdef WEFT_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#if defined(__SANITIZE_THREAD__)
#define WEFT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WEFT_TSAN 1
#endif
#endif

#ifdef WEFT_TSAN
// ThreadSanitizer keeps a shadow state per fiber; every switch tells it
// which one runs now (sanitizer/tsan_interface.h).
#include <sanitizer/tsan_interface.h>
#endif

namespace ctx = boost::context::detail;

namespace weft::detail {

StackPool::StackPool(std::size_t stack_size) : stack_size_(stack_size) {}

StackPool::~StackPool() {
  for (const Stack& s : free_) munmap(s.base, s.size);
}

Stack StackPool::take() {
  if (!free_.empty()) {
    Stack s = free_.back();
    free_.pop_back();
    return s;
  }
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t usable = (stack_size_ + page - 1) / page * page;
  Stack s;
  s.guard = page;
  s.size = usable + page;
  s.base = mmap(nullptr, s.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (s.base == MAP_FAILED) throw std::bad_alloc();
  // The lowest page stays inaccessible: a stack overflow faults there instead
  // of silently corrupting the neighbouring mapping.
  mprotect(s.base, page, PROT_NONE);
  return s;
}

void StackPool::give_back(Stack s) {
  if (s.base != nullptr) free_.push_back(s);
}

namespace {

// What a jump carries: the fiber it leaves (nullptr: the scheduler's own
// context) and the fiber it enters (nullptr: the scheduler's). It lives on
// the stack being left, which does not run again before the arrival reads it.
struct Jump {
  Fiber* from;
  Fiber* to;
};

#ifdef WEFT_ASAN
// ASan's fake stack of the scheduler's context while a fiber of this thread runs.
thread_local void* scheduler_fake_stack = nullptr;
#endif

}  // namespace

struct FiberAccess {
  // Fiber `self` runs again (or for the first time), arriving by `t`. From
  // the scheduler: keep its context, to suspend into. From another fiber:
  // that one gave up its place and gets its context stored; it passed the
  // scheduler's context on (switch_to).
  static void arrive(Fiber& self, ctx::transfer_t t, void* fake_stack) {
    const auto* j = static_cast<const Jump*>(t.data);
    if (j->from == nullptr) {
      self.caller_ = t.fctx;
#ifdef WEFT_ASAN
      __sanitizer_finish_switch_fiber(fake_stack, &self.caller_bottom_, &self.caller_size_);
#endif
    } else {
      j->from->ctx_ = t.fctx;
#ifdef WEFT_ASAN
      __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
    }
    (void)fake_stack;
  }

  static void entry(ctx::transfer_t t) {
    Fiber* self = static_cast<const Jump*>(t.data)->to;
    arrive(*self, t, nullptr);
    self->entry_(self->arg_);
    self->finished_ = true;
#ifdef WEFT_TSAN
    __tsan_switch_to_fiber(self->tsan_caller_, 0);
#endif
#ifdef WEFT_ASAN
    // nullptr: this fiber's fake stack can be freed, it never runs again.
    __sanitizer_start_switch_fiber(nullptr, self->caller_bottom_, self->caller_size_);
#endif
    Jump j{self, nullptr};
    ctx::jump_fcontext(self->caller_, &j);
    std::fputs("weft: internal error: finished fiber resumed\n", stderr);
    std::abort();
  }
};

void Fiber::start(Stack stack, Entry entry, void* arg) {
  stack_ = stack;
  entry_ = entry;
  arg_ = arg;
  finished_ = false;
#ifdef WEFT_TSAN
  if (tsan_fiber_ == nullptr) tsan_fiber_ = __tsan_create_fiber(0);
#endif
#ifdef WEFT_ASAN
  // A reused stack still carries the poisoned red zones of the frames its
  // last fiber never returned from (its entry frame, near the top; frames
  // below it return or unwind); this fiber's frames sit elsewhere.
  const std::size_t usable = stack.size - stack.guard;
  const std::size_t top_part = usable < 16384 ? usable : 16384;
  __asan_unpoison_memory_region(static_cast<char*>(stack.base) + stack.size - top_part, top_part);
#endif
  // Stacks are page-aligned, so every fiber's saved context would sit at the
  // same offset in its page and compete for the same cache sets; each stack
  // starts lower by a different multiple of a cache line.
  static thread_local std::size_t color = 0;
  color = (color + 1) % 61;
  const std::size_t offset = 64 * color;
  char* top = static_cast<char*>(stack.base) + stack.size - offset;
  ctx_ = ctx::make_fcontext(top, stack.size - stack.guard - offset, &FiberAccess::entry);
}

Fiber::~Fiber() {
#ifdef WEFT_TSAN
  if (tsan_fiber_ != nullptr) __tsan_destroy_fiber(tsan_fiber_);
#endif
}

void Fiber::resume() {
#ifdef WEFT_TSAN
  tsan_caller_ = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(tsan_fiber_, 0);
#endif
#ifdef WEFT_ASAN
  __sanitizer_start_switch_fiber(&scheduler_fake_stack, static_cast<char*>(stack_.base) + stack_.guard,
                                 stack_.size - stack_.guard);
#endif
  Jump j{nullptr, this};
  ctx::transfer_t t = ctx::jump_fcontext(ctx_, &j);
#ifdef WEFT_ASAN
  __sanitizer_finish_switch_fiber(scheduler_fake_stack, nullptr, nullptr);
#endif
  // Back from the fiber that suspended or finished: this one, or one it switched to.
  Fiber* back = static_cast<const Jump*>(t.data)->from;
  back->ctx_ = back->finished_ ? nullptr : t.fctx;
}

void Fiber::suspend() {
#ifdef WEFT_TSAN
  __tsan_switch_to_fiber(tsan_caller_, 0);
#endif
#ifdef WEFT_ASAN
  __sanitizer_start_switch_fiber(&fake_stack_, caller_bottom_, caller_size_);
#endif
  Jump j{this, nullptr};
  ctx::transfer_t t = ctx::jump_fcontext(caller_, &j);
  FiberAccess::arrive(*this, t, fake_stack_);
}

void Fiber::switch_to(Fiber& next) {
  // `next` takes this fiber's place: it suspends to the scheduler this one would have.
  next.caller_ = caller_;
#ifdef WEFT_ASAN
  next.caller_bottom_ = caller_bottom_;
  next.caller_size_ = caller_size_;
#endif
#ifdef WEFT_TSAN
  next.tsan_caller_ = tsan_caller_;
  __tsan_switch_to_fiber(next.tsan_fiber_, 0);
#endif
#ifdef WEFT_ASAN
  __sanitizer_start_switch_fiber(&fake_stack_, static_cast<char*>(next.stack_.base) + next.stack_.guard,
                                 next.stack_.size - next.stack_.guard);
#endif
  Jump j{this, &next};
  ctx::transfer_t t = ctx::jump_fcontext(next.ctx_, &j);
  FiberAccess::arrive(*this, t, fake_stack_);
}

Stack Fiber::release_stack() {
  Stack s = stack_;
  stack_ = {};
  ctx_ = nullptr;
  return s;
}

}  // namespace weft::detail
