// One run of a program under a scheduler: goroutines on fibers, the objects
// they share, and the loop that asks the scheduler who moves next. An
// execution is disposable: everything it created is destroyed when run()
// returns; only the result survives.
//
//   weft::Execution x(scheduler, pool, options);
//   x.add_observer(&detector);
//   weft::ExecutionResult r = x.run([] { /* the program's main */ });
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/arena.h"
#include "weft/body.h"
#include "weft/fiber.h"
#include "weft/misuse.h"
#include "weft/op.h"
#include "weft/scheduler.h"

namespace weft {

using Params = std::map<std::string, std::int64_t, std::less<>>;

// One entry of a schedule: which goroutine ran a step, or what the program chose.
struct Decision {
  enum class Kind : std::uint8_t { pick, choice };
  Kind kind = Kind::pick;
  std::uint32_t value = 0;  // goroutine id for a pick, chosen index for a choice
  friend bool operator==(const Decision&, const Decision&) = default;
};

// A goroutine that cannot move at the end of an execution, and why.
struct WaitInfo {
  GoroutineId g = no_goroutine;
  OpKind op = OpKind::spawn;
  ObjectId obj = no_object;
  std::string reason;                // "mutex mu is held by goroutine 2"
  std::vector<GoroutineId> holders;  // who could release it (wait-for edges)
  std::source_location loc;
};

struct GoroutineInfo {
  GoroutineId id = no_goroutine;
  GoroutineId parent = no_goroutine;
  std::source_location created_at;
  bool done = false;
};

struct ExecutionOptions {
  std::uint64_t max_steps = 100000;
  std::uint32_t max_goroutines = 10000;
  bool record = false;  // keep every event (for reports and replay)
  const Params* params = nullptr;
};

struct ExecutionResult {
  std::optional<FindingKind> end;  // empty: the execution ended normally
  std::string message;
  GoroutineId culprit = no_goroutine;
  std::source_location where;
  std::uint64_t steps = 0;
  std::vector<Decision> schedule;
  std::vector<WaitInfo> blocked;  // deadlock or leak: every goroutine left waiting
  std::vector<GoroutineInfo> goroutines;
  std::vector<Event> events;            // only when recording
  std::vector<std::string> event_text;  // value text per recorded event ("" when none)
  // An object's name: the one given at creation, else (built only when
  // recording; object_name_of() builds it for any run) "kind@file:line".
  std::vector<std::string> object_names;
  std::vector<std::source_location> object_locs;  // where each object was created
  std::vector<std::string> object_kinds;
  std::vector<std::int64_t> object_aux;  // channel capacity; a Cond's lock (id * 2 + read mode)
};

// The name of object `id` of an execution, given or made from its kind and place.
std::string object_name_of(const ExecutionResult& r, ObjectId id);

namespace detail {

struct Goroutine;
class ObjectState;

// A window on the running execution for a supervising process
// (checker/weft/isolate.h): the decisions so far and the goroutine that runs,
// kept in memory the supervisor can still read after this process died.
// One per exploring thread; an execution writes one store per decision.
// A cache line of its own: the journals of the threads of one search sit
// side by side, and sharing a line made every step of one thread evict the
// other's (a second thread ran 1.6 times slower, isolated).
struct alignas(64) Journal {
  std::atomic<std::uint64_t> started{0};  // executions begun on this journal
  std::atomic<std::uint32_t> active{0};   // 1 while an execution runs
  std::atomic<std::uint32_t> running{no_goroutine};
  std::atomic<std::uint64_t> count{0};  // decisions so far; may exceed capacity
  std::uint64_t capacity = 0;
  Decision* decisions = nullptr;  // the first `capacity` decisions
};
// Set only in a supervised worker process: this thread's journal, or nullptr.
extern Journal* (*journal_for_thread)();

// Thrown into a goroutine to unwind its stack when the execution ends early.
// Deliberately not a std::exception: user code catching std::exception must
// not swallow it.
struct Unwind {};

}  // namespace detail

// A Go panic (misuse such as "send on closed channel", or weft::panic()).
// User code may catch it, as Go code may recover().
class Panic : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Execution {
 public:
  Execution(Scheduler& scheduler, detail::StackPool& stacks, ExecutionOptions options);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  void add_observer(Observer* o) { observers_.push_back(o); }
  ExecutionResult run(const std::function<void()>& main);
  // Hands a result that is no longer needed back to this thread's next
  // execution, which reuses its memory (optional).
  static void recycle(ExecutionResult&& r);

  // --- for observers and strategies ---
  std::uint64_t steps() const { return steps_; }
  std::uint64_t epoch() const { return epoch_; }
  std::string object_name(ObjectId id) const { return object_name_of(result_, id); }
  const std::string& object_kind(ObjectId id) const { return result_.object_kinds[id]; }
  std::int64_t object_aux(ObjectId id) const { return result_.object_aux[id]; }
  std::size_t goroutine_count() const { return goroutines_.size(); }
  bool recording() const { return options_.record; }
  // Ends the execution after the current step with this finding (a detector's verdict).
  void stop(FindingKind kind, std::string message, GoroutineId culprit, std::source_location where);
  bool stopping() const { return stop_; }
  // Ends the execution after the current step without a finding: the
  // scheduler found nothing new can follow (a sleep-set-blocked execution).
  void abandon() { stop_ = true; }

  // --- for the operations in sim/ ---
  static Execution* current();  // inline, below
  detail::Goroutine& me() { return *current_; }
  GoroutineId my_id() const;  // inline, below
  const Params& params() const;
  ObjectId register_object(detail::ObjectState* obj, std::string_view kind, std::string name,
                           std::source_location loc, std::int64_t aux = 0);
  // A new object of this execution, destroyed when it ends.
  template <class T, class... A>
  T* make_object(A&&... args) {
    T* raw = ::new (arena_.allocate(sizeof(T), alignof(T))) T(std::forward<A>(args)...);
    objects_.push_back(raw);
    return raw;
  }
  // A scheduling point before `op`. Returns false when the operation must be
  // skipped (the execution is unwinding and we are inside a destructor).
  bool point(OpKind op, detail::ObjectState* obj, std::source_location loc);
  // Parking: begin_park() marks the goroutine parked and returns the ticket a
  // waiter must carry; park() suspends until wake() is called for it.
  std::uint64_t begin_park(OpKind op, detail::ObjectState* obj, std::source_location loc);
  void park();
  static bool still_parked(const detail::Goroutine& g, std::uint64_t ticket);
  void wake(detail::Goroutine& g);
  std::size_t choose(std::size_t n, ChoiceKind why);
  // A new goroutine that runs f (its first step comes after the current one).
  template <class F>
  GoroutineId spawn(F&& f, std::source_location loc);  // inline, below
  void emit(const Event& e, std::string text = {});
  // Ends the execution now with a finding raised by the running goroutine.
  [[noreturn]] void fail(FindingKind kind, std::string message, std::source_location where);

 private:
  static void goroutine_entry(void* arg);
  void resume(detail::Goroutine& g);
  void run_woken();
  void collect_candidates();
  bool update_candidates();
  [[gnu::noinline]] void build_candidates();
  // Collects the candidates and asks the scheduler: the goroutine that takes
  // the next step, its decision noted, or nullptr when the execution is over.
  detail::Goroutine* schedule();
  void unwind_all();
  void collect_blocked(ExecutionResult& r) const;
  void record_failure(FindingKind kind, std::string message, GoroutineId g, std::source_location where);
  void note(Decision d);  // appends to the schedule (and the journal)
  detail::Goroutine& new_goroutine(std::source_location loc);
  void destroy_objects();

  Scheduler& scheduler_;
  detail::StackPool& stacks_;
  ExecutionOptions options_;
  detail::Journal* journal_ = nullptr;  // a supervisor watches this execution (isolate.h)
  std::vector<Observer*> observers_;
  std::vector<std::unique_ptr<detail::Goroutine>> goroutines_;
  std::vector<detail::ObjectState*> objects_;  // in arena_, in creation order
  detail::Arena arena_;
  std::vector<detail::Goroutine*> woken_;
  // The goroutines not known to be done, in id order (pruned as the
  // candidate lists are built), so that a step does not look at finished ones.
  std::vector<detail::Goroutine*> live_;
  // The candidate lists of the current step: the first n_enabled_ and
  // n_disabled_ entries. Kept as large as the goroutine table, so that
  // building them is plain stores, not a growth check per entry.
  std::vector<Candidate> enabled_;
  std::vector<Candidate> disabled_;
  std::size_t n_enabled_ = 0;
  std::size_t n_disabled_ = 0;
  // True while the lists hold no operation an object can disable and no
  // goroutine but picked_ (enabled_[picked_index_]) and new ones (ids from
  // listed_ on) has run since they were built: update_candidates() then
  // patches them instead of collect_candidates() building them anew.
  bool lists_valid_ = false;
  detail::Goroutine* picked_ = nullptr;
  std::size_t picked_index_ = 0;
  std::size_t listed_ = 0;
  detail::Goroutine* current_ = nullptr;
  bool over_ = false;                // schedule() found the end: deadlock, leak or step limit
  std::exception_ptr inline_error_;  // thrown by the scheduler while a goroutine called it
  std::uint64_t steps_ = 0;
  std::uint64_t epoch_ = 0;
  bool stop_ = false;
  ExecutionResult result_;
};

namespace detail {

// The state behind a weft object handle (a channel, a mutex, a Shared<T>).
// It lives in the execution, so a handle copied into a goroutine that
// outlives main stays valid until the execution ends.
class ObjectState {
 public:
  virtual ~ObjectState() = default;
  // Can goroutine `g` perform `op` on this object now?
  virtual bool enabled(const Goroutine& g, OpKind op) const;
  // Why `g` cannot move, for deadlock and leak reports.
  virtual void describe_wait(const Goroutine& g, OpKind op, WaitInfo& out) const;

  Execution* exec = nullptr;
  std::uint64_t epoch = 0;  // the execution that created it
  ObjectId id = no_object;
  // False for objects whose operations are always enabled (Shared, Atomic,
  // channels, which park instead): the scheduler then skips enabled().
  bool can_disable = false;
};

struct Goroutine {
  enum class State : std::uint8_t { fresh, running, pending, parked, woken, done };

  GoroutineId id = no_goroutine;
  GoroutineId parent = no_goroutine;
  std::source_location created_at;
  State state = State::fresh;
  // The pending (or parked) operation.
  OpKind op = OpKind::spawn;
  ObjectState* obj = nullptr;
  std::source_location loc;

  Fiber fiber;
  Body fn;
  bool kill = false;
  std::uint64_t park_ticket = 0;
  // Results handed over by the goroutine that completes a parked operation.
  bool xfer_ok = false;
  bool xfer_closed = false;
  int xfer_case = -1;
  bool cond_notified = false;
  bool forever = false;  // parked by an operation nothing can complete (nil channel, select {})
};

}  // namespace detail

namespace detail {
// The execution running on this thread, if any.
inline thread_local Execution* running_execution = nullptr;
}  // namespace detail

inline Execution* Execution::current() {
  return detail::running_execution;
}

inline GoroutineId Execution::my_id() const {
  return current_ != nullptr ? current_->id : no_goroutine;
}

template <class F>
GoroutineId Execution::spawn(F&& f, std::source_location loc) {
  detail::Goroutine& g = new_goroutine(loc);
  g.fn.emplace(std::forward<F>(f));
  return g.id;
}

namespace detail {

// Looks up the running execution; throws a clear error outside one.
Execution& exec_for(const char* what);
// Throws the error check_owner() found.
[[noreturn]] void owner_error(const ObjectState* obj, const char* what);
// Checks that an object handle belongs to the running execution (every
// operation does: inline, with the message built only on failure).
inline void check_owner(const ObjectState* obj, const char* what) {
  const Execution* x = Execution::current();
  if (x == nullptr || (obj != nullptr && (obj->exec != x || obj->epoch != x->epoch())))
    owner_error(obj, what);
}

}  // namespace detail
}  // namespace weft
