#include "weft/execution.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <utility>

#include "weft/misuse.h"

namespace weft {
namespace {

// Tells executions apart (stale handles): a number unique to the thread in
// the high bits, a count of its executions in the low ones. A counter shared
// by the threads of a search cost each execution a cache line moving
// between cores.
std::atomic<std::uint64_t> next_thread{0};
thread_local std::uint64_t thread_epochs = (next_thread.fetch_add(1) + 1) << 40;

// The memory of this thread's finished executions, reused by the next one:
// their vectors (emptied, capacity kept) and goroutine objects (rebuilt in
// place). A search runs hundreds of thousands of short executions; taking
// these from the allocator each time was a good part of their cost.
struct Spares {
  ExecutionResult result;
  std::vector<Observer*> observers;
  std::vector<std::unique_ptr<detail::Goroutine>> goroutine_list;
  std::vector<std::unique_ptr<detail::Goroutine>> goroutines;
  std::vector<detail::ObjectState*> objects;
  detail::Arena arena;
  std::vector<detail::Goroutine*> woken;
  std::vector<detail::Goroutine*> live;
  std::vector<Candidate> enabled;
  std::vector<Candidate> disabled;
};
thread_local Spares spares;

}  // namespace

namespace detail {

Journal* (*journal_for_thread)() = nullptr;

bool ObjectState::enabled(const Goroutine&, OpKind) const {
  return true;
}

void ObjectState::describe_wait(const Goroutine&, OpKind, WaitInfo& out) const {
  out.reason = "waiting";
}

Execution& exec_for(const char* what) {
  Execution* x = Execution::current();
  if (x == nullptr) {
    throw MisuseError(std::string("weft: ") + what +
                      " used outside a running execution (objects must be created inside the model "
                      "function, not as globals or statics)");
  }
  return *x;
}

void owner_error(const ObjectState*, const char* what) {
  exec_for(what);  // throws outside an execution
  throw MisuseError(std::string("weft: ") + what +
                    " belongs to another execution: it was created in an earlier run of the "
                    "model (a global or static object?); create every shared object inside the "
                    "model function");
}

}  // namespace detail

using detail::Goroutine;
using State = detail::Goroutine::State;

Execution::Execution(Scheduler& scheduler, detail::StackPool& stacks, ExecutionOptions options)
    : scheduler_(scheduler),
      stacks_(stacks),
      options_(options),
      journal_(detail::journal_for_thread != nullptr ? detail::journal_for_thread() : nullptr),
      epoch_(++thread_epochs) {
  observers_.swap(spares.observers);
  goroutines_.swap(spares.goroutine_list);
  objects_.swap(spares.objects);
  std::swap(arena_, spares.arena);
  woken_.swap(spares.woken);
  live_.swap(spares.live);
  enabled_.swap(spares.enabled);
  disabled_.swap(spares.disabled);
  result_ = std::move(spares.result);
}

void Execution::note(Decision d) {
  result_.schedule.push_back(d);
  if (journal_ == nullptr) return;
  const std::uint64_t n = journal_->count.load(std::memory_order_relaxed);
  if (n < journal_->capacity) journal_->decisions[n] = d;
  journal_->count.store(n + 1, std::memory_order_release);
}

Execution::~Execution() {
  goroutines_.clear();  // empty unless run() never ran or did not finish
  destroy_objects();
  observers_.clear();
  woken_.clear();
  live_.clear();
  spares.observers.swap(observers_);
  spares.goroutine_list.swap(goroutines_);
  spares.objects.swap(objects_);
  std::swap(spares.arena, arena_);
  spares.woken.swap(woken_);
  spares.live.swap(live_);
  spares.enabled.swap(enabled_);
  spares.disabled.swap(disabled_);
}

void Execution::recycle(ExecutionResult&& r) {
  r.end.reset();
  r.message.clear();
  r.culprit = no_goroutine;
  r.where = {};
  r.steps = 0;
  r.schedule.clear();
  r.blocked.clear();
  r.goroutines.clear();
  r.events.clear();
  r.event_text.clear();
  r.object_names.clear();
  r.object_locs.clear();
  r.object_kinds.clear();
  r.object_aux.clear();
  spares.result = std::move(r);
}

const Params& Execution::params() const {
  static const Params empty;
  return options_.params != nullptr ? *options_.params : empty;
}

std::string object_name_of(const ExecutionResult& r, ObjectId id) {
  const std::string& given = r.object_names.at(id);
  if (!given.empty()) return given;
  // Made on demand: building it for every object of every execution was a
  // good part of a short execution's cost.
  std::string file = r.object_locs.at(id).file_name();
  if (auto slash = file.rfind('/'); slash != std::string::npos) file = file.substr(slash + 1);
  return r.object_kinds.at(id) + "@" + file + ":" + std::to_string(r.object_locs[id].line());
}

ObjectId Execution::register_object(detail::ObjectState* obj, std::string_view kind, std::string name,
                                    std::source_location loc, std::int64_t aux) {
  const auto id = static_cast<ObjectId>(result_.object_names.size());
  obj->exec = this;
  obj->epoch = epoch_;
  obj->id = id;
  result_.object_names.push_back(std::move(name));
  result_.object_locs.push_back(loc);
  result_.object_kinds.emplace_back(kind);
  result_.object_aux.push_back(aux);
  return id;
}

void Execution::goroutine_entry(void* arg) {
  auto* g = static_cast<Goroutine*>(arg);
  Execution& x = *detail::running_execution;
  try {
    g->fn();
  } catch (const detail::Unwind&) {
    // the execution ended early; nothing to report
  } catch (const Panic& p) {
    if (!g->kill) x.record_failure(FindingKind::panic, p.what(), g->id, g->loc);
  } catch (const MisuseError& e) {
    if (!g->kill) x.record_failure(FindingKind::panic, e.what(), g->id, g->loc);
  } catch (const std::exception& e) {
    if (!g->kill) {
      x.record_failure(FindingKind::panic, std::string("panic: unrecovered exception: ") + e.what(), g->id,
                       g->loc);
    }
  } catch (...) {
    if (!g->kill) {
      x.record_failure(FindingKind::panic, "panic: unrecovered exception of unknown type", g->id, g->loc);
    }
  }
  g->state = State::done;
}

void Execution::record_failure(FindingKind kind, std::string message, GoroutineId g,
                               std::source_location where) {
  if (result_.end) return;  // the first failure ends the execution; keep it
  result_.end = kind;
  result_.message = std::move(message);
  result_.culprit = g;
  result_.where = where;
  stop_ = true;
}

void Execution::stop(FindingKind kind, std::string message, GoroutineId culprit, std::source_location where) {
  record_failure(kind, std::move(message), culprit, where);
}

void Execution::fail(FindingKind kind, std::string message, std::source_location where) {
  record_failure(kind, std::move(message), my_id(), where);
  throw detail::Unwind{};
}

bool Execution::point(OpKind op, detail::ObjectState* obj, std::source_location loc) {
  Goroutine& g = *current_;
  if (g.kill) {
    if (std::uncaught_exceptions() > 0) return false;
    throw detail::Unwind{};
  }
  g.op = op;
  g.obj = obj;
  g.loc = loc;
  g.state = State::pending;
  Goroutine* next = nullptr;
  if (woken_.empty() && !stop_) {
    // Nothing else has to run before the next decision (no goroutine was
    // woken or spawned by this step): make it here, on this goroutine's
    // stack. When it picks this goroutine again, which is most steps of
    // most searches, the step goes on without a fiber switch; when it picks
    // another, this goroutine switches to it directly.
    try {
      next = schedule();
    } catch (...) {  // the checker's failure, not the program's: run() rethrows it
      inline_error_ = std::current_exception();
      over_ = true;
    }
    if (next == &g) {
      g.state = State::running;
      return true;
    }
  }
  if (next != nullptr) {
    // Another goroutine takes the step: straight to it, one fiber switch
    // instead of two. This goroutine is back when something picks it.
    current_ = next;
    next->state = State::running;
    if (journal_ != nullptr) journal_->running.store(next->id, std::memory_order_relaxed);
    g.fiber.switch_to(next->fiber);
  } else {
    g.fiber.suspend();
  }
  if (g.kill) {
    if (std::uncaught_exceptions() > 0) return false;
    throw detail::Unwind{};
  }
  return true;
}

std::uint64_t Execution::begin_park(OpKind op, detail::ObjectState* obj, std::source_location loc) {
  Goroutine& g = *current_;
  g.op = op;
  g.obj = obj;
  g.loc = loc;
  g.state = State::parked;
  g.xfer_ok = false;
  g.xfer_closed = false;
  g.xfer_case = -1;
  g.forever = false;
  return ++g.park_ticket;
}

void Execution::park() {
  Goroutine& g = *current_;
  g.fiber.suspend();
  if (g.kill) {
    if (std::uncaught_exceptions() > 0) return;
    throw detail::Unwind{};
  }
}

bool Execution::still_parked(const Goroutine& g, std::uint64_t ticket) {
  return g.state == State::parked && g.park_ticket == ticket;
}

void Execution::wake(Goroutine& g) {
  g.state = State::woken;
  woken_.push_back(&g);
}

std::size_t Execution::choose(std::size_t n, ChoiceKind why) {
  if (n < 2) return 0;
  std::size_t c = scheduler_.choose(n, why);
  if (c >= n) {
    std::fprintf(stderr, "weft: internal error: scheduler chose %zu of %zu\n", c, n);
    std::abort();
  }
  note({Decision::Kind::choice, static_cast<std::uint32_t>(c)});
  return c;
}

void Execution::destroy_objects() {
  for (detail::ObjectState* obj : objects_) obj->~ObjectState();
  objects_.clear();
  arena_.reset();
}

detail::Goroutine& Execution::new_goroutine(std::source_location loc) {
  if (goroutines_.size() >= options_.max_goroutines && !goroutines_.empty()) {
    fail(FindingKind::panic,
         "limit: goroutines per execution (" + std::to_string(options_.max_goroutines) +
             ") reached; the program likely spawns without bound (raise with --max-goroutines)",
         loc);
  }
  std::unique_ptr<Goroutine> g;
  if (spares.goroutines.empty()) {
    g = std::make_unique<Goroutine>();
  } else {
    g = std::move(spares.goroutines.back());  // rebuilt when it was given back
    spares.goroutines.pop_back();
  }
  g->id = static_cast<GoroutineId>(goroutines_.size());
  g->parent = current_ != nullptr ? current_->id : no_goroutine;
  g->created_at = loc;
  g->state = State::fresh;
  Goroutine* raw = g.get();
  goroutines_.push_back(std::move(g));
  live_.push_back(raw);
  if (enabled_.size() < goroutines_.size()) {  // the candidate lists hold every goroutine
    enabled_.resize(goroutines_.size());
    disabled_.resize(goroutines_.size());
  }
  woken_.push_back(raw);  // runs to its first scheduling point after this step
  return *raw;
}

void Execution::emit(const Event& e, std::string text) {
  Event ev = e;
  ev.step = steps_;
  for (Observer* o : observers_) o->on_event(*this, ev);
  if (options_.record) {
    result_.events.push_back(ev);
    result_.event_text.push_back(std::move(text));
  }
}

void Execution::resume(Goroutine& g) {
  Goroutine* saved = current_;
  current_ = &g;
  if (journal_ != nullptr) journal_->running.store(g.id, std::memory_order_relaxed);
  if (g.state == State::fresh) {
    g.state = State::running;
    g.fiber.start(stacks_.take(), &Execution::goroutine_entry, &g);
  } else {
    g.state = State::running;
  }
  g.fiber.resume();
  current_ = saved;
}

inline bool Execution::update_candidates() {
  // Since the lists were built only the goroutine picked last has moved,
  // and the goroutines it spawned (their ids come after every listed one).
  // No listed operation can be disabled, so the others' entries stand.
  Candidate* en = enabled_.data();
  auto entry = [](const Goroutine& g) {
    return Candidate{g.id, g.op, g.obj != nullptr ? g.obj->id : no_object, g.loc};
  };
  auto disabling = [](const Goroutine& g) { return g.obj != nullptr && g.obj->can_disable; };
  const Goroutine& p = *picked_;
  if (p.state == State::pending) {
    if (disabling(p)) return false;
    en[picked_index_] = entry(p);  // its new operation, in its place
  } else {                         // finished or parked: out of the list
    std::copy(en + picked_index_ + 1, en + n_enabled_, en + picked_index_);
    --n_enabled_;
  }
  for (std::size_t id = listed_; id < goroutines_.size(); ++id) {
    const Goroutine& g = *goroutines_[id];
    if (g.state != State::pending) continue;
    if (disabling(g)) return false;
    en[n_enabled_++] = entry(g);
  }
  listed_ = goroutines_.size();
  return n_enabled_ > 0;  // none: the full pass tells a deadlock from a leak
}

inline void Execution::collect_candidates() {
  if (!lists_valid_ || !update_candidates()) build_candidates();
}

void Execution::build_candidates() {
  // One pass over the goroutines still alive: the finished ones leave the
  // list, the pending ones go to the enabled or the disabled list. Objects
  // that never disable an operation are not asked.
  std::size_t keep = 0;
  std::size_t ne = 0;
  std::size_t nd = 0;
  bool can_disable = false;
  Candidate* en = enabled_.data();
  Candidate* dis = disabled_.data();
  for (Goroutine* g : live_) {
    if (g->state == State::done) continue;
    live_[keep++] = g;
    if (g->state != State::pending) continue;
    const detail::ObjectState* obj = g->obj;
    if (obj == nullptr) {
      en[ne++] = {g->id, g->op, no_object, g->loc};
    } else if (!obj->can_disable) {
      en[ne++] = {g->id, g->op, obj->id, g->loc};
    } else {
      can_disable = true;
      if (obj->enabled(*g, g->op)) {
        en[ne++] = {g->id, g->op, obj->id, g->loc};
      } else {
        dis[nd++] = {g->id, g->op, obj->id, g->loc};
      }
    }
  }
  live_.resize(keep);
  n_enabled_ = ne;
  n_disabled_ = nd;
  lists_valid_ = !can_disable;  // then update_candidates() keeps them up to date
  listed_ = goroutines_.size();
}

Goroutine* Execution::schedule() {
  const bool main_done = goroutines_[0]->state == State::done;
  collect_candidates();
  if (n_enabled_ == 0) {
    over_ = true;
    if (!main_done) {
      result_.end = FindingKind::deadlock;
      result_.message = "all goroutines are asleep - deadlock!";
      result_.culprit = 0;
      collect_blocked(result_);
    } else if (!live_.empty()) {  // main returned; the goroutines left all wait
      result_.end = FindingKind::goroutine_leak;
      collect_blocked(result_);
      result_.message = std::to_string(result_.blocked.size()) +
                        (result_.blocked.size() == 1 ? " goroutine is" : " goroutines are") +
                        " blocked forever after main returned";
      result_.culprit = result_.blocked.front().g;
      result_.where = result_.blocked.front().loc;
    }
    return nullptr;
  }
  if (steps_ >= options_.max_steps) {
    over_ = true;
    result_.end = FindingKind::step_limit;
    result_.message = "limit: steps per execution (" + std::to_string(options_.max_steps) +
                      ") reached; the program likely loops forever or livelocks (raise with "
                      "--max-steps)";
    result_.culprit = enabled_.front().g;
    result_.where = enabled_.front().loc;
    return nullptr;
  }
  scheduler_.disabled({disabled_.data(), n_disabled_});
  std::size_t idx = scheduler_.pick({enabled_.data(), n_enabled_});
  if (idx >= n_enabled_) {
    std::fprintf(stderr, "weft: internal error: scheduler picked %zu of %zu\n", idx, n_enabled_);
    std::abort();
  }
  Goroutine& g = *goroutines_[enabled_[idx].g];
  picked_ = &g;
  picked_index_ = idx;
  note({Decision::Kind::pick, g.id});
  ++steps_;
  return &g;
}

void Execution::run_woken() {
  // Woken and newly spawned goroutines run their local code up to their next
  // scheduling point; that code is invisible to others, so running it now is
  // equivalent to running it later.
  for (std::size_t i = 0; i < woken_.size() && !stop_; ++i) {
    // A woken goroutine moved from elsewhere in the lists; a spawned one is new.
    if (woken_[i]->state != State::fresh) lists_valid_ = false;
    resume(*woken_[i]);
  }
  woken_.clear();
}

ExecutionResult Execution::run(const std::function<void()>& main) {
  Execution* saved = detail::running_execution;
  detail::running_execution = this;
  if (journal_ != nullptr) {
    journal_->count.store(0, std::memory_order_relaxed);
    journal_->running.store(no_goroutine, std::memory_order_relaxed);
    journal_->started.fetch_add(1, std::memory_order_release);
    journal_->active.store(1, std::memory_order_release);
  }
  result_.schedule.reserve(256);  // one allocation instead of a growth per doubling, for most executions
  scheduler_.begin(*this);
  for (Observer* o : observers_) o->begin(*this);

  spawn([&main] { main(); }, std::source_location::current());
  run_woken();
  while (!stop_ && !over_) {
    // The goroutines make most decisions themselves at their scheduling
    // points (point()) and come back here only when something else must
    // run first (woken goroutines), they park or finish, or the run is over.
    Goroutine* g = schedule();
    if (g == nullptr) break;
    resume(*g);
    if (inline_error_) std::rethrow_exception(std::exchange(inline_error_, nullptr));
    run_woken();
  }
  result_.steps = steps_;
  n_disabled_ = 0;
  for (Goroutine* g : live_) {
    if (g->state == State::pending) {
      disabled_[n_disabled_++] = {g->id, g->op, g->obj != nullptr ? g->obj->id : no_object, g->loc};
    }
  }
  scheduler_.end({disabled_.data(), n_disabled_});
  for (auto& g : goroutines_) {
    result_.goroutines.push_back({g->id, g->parent, g->created_at, g->state == State::done});
  }
  unwind_all();
  destroy_objects();
  if (options_.record) {
    for (ObjectId id = 0; id < result_.object_names.size(); ++id) {
      if (result_.object_names[id].empty()) result_.object_names[id] = object_name_of(result_, id);
    }
  }
  detail::running_execution = saved;
  if (journal_ != nullptr) journal_->active.store(0, std::memory_order_release);
  return std::move(result_);
}

void Execution::unwind_all() {
  woken_.clear();
  for (auto& g : goroutines_) {
    if (g->state == State::fresh) {
      g->state = State::done;
      continue;
    }
    int attempts = 0;
    while (g->state != State::done) {
      g->kill = true;
      if (++attempts > 1000) {
        std::fprintf(stderr,
                     "weft: goroutine %u keeps running after the execution ended; does it catch "
                     "(...) without rethrowing?\n",
                     g->id);
        std::abort();
      }
      resume(*g);
    }
  }
  for (auto& g : goroutines_) {
    if (g->fiber.started()) stacks_.give_back(g->fiber.release_stack());
    // Keep the object for a later goroutine: a fresh one in the same memory.
    Goroutine* raw = g.get();
    raw->~Goroutine();
    new (raw) Goroutine();
    spares.goroutines.push_back(std::move(g));
  }
  goroutines_.clear();
}

void Execution::collect_blocked(ExecutionResult& r) const {
  for (const auto& g : goroutines_) {
    if (g->state == State::done) continue;
    WaitInfo w;
    w.g = g->id;
    w.op = g->op;
    w.obj = g->obj != nullptr ? g->obj->id : no_object;
    w.loc = g->loc;
    if (g->obj != nullptr) {
      g->obj->describe_wait(*g, g->op, w);
    } else {
      if (g->op == OpKind::select) {
        w.reason =
            g->forever ? "select with no cases: blocks forever" : "select with no case that can proceed";
      } else {
        w.reason = g->forever ? "nil channel: blocks forever" : "blocked";
      }
    }
    r.blocked.push_back(std::move(w));
  }
}

}  // namespace weft
