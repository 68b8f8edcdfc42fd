// Fibers: a goroutine's own stack and saved registers. Only fiber.cpp
// includes Boost.Context; everything else sees this small interface.
//
// The scheduler calls resume(), the fiber runs until it calls suspend() (or
// its function returns), and control comes back to the scheduler; a fiber
// may also hand its turn to another fiber directly (switch_to), which then
// returns to the scheduler in its place. Stacks come from a StackPool and go back to it, so an execution
// does not map memory per goroutine once the pool is warm.
#pragma once

#include <cstddef>
#include <vector>

namespace weft::detail {

struct Stack {
  void* base = nullptr;  // lowest address of the mapping (the guard page)
  std::size_t size = 0;  // whole mapping, guard page included
  std::size_t guard = 0;
};

// Reuses stacks across executions. Not thread-safe: one pool per exploring thread.
class StackPool {
 public:
  explicit StackPool(std::size_t stack_size = 256 * 1024);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  Stack take();
  void give_back(Stack s);
  std::size_t stack_size() const { return stack_size_; }

 private:
  std::size_t stack_size_;
  std::vector<Stack> free_;
};

class Fiber {
 public:
  using Entry = void (*)(void* arg);

  Fiber() = default;
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Prepares the fiber to run entry(arg) on `stack` at the first resume().
  void start(Stack stack, Entry entry, void* arg);
  // From the scheduler: runs the fiber until it suspends or finishes.
  void resume();
  // From inside the fiber: returns control to the scheduler (whoever called
  // resume() on this fiber or on the one that switched to it).
  void suspend();
  // From inside the fiber: runs `next` (started, not running) in its place,
  // with one switch instead of a suspend and a resume; returns when this
  // fiber is resumed or switched to again. resume() returns when `next`, or
  // a fiber it switched to, suspends.
  void switch_to(Fiber& next);

  bool finished() const { return finished_; }
  bool started() const { return ctx_ != nullptr || finished_; }
  Stack release_stack();

 private:
  friend struct FiberAccess;

  void* ctx_ = nullptr;     // the fiber's saved context while it is suspended
  void* caller_ = nullptr;  // the scheduler's saved context while the fiber runs
  Stack stack_{};
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  bool finished_ = false;
  // Sanitizer bookkeeping (unused without ASan or TSan).
  void* fake_stack_ = nullptr;
  const void* caller_bottom_ = nullptr;
  std::size_t caller_size_ = 0;
  void* tsan_fiber_ = nullptr;   // TSan's state of this fiber
  void* tsan_caller_ = nullptr;  // TSan's state of the thread that resumed it
};

}  // namespace weft::detail
