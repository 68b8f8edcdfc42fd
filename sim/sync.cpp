#include "weft/sync.h"

#include <algorithm>
#include <deque>

namespace weft {
namespace detail {

namespace {

std::string goroutine_list(const std::vector<GoroutineId>& gs) {
  std::string out;
  for (std::size_t i = 0; i < gs.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(gs[i]);
  }
  return out;
}

}  // namespace

class MutexState final : public ObjectState {
 public:
  MutexState() { can_disable = true; }
  bool enabled(const Goroutine&, OpKind op) const override {
    return op != OpKind::mutex_lock || owner == no_goroutine;
  }
  void describe_wait(const Goroutine& g, OpKind, WaitInfo& out) const override {
    const std::string& name = exec->object_name(id);
    if (owner == g.id) {
      out.reason = "lock of mutex " + name + " already held by this goroutine (sync.Mutex is not reentrant)";
    } else {
      out.reason = "mutex " + name + " is held by goroutine " + std::to_string(owner);
    }
    out.holders = {owner};
  }
  // The lock half of Cond.Wait's relock, and Lock.
  void acquire(GoroutineId g) { owner = g; }
  void release(Execution& x, Loc loc, const char* what) {
    if (owner == no_goroutine) x.fail(FindingKind::panic, std::string("fatal error: sync: ") + what, loc);
    owner = no_goroutine;
  }
  GoroutineId owner = no_goroutine;
};

class RWMutexState final : public ObjectState {
 public:
  RWMutexState() { can_disable = true; }
  bool enabled(const Goroutine&, OpKind op) const override {
    switch (op) {
      case OpKind::rw_lock:
        return writer == no_goroutine && pending_writer == no_goroutine;
      case OpKind::rw_lock_wait:
        return readers.empty();
      case OpKind::rw_rlock:
        // Writer preference: an announced writer blocks new readers.
        return writer == no_goroutine && pending_writer == no_goroutine;
      default:
        return true;
    }
  }
  void describe_wait(const Goroutine& g, OpKind op, WaitInfo& out) const override {
    const std::string& name = exec->object_name(id);
    if (op == OpKind::rw_lock_wait) {
      out.reason = "Lock of rwmutex " + name + " waits for readers (goroutines " + goroutine_list(readers) +
                   ") to RUnlock";
      out.holders = readers;
      return;
    }
    if (writer != no_goroutine) {
      out.reason = "rwmutex " + name + " is write-locked by goroutine " + std::to_string(writer);
      out.holders = {writer};
    } else if (pending_writer != no_goroutine) {
      out.reason = "rwmutex " + name + ": goroutine " + std::to_string(pending_writer) +
                   " is waiting to Lock, and a waiting writer blocks new readers";
      if (std::find(readers.begin(), readers.end(), g.id) != readers.end()) {
        out.reason += " (this goroutine already holds a read lock: nested RLock)";
      }
      out.holders = {pending_writer};
    }
  }
  void reader_acquire(GoroutineId g) { readers.push_back(g); }
  void reader_release(Execution& x, GoroutineId g, Loc loc) {
    if (readers.empty()) x.fail(FindingKind::panic, "fatal error: sync: RUnlock of unlocked RWMutex", loc);
    // Go does not tie a read lock to a goroutine; drop this goroutine's entry if any.
    auto it = std::find(readers.begin(), readers.end(), g);
    if (it == readers.end()) it = readers.begin();
    readers.erase(it);
  }
  GoroutineId writer = no_goroutine;
  GoroutineId pending_writer = no_goroutine;
  std::vector<GoroutineId> readers;  // one entry per held read lock
};

class WaitGroupState final : public ObjectState {
 public:
  WaitGroupState() { can_disable = true; }
  bool enabled(const Goroutine&, OpKind op) const override { return op != OpKind::wg_wait || counter == 0; }
  void describe_wait(const Goroutine&, OpKind, WaitInfo& out) const override {
    out.reason = "WaitGroup " + exec->object_name(id) + " counter is " + std::to_string(counter);
  }
  long counter = 0;
};

class OnceState final : public ObjectState {
 public:
  OnceState() { can_disable = true; }
  bool enabled(const Goroutine&, OpKind op) const override {
    return op != OpKind::once_do || done || running == no_goroutine;
  }
  void describe_wait(const Goroutine& g, OpKind, WaitInfo& out) const override {
    out.reason = "Once " + exec->object_name(id) + " is running its function in goroutine " +
                 std::to_string(running) + (running == g.id ? " (Do called from inside Do)" : "");
    out.holders = {running};
  }
  bool done = false;
  GoroutineId running = no_goroutine;
};

class CondState final : public ObjectState {
 public:
  CondState(ObjectState* lock, bool read) : lock_obj(lock), read_side(read) { can_disable = true; }
  bool lock_free() const {
    if (auto* m = dynamic_cast<MutexState*>(lock_obj)) return m->owner == no_goroutine;
    auto* rw = static_cast<RWMutexState*>(lock_obj);
    return rw->writer == no_goroutine &&
           (read_side ? rw->pending_writer == no_goroutine : rw->readers.empty());
  }
  bool enabled(const Goroutine& g, OpKind op) const override {
    return op != OpKind::cond_relock || (g.cond_notified && lock_free());
  }
  void describe_wait(const Goroutine& g, OpKind, WaitInfo& out) const override {
    if (!g.cond_notified) {
      out.reason = "Cond " + exec->object_name(id) + ".Wait: nobody signals";
    } else {
      WaitInfo inner;
      lock_obj->describe_wait(g, read_side ? OpKind::rw_rlock : OpKind::mutex_lock, inner);
      out.reason = "Cond " + exec->object_name(id) + ".Wait was signalled, relock: " + inner.reason;
      out.holders = inner.holders;
    }
  }
  void acquire(GoroutineId g) {
    if (auto* m = dynamic_cast<MutexState*>(lock_obj)) {
      m->acquire(g);
    } else if (read_side) {
      static_cast<RWMutexState*>(lock_obj)->reader_acquire(g);
    } else {
      static_cast<RWMutexState*>(lock_obj)->writer = g;
    }
  }
  void release(Execution& x, GoroutineId g, Loc loc) {
    if (auto* m = dynamic_cast<MutexState*>(lock_obj)) {
      m->release(x, loc, "unlock of unlocked mutex");
    } else if (read_side) {
      static_cast<RWMutexState*>(lock_obj)->reader_release(x, g, loc);
    } else {
      auto* rw = static_cast<RWMutexState*>(lock_obj);
      if (rw->writer == no_goroutine)
        x.fail(FindingKind::panic, "fatal error: sync: Unlock of unlocked RWMutex", loc);
      rw->writer = no_goroutine;
    }
  }
  ObjectState* lock_obj;
  bool read_side;
  std::deque<Goroutine*> waiters;  // FIFO, as Go's notify list
};

}  // namespace detail

using detail::check_owner;
using detail::exec_for;

namespace {

template <class S>
S* make_state(const char* kind, std::string name, Loc loc) {
  Execution& x = exec_for(kind);
  S* s = x.make_object<S>();
  x.register_object(s, kind, std::move(name), loc);
  return s;
}

Event event(Execution& x, OpKind op, const detail::ObjectState* s, Loc loc) {
  return Event{.g = x.my_id(), .op = op, .obj = s->id, .loc = loc};
}

}  // namespace

// --- Mutex ---

Mutex::Mutex(std::string name, Loc loc) : s_(make_state<detail::MutexState>("mutex", std::move(name), loc)) {}

void Mutex::lock(Loc loc) const {
  check_owner(s_, "Mutex::lock");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::mutex_lock, s_, loc)) return;
  s_->acquire(x.my_id());
  x.emit(event(x, OpKind::mutex_lock, s_, loc));
}

void Mutex::unlock(Loc loc) const {
  check_owner(s_, "Mutex::unlock");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::mutex_unlock, s_, loc)) return;
  s_->release(x, loc, "unlock of unlocked mutex");
  x.emit(event(x, OpKind::mutex_unlock, s_, loc));
}

detail::ObjectState* Mutex::lock_object() const {
  return s_;
}

// --- RWMutex ---

RWMutex::RWMutex(std::string name, Loc loc)
    : s_(make_state<detail::RWMutexState>("rwmutex", std::move(name), loc)) {}

void RWMutex::lock(Loc loc) const {
  check_owner(s_, "RWMutex::lock");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::rw_lock, s_, loc)) return;
  if (s_->readers.empty()) {
    s_->writer = x.my_id();
    x.emit(event(x, OpKind::rw_lock, s_, loc));
    return;
  }
  // Announce: from now on new readers wait; then wait for the active ones to leave.
  s_->pending_writer = x.my_id();
  Event e = event(x, OpKind::rw_lock, s_, loc);
  e.flags = Event::blocked;
  x.emit(e);
  if (!x.point(OpKind::rw_lock_wait, s_, loc)) return;
  s_->pending_writer = no_goroutine;
  s_->writer = x.my_id();
  x.emit(event(x, OpKind::rw_lock_wait, s_, loc));
}

void RWMutex::unlock(Loc loc) const {
  check_owner(s_, "RWMutex::unlock");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::rw_unlock, s_, loc)) return;
  if (s_->writer == no_goroutine)
    x.fail(FindingKind::panic, "fatal error: sync: Unlock of unlocked RWMutex", loc);
  s_->writer = no_goroutine;
  x.emit(event(x, OpKind::rw_unlock, s_, loc));
}

void RWMutex::rlock(Loc loc) const {
  check_owner(s_, "RWMutex::rlock");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::rw_rlock, s_, loc)) return;
  s_->reader_acquire(x.my_id());
  x.emit(event(x, OpKind::rw_rlock, s_, loc));
}

void RWMutex::runlock(Loc loc) const {
  check_owner(s_, "RWMutex::runlock");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::rw_runlock, s_, loc)) return;
  s_->reader_release(x, x.my_id(), loc);
  x.emit(event(x, OpKind::rw_runlock, s_, loc));
}

detail::ObjectState* RWMutex::lock_object() const {
  return s_;
}

void RLocker::lock(Loc loc) const {
  rw_->rlock(loc);
}
void RLocker::unlock(Loc loc) const {
  rw_->runlock(loc);
}
detail::ObjectState* RLocker::lock_object() const {
  return rw_->lock_object();
}

// --- WaitGroup ---

WaitGroup::WaitGroup(std::string name, Loc loc)
    : s_(make_state<detail::WaitGroupState>("waitgroup", std::move(name), loc)) {}

void WaitGroup::add(int delta, Loc loc) const {
  check_owner(s_, "WaitGroup::add");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::wg_add, s_, loc)) return;
  s_->counter += delta;
  Event e = event(x, OpKind::wg_add, s_, loc);
  e.value = delta;
  e.flags = Event::has_value;
  x.emit(e);
  if (s_->counter < 0) throw Panic("sync: negative WaitGroup counter");
}

void WaitGroup::wait(Loc loc) const {
  check_owner(s_, "WaitGroup::wait");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::wg_wait, s_, loc)) return;
  x.emit(event(x, OpKind::wg_wait, s_, loc));
}

// --- Once ---

Once::Once(std::string name, Loc loc) : s_(make_state<detail::OnceState>("once", std::move(name), loc)) {}

void Once::do_(const std::function<void()>& f, Loc loc) const {
  check_owner(s_, "Once::do_");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::once_do, s_, loc)) return;
  Event e = event(x, OpKind::once_do, s_, loc);
  if (s_->done) {
    e.flags = Event::repeat;
    x.emit(e);
    return;
  }
  s_->running = x.my_id();
  x.emit(e);
  try {
    f();
  } catch (const detail::Unwind&) {
    throw;
  } catch (...) {
    // As in Go: if f panics, Do considers it returned.
    s_->done = true;
    s_->running = no_goroutine;
    throw;
  }
  if (!x.point(OpKind::once_finish, s_, loc)) return;
  s_->done = true;
  s_->running = no_goroutine;
  x.emit(event(x, OpKind::once_finish, s_, loc));
}

// --- Cond ---

Cond::Cond(const Locker& l, std::string name, Loc loc) {
  Execution& x = exec_for("Cond");
  detail::ObjectState* lock = l.lock_object();
  check_owner(lock, "Cond's locker");
  s_ = x.make_object<detail::CondState>(lock, l.read_side());
  x.register_object(s_, "cond", std::move(name), loc,
                    static_cast<std::int64_t>(lock->id) * 2 + (l.read_side() ? 1 : 0));
}

void Cond::wait(Loc loc) const {
  check_owner(s_, "Cond::wait");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::cond_wait, s_, loc)) return;
  detail::Goroutine& g = x.me();
  g.cond_notified = false;
  s_->waiters.push_back(&g);
  s_->release(x, g.id, loc);
  x.emit(event(x, OpKind::cond_wait, s_, loc));
  if (!x.point(OpKind::cond_relock, s_, loc)) return;
  g.cond_notified = false;
  s_->acquire(g.id);
  x.emit(event(x, OpKind::cond_relock, s_, loc));
}

void Cond::signal(Loc loc) const {
  check_owner(s_, "Cond::signal");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::cond_signal, s_, loc)) return;
  Event e = event(x, OpKind::cond_signal, s_, loc);
  if (!s_->waiters.empty()) {
    detail::Goroutine* w = s_->waiters.front();
    s_->waiters.pop_front();
    w->cond_notified = true;
    e.partner = w->id;
  }
  x.emit(e);
}

void Cond::broadcast(Loc loc) const {
  check_owner(s_, "Cond::broadcast");
  Execution& x = *s_->exec;
  if (!x.point(OpKind::cond_broadcast, s_, loc)) return;
  Event e = event(x, OpKind::cond_broadcast, s_, loc);
  e.value = static_cast<std::int64_t>(s_->waiters.size());
  for (detail::Goroutine* w : s_->waiters) w->cond_notified = true;
  s_->waiters.clear();
  x.emit(e);
}

}  // namespace weft
