#include "weft/check.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "weft/detectors.h"
#include "weft/dpor.h"
#include "weft/minimize.h"
#include "weft/parallel.h"
#include "weft/shard.h"
#include "weft/symbolize.h"

namespace weft::check {

Report Report::of(const std::string& model, const Params& params, const CheckOptions& options) {
  Report r;
  r.model = model;
  r.params = params;
  r.strategy = options.strategy;
  r.seed = options.seed;
  r.options = options;
  return r;
}

std::optional<FindingKind> Report::verdict() const {
  for (const Finding& f : findings) {
    if (f.kind != FindingKind::data_race) return f.kind;
  }
  if (!findings.empty()) return FindingKind::data_race;
  return std::nullopt;
}

namespace {

std::string shorten(std::string file) {
  static const std::string roots[] = {
#ifdef WEFT_SOURCE_DIR
      std::string(WEFT_SOURCE_DIR) + "/",
#endif
      [] {
        char buf[4096];
        return getcwd(buf, sizeof buf) != nullptr ? std::string(buf) + "/" : std::string();
      }(),
  };
  for (const std::string& r : roots) {
    if (!r.empty() && file.rfind(r, 0) == 0) return file.substr(r.size());
  }
  return file;
}

SourceRef ref_of(const std::source_location& loc, const void* pc, std::string role = {}) {
  SourceRef s;
  if (loc.line() > 0) {
    s.file = shorten(loc.file_name());
    s.line = loc.line();
    s.function = loc.function_name();
  } else if (pc != nullptr) {
    Symbol sym = symbolize(pc);
    s.file = sym.file.empty() ? "?" : shorten(sym.file);
    s.line = sym.line;
    s.function = sym.function;
  } else {
    s.file = "?";
  }
  s.role = std::move(role);
  return s;
}

std::vector<std::string> flag_names(const Event& e) {
  std::vector<std::string> out;
  if (e.is(Event::blocked)) out.emplace_back("blocked");
  if (e.is(Event::wake)) out.emplace_back("wake");
  if (e.is(Event::not_ok)) {
    switch (e.op) {
      case OpKind::chan_recv:
        out.emplace_back("closed");
        break;
      case OpKind::atomic_cas:
        out.emplace_back("failed");
        break;
      case OpKind::select:
        out.emplace_back("default");
        break;
      default:
        out.emplace_back("not_ok");
    }
  }
  if (e.is(Event::via_select)) out.emplace_back("select");
  if (e.is(Event::repeat)) out.emplace_back("already_done");
  return out;
}

Trace make_trace(const ExecutionResult& r, std::uint64_t preemptions) {
  Trace t;
  t.schedule = r.schedule;
  t.steps = r.steps;
  t.preemptions = preemptions;
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    TraceEvent te;
    te.step = e.step;
    te.g = e.g;
    te.op = std::string(op_name(e.op));
    if (e.obj != no_object) te.object = r.object_names[e.obj];
    te.value = r.event_text[i];
    if (te.value.empty() && e.is(Event::has_value)) te.value = std::to_string(e.value);
    te.flags = flag_names(e);
    if (e.partner != no_goroutine) te.partner = e.partner;
    te.where = ref_of(e.loc, e.pc);
    t.events.push_back(std::move(te));
  }
  for (const WaitInfo& w : r.blocked) {
    BlockedGoroutine b;
    b.g = w.g;
    b.op = std::string(op_name(w.op));
    if (w.obj != no_object) b.object = r.object_names[w.obj];
    b.reason = w.reason;
    b.holders = w.holders;
    b.holders.erase(std::remove(b.holders.begin(), b.holders.end(), no_goroutine), b.holders.end());
    b.where = ref_of(w.loc, nullptr);
    t.blocked.push_back(std::move(b));
  }
  for (const GoroutineInfo& g : r.goroutines) {
    GoroutineRef ref;
    ref.id = g.id;
    if (g.parent != no_goroutine) ref.parent = g.parent;
    ref.created_at = ref_of(g.created_at, nullptr);
    t.goroutines.push_back(std::move(ref));
  }
  return t;
}

std::string at(const SourceRef& s) {
  return s.file + ":" + std::to_string(s.line);
}

const TraceEvent* event_at(const Trace& t, std::uint64_t step) {
  for (const TraceEvent& e : t.events) {
    if (e.step == step && std::find(e.flags.begin(), e.flags.end(), "wake") == e.flags.end()) return &e;
  }
  return nullptr;
}

std::string value_part(const TraceEvent* e) {
  return e != nullptr && !e->value.empty() ? " = " + e->value : "";
}

Finding issue_finding(const DetectedIssue& issue, const ExecutionResult& r, const Trace& t) {
  Finding f;
  f.kind = issue.kind;
  f.object = r.object_names.at(issue.obj);
  f.trace = t;
  static const char* race_roles[] = {"earlier access", "racing access"};
  static const char* lost_roles[] = {"read", "overwritten write", "stale write"};
  std::vector<const TraceEvent*> evs;
  for (std::size_t i = 0; i < issue.accesses.size(); ++i) {
    const AccessSite& a = issue.accesses[i];
    const TraceEvent* e = event_at(t, a.step);
    evs.push_back(e);
    SourceRef loc = e != nullptr ? e->where : SourceRef{a.where, 0, "", ""};
    loc.role = issue.kind == FindingKind::data_race ? race_roles[i] : lost_roles[i];
    f.locations.push_back(loc);
    f.key_steps.push_back(a.step);
    if (std::find(f.goroutines.begin(), f.goroutines.end(), a.g) == f.goroutines.end())
      f.goroutines.push_back(a.g);
  }
  auto g = [](GoroutineId id) { return "goroutine " + std::to_string(id); };
  if (issue.kind == FindingKind::lost_update) {
    const AccessSite& rd = issue.accesses[0];
    const AccessSite& lost = issue.accesses[1];
    const AccessSite& wr = issue.accesses[2];
    f.message = g(wr.g) + " overwrote " + f.object +
                " with a value computed from a stale read: " + g(lost.g) + "'s update is lost (" + g(rd.g) +
                " read " + f.object + value_part(evs[0]) + " at " + at(f.locations[0]) + ", " + g(lost.g) +
                " wrote" + value_part(evs[1]) + " at " + at(f.locations[1]) + ", " + g(wr.g) + " wrote" +
                value_part(evs[2]) + " at " + at(f.locations[2]) + ")";
  } else {
    const AccessSite& a = issue.accesses[0];
    const AccessSite& b = issue.accesses[1];
    f.message = g(a.g) + "'s " + std::string(op_name(a.op)) + " of " + f.object + " at " +
                at(f.locations[0]) + " and " + g(b.g) + "'s " + std::string(op_name(b.op)) + " at " +
                at(f.locations[1]) + " are not ordered by happens-before";
  }
  return f;
}

Finding end_finding(const ExecutionResult& r, const Trace& t) {
  Finding f;
  f.kind = *r.end;
  f.message = r.message;
  f.trace = t;
  if (r.culprit != no_goroutine) f.goroutines.push_back(r.culprit);
  if (r.end == FindingKind::deadlock || r.end == FindingKind::goroutine_leak) {
    for (const BlockedGoroutine& b : t.blocked) {
      SourceRef s = b.where;
      s.role = "goroutine " + std::to_string(b.g) + " blocked: " + b.reason;
      f.locations.push_back(s);
      if (std::find(f.goroutines.begin(), f.goroutines.end(), b.g) == f.goroutines.end())
        f.goroutines.push_back(b.g);
    }
  } else {
    f.locations.push_back(ref_of(r.where, nullptr, "here"));
    f.key_steps.push_back(r.steps);
  }
  return f;
}

std::string end_key(const ExecutionResult& r) {
  std::string k(finding_name(*r.end));
  auto loc = [](const std::source_location& l) {
    return std::string(l.file_name()) + ":" + std::to_string(l.line());
  };
  if (r.end == FindingKind::deadlock || r.end == FindingKind::goroutine_leak) {
    std::vector<std::string> sites;
    for (const WaitInfo& w : r.blocked) sites.push_back(std::string(op_name(w.op)) + "@" + loc(w.loc));
    std::sort(sites.begin(), sites.end());
    for (const auto& s : sites) k += "|" + s;
  } else {
    k += "|" + loc(r.where);
  }
  return k;
}

struct Detectors {
  RaceDetector race;
  LostUpdateDetector lost;
  void attach(Execution& x) {
    x.add_observer(&race);
    x.add_observer(&lost);
  }
};

}  // namespace

ReplayOutcome replay_schedule(const std::function<void()>& body, const Params& params,
                              const CheckOptions& options, const std::vector<Decision>& schedule) {
  ReplayOutcome out;
  ReplayStrategy strategy(schedule);
  strategy.next();
  detail::StackPool pool(options.stack_size);
  ExecutionOptions eo;
  eo.max_steps = options.max_steps;
  eo.max_goroutines = options.max_goroutines;
  eo.record = true;
  eo.params = &params;
  Execution x(strategy, pool, eo);
  Detectors d;
  d.attach(x);
  out.result = x.run(body);
  out.divergence = strategy.error();
  if (out.divergence.empty() && strategy.used() != schedule.size()) {
    out.divergence = "diverged: the execution ended after " + std::to_string(strategy.used()) +
                     " decisions but the schedule has " + std::to_string(schedule.size());
  }
  out.trace = make_trace(out.result, strategy.preemptions());
  // Findings in the order they happened: detector issues by step, then the end.
  std::vector<std::pair<std::uint64_t, Finding>> ordered;
  for (const auto* list : {&d.lost.issues(), &d.race.issues()}) {
    for (const DetectedIssue& i : *list) {
      ordered.emplace_back(i.accesses.back().step, issue_finding(i, out.result, out.trace));
    }
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [step, f] : ordered) out.findings.push_back(std::move(f));
  if (out.result.end) out.findings.push_back(end_finding(out.result, out.trace));
  return out;
}

Report run_check(const std::string& name, const std::function<void()>& body, const Params& params,
                 const CheckOptions& options) {
  return run_check(name, body, params, options, Predictor());
}

namespace {

using SteadyClock = std::chrono::steady_clock;

// One search loop: the whole search, or the subtree of a parallel DPOR task.
struct Search {
  Search(const std::function<void()>& b, const Params& p, const CheckOptions& o, const Predictor& pr,
         Report& r, SteadyClock::time_point t0, const DporTask* t = nullptr)
      : body(b), params(p), options(o), predictor(pr), report(r), start(t0), task(t) {}
  const std::function<void()>& body;
  const Params& params;
  const CheckOptions& options;
  const Predictor& predictor;
  Report& report;
  SteadyClock::time_point start;
  const DporTask* task;                 // a task's search ends when the task is void
  detail::StackPool* stacks = nullptr;  // fiber stacks to use (null: the search's own)
  std::set<std::string> seen;
  bool stopped = false;
  bool exhausted = false;

  // Reports a new finding, numbered by the execution (1-based) that showed it.
  void add(Finding f, std::uint64_t execution) {
    f.execution = execution;
    if (options.on_finding) options.on_finding(f);
    report.findings.push_back(std::move(f));
  }
};

void run_search(Search& s, Strategy& strategy) {
  const CheckOptions& options = s.options;
  Report& report = s.report;
  std::optional<detail::StackPool> own_stacks;
  detail::StackPool& pool = s.stacks != nullptr ? *s.stacks : own_stacks.emplace(options.stack_size);
  ExecutionOptions eo;
  eo.max_steps = options.max_steps;
  eo.max_goroutines = options.max_goroutines;
  eo.params = &s.params;
  Detectors d;  // one for the whole search: it resets itself per execution and keeps its memory
  ExecutionResult r;

  while (true) {
    Execution::recycle(std::move(r));  // the next execution reuses its memory
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      report.incomplete_reason = "cancelled";
      break;
    }
    if (s.task != nullptr && s.task->void_()) break;
    if (options.max_executions > 0 && report.stats.executions >= options.max_executions) {
      report.incomplete_reason = "limit: executions (" + std::to_string(options.max_executions) +
                                 ") reached before the search was complete (raise with --max-executions)";
      break;
    }
    if (options.time_budget > 0 &&  // the clock is read only when there is a budget
        std::chrono::duration<double>(SteadyClock::now() - s.start).count() >= options.time_budget) {
      report.incomplete_reason = "limit: time budget (" + std::to_string(options.time_budget) +
                                 " s) used up before the search was complete (raise with --time-budget)";
      break;
    }
    if (!strategy.next()) {
      s.exhausted = !s.stopped;  // a parallel task's results can stop the search here
      break;
    }
    Execution x(strategy, pool, eo);
    d.attach(x);
    r = x.run(s.body);
    if (!strategy.error().empty()) throw ModelError(strategy.error());
    if (strategy.blocked_last()) {
      ++report.stats.blocked_executions;  // abandoned by the sleep sets: its class was explored
      continue;
    }
    if (!strategy.owns_last()) continue;  // a probe of another shard's subtree
    ++report.stats.executions;
    report.stats.steps += r.steps;

    // Which of this execution's findings are new?
    std::vector<std::string> fresh;
    bool stopping = false;
    for (const auto* list : {&d.lost.issues(), &d.race.issues()}) {
      for (const DetectedIssue& i : *list) {
        if (i.kind != FindingKind::data_race) stopping = true;
        std::string k = i.key();
        if (!s.seen.count(k)) fresh.push_back(k);
      }
    }
    if (r.end) {
      stopping = true;
      std::string k = end_key(r);
      if (!s.seen.count(k)) fresh.push_back(k);
    }
    if (!fresh.empty()) {
      // Replay the execution with recording on to build the findings' traces.
      ReplayOutcome rep = replay_schedule(s.body, s.params, options, r.schedule);
      if (!rep.divergence.empty()) {
        throw ModelError("the model is not deterministic: replaying a failing execution " + rep.divergence);
      }
      for (Finding& f : rep.findings) {
        std::string k;
        if (f.kind == FindingKind::lost_update || f.kind == FindingKind::data_race) {
          // Rebuild the key the same way the search did.
          DetectedIssue probe{f.kind, no_object, {}};
          for (std::size_t i = 0; i < f.key_steps.size(); ++i) {
            const TraceEvent* e = event_at(rep.trace, f.key_steps[i]);
            const Event& raw = rep.result.events[static_cast<std::size_t>(e - rep.trace.events.data())];
            probe.accesses.push_back({raw.step, raw.g, raw.op, site_of(raw)});
          }
          k = probe.key();
        } else {
          k = end_key(rep.result);
        }
        if (std::find(fresh.begin(), fresh.end(), k) == fresh.end() || s.seen.count(k)) continue;
        s.seen.insert(k);
        f.key = k;
        s.add(std::move(f), report.stats.executions);
      }
    }
    if (s.predictor && options.predict_every > 0 &&
        (report.stats.executions - 1) % options.predict_every == 0 && !(stopping && !options.all)) {
      // Prediction: findings another interleaving of this execution shows, each confirmed by a run.
      for (Finding& f : s.predictor(r.schedule, report.stats)) {
        std::string k = "predicted|" + std::string(finding_name(f.kind));
        for (const SourceRef& loc : f.locations) k += "|" + loc.file + ":" + std::to_string(loc.line);
        if (!s.seen.insert(k).second) continue;
        f.key = k;
        if (f.kind != FindingKind::data_race) stopping = true;
        s.add(std::move(f), report.stats.executions);
      }
    }
    if (options.on_progress) options.on_progress(report.stats, report.findings.size());
    if (stopping && !options.all) {
      s.stopped = true;
      break;
    }
  }
}

// The threads of a parallel DPOR search. Tasks wait in one queue; a thread
// waiting for a task it handed out runs meanwhile only tasks of its own
// search's subtree (so no wait can close a cycle): that task's own first,
// then, in a search that explores everything (`all`), the others. A search
// that stops at its first failing execution takes only the task's own:
// if that task stops, the search ends there, and a sibling's subtree this
// thread had started would have to be finished first (nothing cancels it).
class DporThreads {
 public:
  using Run = std::function<void(const std::shared_ptr<DporTask>&)>;
  DporThreads(std::uint32_t helpers, bool eager, bool always_starved, bool all, Run run)
      : run_(std::move(run)),
        eager_(eager),
        always_starved_(always_starved),
        all_(all),
        spin_(helpers < std::max(1u, std::thread::hardware_concurrency())) {
    for (std::uint32_t i = 0; i < helpers; ++i) threads_.emplace_back([this] { helper(); });
  }
  ~DporThreads() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      cancel_ = true;
      signal();
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  const std::atomic<bool>* cancel() const { return &cancel_; }
  // The fiber stacks of the calling thread's tasks: kept from one task to
  // the next (a pool per task mapped and faulted in fresh stacks each time).
  detail::StackPool& stacks(std::size_t stack_size) {
    std::lock_guard<std::mutex> lock(mu_);
    std::unique_ptr<detail::StackPool>& p = stacks_[std::this_thread::get_id()];
    if (!p) p = std::make_unique<detail::StackPool>(stack_size);
    return *p;
  }
  bool wants_work() const { return eager_ || wanted_since_.load(std::memory_order_relaxed) != 0; }
  // Whether a thread has been waiting for work, with none queued, for
  // longer than a task's hand-over takes (tens of microseconds): a branch
  // that grew a few executions ago may be handed out then, though it may
  // grow again and void its task, since the idle thread does nothing
  // meanwhile.
  static constexpr std::chrono::microseconds starved_after{500};
  bool starved() const {
    if (always_starved_) return true;
    const SteadyClock::rep since = wanted_since_.load(std::memory_order_relaxed);
    return since != 0 && SteadyClock::now().time_since_epoch() - SteadyClock::duration(since) > starved_after;
  }
  void publish(std::shared_ptr<DporTask> t) {
    Retired mine;
    {
      std::lock_guard<std::mutex> lock(mu_);
      t->publisher = std::this_thread::get_id();
      queue_.push_back(std::move(t));
      update();
      signal();
      mine = take_retired();
    }
    cv_.notify_all();
  }
  bool await(const std::shared_ptr<DporTask>& t) {
    std::unique_lock<std::mutex> lock(mu_);
    if (t->state.load() == DporTask::queued) {
      queue_.erase(std::find(queue_.begin(), queue_.end(), t));
      update();
      return false;
    }
    while (t->state.load() != DporTask::done) {
      // t's own subtasks first (its end is what this thread waits for),
      // then any other task of the search that waits (t's later siblings).
      auto mine = queued_below(t.get());
      if (mine == queue_.end() && all_) mine = queued_below(t->parent.get());
      if (mine != queue_.end()) {
        run_queued(lock, mine);
      } else {
        idle(lock);
      }
    }
    return !t->void_();
  }
  bool would_wait(const std::shared_ptr<DporTask>& t) {
    std::lock_guard<std::mutex> lock(mu_);
    return t->state.load() == DporTask::running && queued_below(t.get()) == queue_.end();
  }
  // A task's records, applied (retire), and its start, copied by the task
  // (retire_start): freed here if this thread built them, else by the
  // thread that did, the next time it takes a task, publishes one or waits.
  void retire(DporTask& t) { give_back(t.out, t.runner, &Retired::outs); }
  void retire_start(DporTask& t) { give_back(t.start, t.publisher, &Retired::starts); }

 private:
  // Whether task q belongs to the subtree of `of` (null: the whole search).
  // A thread runs only such tasks while `of`'s search waits: every task on
  // a thread's stack then belongs to the one below it, and waits go only to
  // tasks of a task's own subtree, so no wait can close a cycle.
  static bool below(const DporTask& q, const DporTask* of) {
    if (of == nullptr) return true;
    for (const DporTask* p = q.parent.get(); p != nullptr; p = p->parent.get()) {
      if (p == of) return true;
    }
    return false;
  }
  // The first queued task of the subtree of `of` (mu_ held).
  std::deque<std::shared_ptr<DporTask>>::iterator queued_below(const DporTask* of) {
    return std::find_if(queue_.begin(), queue_.end(),
                        [of](const std::shared_ptr<DporTask>& q) { return below(*q, of); });
  }
  void update() {
    if (idle_ <= queue_.size()) {
      wanted_since_.store(0, std::memory_order_relaxed);
    } else if (wanted_since_.load(std::memory_order_relaxed) == 0) {
      const SteadyClock::rep now = SteadyClock::now().time_since_epoch().count();
      wanted_since_.store(std::max<SteadyClock::rep>(now, 1), std::memory_order_relaxed);
    }
  }
  // Takes a task out of the queue and runs it on this thread (unlocked meanwhile).
  void run_queued(std::unique_lock<std::mutex>& lock, std::deque<std::shared_ptr<DporTask>>::iterator it) {
    std::shared_ptr<DporTask> t = *it;
    queue_.erase(it);
    update();
    t->state = DporTask::running;
    t->runner = std::this_thread::get_id();
    Retired mine = take_retired();
    lock.unlock();
    mine = {};
    run_(t);
    lock.lock();
    t->state = DporTask::done;
    signal();
    cv_.notify_all();
  }
  void helper() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      if (!queue_.empty()) {
        run_queued(lock, queue_.begin());
      } else {
        idle(lock);
      }
    }
  }
  // What this thread built and others are done with (mu_ held).
  struct Retired {
    std::vector<DporTask::StartPtr> starts;
    std::vector<DporTask::OutPtr> outs;
    bool empty() const { return starts.empty() && outs.empty(); }
  };
  template <class Ptr>
  void give_back(Ptr& p, std::thread::id home, std::vector<Ptr> Retired::*list) {
    if (home == std::this_thread::get_id()) {
      p.reset();
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    (retired_[home].*list).push_back(std::move(p));
  }
  Retired take_retired() {
    Retired mine;
    if (auto it = retired_.find(std::this_thread::get_id()); it != retired_.end())
      std::swap(mine, it->second);
    return mine;
  }
  void idle(std::unique_lock<std::mutex>& lock) {
    if (Retired mine = take_retired(); !mine.empty()) {
      lock.unlock();  // frees them; then the caller looks for work again
      mine = {};
      lock.lock();
      return;
    }
    ++idle_;
    update();
    if (!spin_ || !spin(lock)) cv_.wait(lock);
    --idle_;
    update();
  }
  // Something a waiting thread may be waiting for happened (mu_ held):
  // a task was queued or finished, or the threads are to stop.
  void signal() { signals_.store(signals_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
  // Waits for signal() by spinning, unlocked, for up to spin_for; true if
  // it came (mu_ is held again either way). Most waits for work are
  // shorter than that (the median about 60 us), and a thread woken from a
  // condition variable starts 30 to 50 us after the notify on a virtual
  // machine; with no more threads than cores, the spinning core has
  // nothing else to do.
  static constexpr std::chrono::microseconds spin_for{200};
  bool spin(std::unique_lock<std::mutex>& lock) {
    const std::uint64_t seen = signals_.load(std::memory_order_acquire);
    lock.unlock();
    const auto until = SteadyClock::now() + spin_for;
    bool came = false;
    for (std::uint32_t i = 1; !came; ++i) {
      came = signals_.load(std::memory_order_acquire) != seen;
      if (i % 64 == 0 && SteadyClock::now() > until) break;
#if defined(__x86_64__)
      __builtin_ia32_pause();
#endif
    }
    lock.lock();
    return came || signals_.load(std::memory_order_relaxed) != seen;
  }

  Run run_;
  bool eager_;
  bool always_starved_;
  bool all_;
  bool spin_;  // whether a waiting thread spins first: no more threads than cores
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<DporTask>> queue_;
  std::size_t idle_ = 0;
  // Since when a thread has waited for work with none queued (ticks of
  // SteadyClock; 0: no thread waits so, or it has work queued for it).
  std::atomic<SteadyClock::rep> wanted_since_{0};
  std::atomic<bool> cancel_{false};
  std::atomic<std::uint64_t> signals_{0};  // signal()s so far
  bool stop_ = false;
  std::map<std::thread::id, std::unique_ptr<detail::StackPool>> stacks_;
  std::map<std::thread::id, Retired> retired_;
  std::vector<std::thread> threads_;
};

// What one search loop offers its DPOR strategy: the threads, and the
// search that takes a finished task's results.
class Frame final : public DporLink {
 public:
  Frame(DporThreads& threads, std::shared_ptr<DporTask> self, Search& search)
      : threads_(threads), self_(std::move(self)), search_(search) {}
  bool wants_work() const override { return threads_.wants_work(); }
  bool starved() const override { return threads_.starved(); }
  void publish(std::shared_ptr<DporTask> task) override {
    task->parent = self_;
    threads_.publish(std::move(task));
  }
  bool await(const std::shared_ptr<DporTask>& task) override { return threads_.await(task); }
  bool would_wait(const std::shared_ptr<DporTask>& task) const override { return threads_.would_wait(task); }
  bool wrong_predictions() const override { return search_.options.wrong_predictions; }
  void retire(DporTask& task) override { threads_.retire(task); }
  bool commit(DporTask& t) override {
    if (t.error) std::rethrow_exception(t.error);
    Report& report = search_.report;
    for (Finding& f : t.findings) {
      if (!search_.seen.insert(f.key).second) continue;
      const std::uint64_t at = report.stats.executions + f.execution;  // renumbered after this search's own
      search_.add(std::move(f), at);
    }
    report.stats.executions += t.stats.executions;
    report.stats.blocked_executions += t.stats.blocked_executions;
    report.stats.steps += t.stats.steps;
    if (search_.options.on_progress) search_.options.on_progress(report.stats, report.findings.size());
    if (t.stopped) search_.stopped = true;
    return !t.stopped;
  }

 private:
  DporThreads& threads_;
  std::shared_ptr<DporTask> self_;
  Search& search_;
};

bool parallel_dpor_applies(const CheckOptions& options) {
  return options.jobs > 1 && (options.strategy == "dpor" || options.strategy == "source-dpor") &&
         !options.max_preemptions && options.max_executions == 0 && options.time_budget == 0 &&
         options.split == nullptr && options.shard_count <= 1 && options.predict_every == 0;
}

}  // namespace

Report run_check(const std::string& name, const std::function<void()>& body, const Params& params,
                 const CheckOptions& options, const Predictor& predictor) {
  if (!predictor && parallel_applies(options)) return run_parallel_check(name, body, params, options);
  const auto start = SteadyClock::now();
  Report report = Report::of(name, params, options);

  std::unique_ptr<Strategy> strategy = make_search_strategy(options);
  Search search(body, params, options, predictor, report, start);
  if (!predictor && parallel_dpor_applies(options)) {
    // Tasks run their subtrees with the same loop; only this search reports progress and findings.
    CheckOptions task_options = options;
    task_options.minimize = false;
    task_options.on_progress = nullptr;
    task_options.on_finding = nullptr;
    // The tasks reach the threads through a plain pointer: it stays valid
    // until the destructor has joined every thread (a unique_ptr being reset
    // reads as null meanwhile, and a thread may start one last task then).
    DporThreads* threads = nullptr;
    DporThreads::Run run = [&](const std::shared_ptr<DporTask>& t) {
      Report r;
      Search s(body, params, task_options, predictor, r, start, t.get());
      s.stacks = &threads->stacks(options.stack_size);
      try {
        SourceDporStrategy sub(*t);
        threads->retire_start(*t);
        Frame frame(*threads, t, s);
        sub.link(&frame);
        run_search(s, sub);
      } catch (...) {
        t->error = std::current_exception();
      }
      t->stats = r.stats;
      t->findings = std::move(r.findings);
      t->stopped = s.stopped;
    };
    const auto owner = std::make_unique<DporThreads>(options.jobs - 1, options.split_eagerly,
                                                     options.always_starved, options.all, run);
    threads = owner.get();
    task_options.cancel = threads->cancel();
    Frame frame(*threads, nullptr, search);
    if (auto* dpor = dynamic_cast<SourceDporStrategy*>(strategy.get())) dpor->link(&frame);
    run_search(search, *strategy);
  } else {
    run_search(search, *strategy);
  }
  if (options.minimize) {
    for (Finding& f : report.findings) f = minimize_finding(body, params, options, f);
  }
  report.complete = search.exhausted && strategy->exhaustive();
  if (search.stopped)
    report.incomplete_reason = "stopped at the first failing execution (use --all to keep exploring)";
  if (search.exhausted && !strategy->exhaustive())
    report.incomplete_reason = "the strategy does not explore exhaustively";
  report.stats.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return report;
}

Report run_check(const Model& model, const Params& params, const CheckOptions& options) {
  return run_check(model.name, model.body, params, options);
}

}  // namespace weft::check
