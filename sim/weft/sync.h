// Go's sync package: Mutex, RWMutex (writer preference), WaitGroup, Once and
// Cond over a Mutex or an RWMutex's RLocker().
//
// These are predicate-based: a goroutine about to Lock a held mutex stays at
// its scheduling point, disabled, until the mutex is free; when several wait,
// which one gets it is the scheduler's choice (Go's mutex does not queue
// fairly either). Handles are cheap and copies refer to the same object.
//
//   weft::Mutex mu{"mu"};
//   mu.lock();
//   ... critical section ...
//   mu.unlock();
#pragma once

#include <functional>
#include <source_location>
#include <string>
#include <vector>

#include "weft/execution.h"

namespace weft {
namespace detail {

class MutexState;
class RWMutexState;
class CondState;
class WaitGroupState;
class OnceState;

}  // namespace detail

using Loc = std::source_location;

// Something that can be locked and unlocked: a Mutex, or an RWMutex's
// read side (RLocker). Cond works over any of them.
class Locker {
 public:
  virtual ~Locker() = default;
  virtual void lock(Loc loc = Loc::current()) const = 0;
  virtual void unlock(Loc loc = Loc::current()) const = 0;
  // For Cond: the object and the lock/unlock operations it stands for.
  virtual detail::ObjectState* lock_object() const = 0;
  virtual bool read_side() const { return false; }
};

class Mutex final : public Locker {
 public:
  explicit Mutex(std::string name = {}, Loc loc = Loc::current());
  void lock(Loc loc = Loc::current()) const override;
  void unlock(Loc loc = Loc::current()) const override;
  detail::ObjectState* lock_object() const override;

 private:
  detail::MutexState* s_;
};

class RWMutex;

class RLocker final : public Locker {
 public:
  explicit RLocker(const RWMutex& rw) : rw_(&rw) {}
  void lock(Loc loc = Loc::current()) const override;
  void unlock(Loc loc = Loc::current()) const override;
  detail::ObjectState* lock_object() const override;
  bool read_side() const override { return true; }

 private:
  const RWMutex* rw_;
};

class RWMutex final : public Locker {
 public:
  explicit RWMutex(std::string name = {}, Loc loc = Loc::current());
  void lock(Loc loc = Loc::current()) const override;
  void unlock(Loc loc = Loc::current()) const override;
  void rlock(Loc loc = Loc::current()) const;
  void runlock(Loc loc = Loc::current()) const;
  RLocker rlocker() const { return RLocker(*this); }
  detail::ObjectState* lock_object() const override;

 private:
  detail::RWMutexState* s_;
};

class WaitGroup {
 public:
  explicit WaitGroup(std::string name = {}, Loc loc = Loc::current());
  void add(int delta, Loc loc = Loc::current()) const;
  void done(Loc loc = Loc::current()) const { add(-1, loc); }
  void wait(Loc loc = Loc::current()) const;

 private:
  detail::WaitGroupState* s_;
};

class Once {
 public:
  explicit Once(std::string name = {}, Loc loc = Loc::current());
  void do_(const std::function<void()>& f, Loc loc = Loc::current()) const;
  void call(const std::function<void()>& f, Loc loc = Loc::current()) const { do_(f, loc); }

 private:
  detail::OnceState* s_;
};

class Cond {
 public:
  // The locker must outlive the Cond handle's uses (it is referred to, not copied).
  explicit Cond(const Locker& l, std::string name = {}, Loc loc = Loc::current());
  void wait(Loc loc = Loc::current()) const;
  void signal(Loc loc = Loc::current()) const;
  void broadcast(Loc loc = Loc::current()) const;

 private:
  detail::CondState* s_;
};

}  // namespace weft
