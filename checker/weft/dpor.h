// Strategies beyond plain DFS and the random walk: preemption bounding
// (checker/bounded.cpp), partial-order reduction (checker/dpor.cpp) and
// PCT (checker/pct.cpp). All are Strategy siblings; make_strategy() in
// checker/random.cpp builds them from CheckOptions.
//
//   CheckOptions o;
//   o.strategy = "source-dpor";  // or o.max_preemptions = 2; or "pct" with o.pct_depth
//   Report r = run_check(model, params, o);
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "weft/dependency.h"
#include "weft/report.h"
#include "weft/strategy.h"

namespace weft::check {

// Depth-first search over exactly the schedules with at most `bound`
// preemptions. A preemption is a switch away from the goroutine that ran the
// previous step while that goroutine could still move; a switch after it
// blocked or finished is free, and so is every choice inside the program.
// At each pick the goroutine that ran last comes first. Exhaustive when the
// bound never kept a schedule out.
class BoundedDfsStrategy final : public Strategy {
 public:
  explicit BoundedDfsStrategy(std::uint32_t bound) : bound_(bound) {}
  bool next() override;
  bool exhaustive() const override { return !pruned_; }
  std::string name() const override { return "dfs (max " + std::to_string(bound_) + " preemptions)"; }
  void begin(Execution&) override;
  std::size_t pick(std::span<const Candidate> enabled) override;
  std::size_t choose(std::size_t n, ChoiceKind why) override;
  // True once the bound kept some schedule out.
  bool pruned() const { return pruned_; }

 private:
  std::uint32_t decide(std::uint32_t n);
  struct Node {
    std::uint32_t options;
    std::uint32_t taken;
  };
  std::uint32_t bound_;
  std::vector<Node> path_;
  std::size_t pos_ = 0;
  std::uint32_t used_ = 0;
  GoroutineId last_ = no_goroutine;
  bool started_ = false;
  bool pruned_ = false;
};

// Parallel DPOR (`--jobs N` with `--strategy dpor` or `source-dpor`; docs/scaling.md).
// A search hands the next unexplored branch of one of its scheduling points
// to another thread as a task: a copy of the path to that point plus the
// branch's wakeup subtree. The task explores that subtree alone. What it
// would have changed outside its subtree (insertions into the wakeup trees
// of the path it was given) it records instead, and the search that handed
// it out applies those records when its own exploration reaches the branch,
// in the order a single thread would have made them. A record that extends
// the branch's own wakeup subtree means the task started from the wrong
// tree: it is cancelled and the branch explored again. So every insertion,
// every execution and every finding is the one a single thread makes.
// With source sets a task takes the next goroutine of a backtrack set and
// records the additions to backtrack sets of its path the same way; nothing
// found later can change such a branch's subtree, so none is cancelled.
//
// Memory goes back to the thread that allocated it to be freed: the start,
// once the task has copied it, to the publisher; the task's records, once
// applied, to the thread that ran it (DporLink::retire). A chunk freed on
// another thread goes to that thread's allocator cache and comes back as
// its next allocation, on cache lines whose other half the first thread
// still writes (docs/performance.md).
struct DporTask {
  struct Start;  // where the subtree starts (checker/dpor.cpp)
  struct Out;    // what it leaves for the search that handed it out
  struct StartDeleter {
    void operator()(Start* start) const;
  };
  struct OutDeleter {
    void operator()(Out* out) const;
  };
  using StartPtr = std::unique_ptr<Start, StartDeleter>;
  using OutPtr = std::unique_ptr<Out, OutDeleter>;
  DporTask();
  ~DporTask();
  DporTask(const DporTask&) = delete;
  DporTask& operator=(const DporTask&) = delete;
  std::shared_ptr<DporTask> parent;  // the task whose search handed this one out (null: the whole search)
  StartPtr start;                    // built and freed by the publisher
  OutPtr out;                        // built by the thread that runs the task (null before)
  std::thread::id publisher, runner;
  enum : int { queued, running, done };
  std::atomic<int> state{queued};
  std::atomic<bool> cancelled{false};
  // The task's subtree is copied by the thread that runs it, out of the
  // publisher's tree, while the publisher goes on; the publisher withdraws
  // a task that has not begun before it changes that part of its tree
  // (checker/dpor.cpp, withdraw()).
  enum : int { not_copied, copying, copied, withdrawn };
  std::atomic<int> copy{not_copied};
  // True when this task or one it belongs to was cancelled, or one it
  // belongs to has finished without it: its results are void.
  bool void_() const;
  // The subtree's search, as a single thread finds it (findings numbered from
  // 1 within the subtree); filled by the thread that ran it.
  Stats stats;
  std::vector<Finding> findings;
  bool stopped = false;  // ended at a failing execution (without --all)
  std::exception_ptr error;
};

// What a search running a DPOR strategy offers it for parallel exploration.
class DporLink {
 public:
  virtual ~DporLink() = default;
  // Some thread waits for work: hand a branch out.
  virtual bool wants_work() const = 0;
  // Some thread has waited for work for a while (DporThreads::starved):
  // hand out even a branch that may still grow (and void its task).
  virtual bool starved() const { return false; }
  virtual void publish(std::shared_ptr<DporTask> task) = 0;
  // Waits until a published task is done. False when it never started (it
  // is taken back: the caller explores the branch itself) or was cancelled.
  virtual bool await(const std::shared_ptr<DporTask>& task) = 0;
  // Whether await(task) would now leave this thread with nothing to do
  // (the task runs elsewhere and has no subtask waiting to be run).
  virtual bool would_wait(const std::shared_ptr<DporTask>& task) const = 0;
  // Tests: predictions of a running branch's accesses are to be wrong
  // (CheckOptions::wrong_predictions).
  virtual bool wrong_predictions() const { return false; }
  // Adds a finished task's executions and findings to the search, after
  // everything explored before its branch. False: the search stops there.
  virtual bool commit(DporTask& task) = 0;
  // Takes a task's records, read and applied, to be freed on the thread that built them.
  virtual void retire(DporTask& task) = 0;
};

// Source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL
// 2014): explores at least one execution of every equivalence class of
// executions (same dependent operations in the same order), and thanks to
// sleep sets never two complete executions of the same class. An execution
// that can only continue into an explored class is abandoned and counted
// apart (blocked()). Choices inside the program are explored exhaustively.
//
// With `optimal` set, the backtrack sets become wakeup trees (optimal DPOR,
// the same authors, JACM 2017): exactly one complete execution per class and,
// on programs whose operations never wait, no blocked executions at all.
class SourceDporStrategy final : public Strategy {
 public:
  explicit SourceDporStrategy(bool optimal = false);
  // DPOR (optimal or with source sets, as the task's search) over the
  // subtree of a task (its executions replay the path the task starts from).
  explicit SourceDporStrategy(DporTask& task);
  ~SourceDporStrategy() override;
  // Parallel exploration: hand branches out through `link`.
  void link(DporLink* link);
  bool next() override;
  bool exhaustive() const override { return true; }
  std::string name() const override { return optimal_ ? "dpor" : "source-dpor"; }
  void begin(Execution&) override;
  std::size_t pick(std::span<const Candidate> enabled) override;
  std::size_t choose(std::size_t n, ChoiceKind why) override;
  void disabled(std::span<const Candidate> waiting) override;
  void end(std::span<const Candidate> pending) override;
  bool blocked_last() const override { return blocked_; }
  // Feeds the step's events to the reduction (an Observer attached by begin()).
  void on_event(const Event& e);

 private:
  struct State;
  std::unique_ptr<State> s_;
  bool optimal_ = false;
  bool blocked_ = false;
};

// PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): each
// execution gives the goroutines random distinct priorities and picks
// `depth - 1` random change points among the first `steps` steps (an estimate
// that grows to the longest execution seen); the highest-priority enabled
// goroutine always runs, and at a change point the running goroutine drops
// below all others. A bug of depth d in a program with n goroutines and k
// steps is found by each execution with probability at least 1/(n k^(d-1)).
class PctStrategy final : public Strategy {
 public:
  PctStrategy(std::uint64_t seed, std::uint32_t depth);
  bool next() override { return true; }
  bool exhaustive() const override { return false; }
  std::string name() const override { return "pct"; }
  void begin(Execution&) override;
  std::size_t pick(std::span<const Candidate> enabled) override;
  std::size_t choose(std::size_t n, ChoiceKind) override { return rng_.below(n); }
  void end(std::span<const Candidate>) override;

 private:
  std::uint64_t priority(GoroutineId g);
  Rng rng_;
  std::uint32_t depth_;
  std::uint64_t estimate_ = 32;  // steps per execution, grows to the longest seen
  std::uint64_t step_ = 0;
  std::uint64_t low_ = 0;  // next priority below every other (change points)
  std::vector<std::uint64_t> change_points_;
  std::vector<std::uint64_t> priorities_;
};

}  // namespace weft::check
