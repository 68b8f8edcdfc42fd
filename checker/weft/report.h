// What a check produces: findings with their counterexample traces, stats,
// and whether the space was explored completely. This is the data behind
// the text report, the JSON document and replay.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "weft/execution.h"
#include "weft/op.h"

namespace weft::check {

struct SplitLog;

struct SourceRef {
  std::string file;
  std::uint32_t line = 0;
  std::string function;
  std::string role;  // "read", "overwritten write", "blocked here", ...
  friend bool operator==(const SourceRef&, const SourceRef&) = default;
};

struct TraceEvent {
  std::uint64_t step = 0;
  GoroutineId g = no_goroutine;
  std::string op;
  std::string object;  // empty when the operation has none
  std::string value;   // empty when it has none
  std::vector<std::string> flags;
  std::optional<GoroutineId> partner;
  SourceRef where;
  friend bool operator==(const TraceEvent&, const TraceEvent&) = default;
};

struct BlockedGoroutine {
  GoroutineId g = no_goroutine;
  std::string op;
  std::string object;
  std::string reason;
  std::vector<GoroutineId> holders;
  SourceRef where;
  friend bool operator==(const BlockedGoroutine&, const BlockedGoroutine&) = default;
};

struct GoroutineRef {
  GoroutineId id = no_goroutine;
  std::optional<GoroutineId> parent;
  SourceRef created_at;
  friend bool operator==(const GoroutineRef&, const GoroutineRef&) = default;
};

struct Trace {
  std::vector<Decision> schedule;
  std::vector<TraceEvent> events;
  std::vector<BlockedGoroutine> blocked;
  std::vector<GoroutineRef> goroutines;
  std::uint64_t preemptions = 0;
  std::uint64_t steps = 0;
  friend bool operator==(const Trace&, const Trace&) = default;
};

// How the counterexample of a finding was made small (checker/minimize.cpp).
struct Minimization {
  bool searched = false;                   // a bounded search ran for this finding
  bool fewest_preemptions = false;         // every smaller preemption bound was explored without a match
  bool fewest_steps = false;               // ... and the whole bound of the result was explored too
  std::uint64_t executions = 0;            // executions the search ran
  std::uint64_t original_preemptions = 0;  // of the counterexample the exploration found first
  std::uint64_t original_steps = 0;
  friend bool operator==(const Minimization&, const Minimization&) = default;
};

struct Finding {
  FindingKind kind = FindingKind::panic;
  std::string message;
  std::vector<SourceRef> locations;
  std::vector<GoroutineId> goroutines;
  std::vector<std::uint64_t> key_steps;  // the steps the finding is about
  std::string object;
  std::uint64_t execution = 0;  // 1-based index of the execution that showed it
  // What makes two findings the same one (set by the search; used to merge the
  // findings of threads and shards; not serialised: merge falls back to kind and locations).
  std::string key;
  Trace trace;
  Minimization minimized;
  friend bool operator==(const Finding&, const Finding&) = default;
};

struct Stats {
  std::uint64_t executions = 0;
  std::uint64_t blocked_executions = 0;
  std::uint64_t steps = 0;
  double seconds = 0;
  std::uint64_t predictions = 0;              // satisfiable prediction queries, each one run to confirm it
  std::uint64_t unconfirmed_predictions = 0;  // predicted but not shown by the run: never reported
};

struct CheckOptions {
  std::string strategy = "dpor";
  std::uint64_t seed = 1;
  std::uint64_t max_executions = 0;  // 0: no cap
  double time_budget = 0;            // seconds; 0: no cap
  bool all = false;                  // keep going after a failing execution
  std::uint64_t max_steps = 100000;
  // Explore only the schedules with at most this many preemptions (a DFS;
  // checker/weft/dpor.h). Unset: no bound.
  std::optional<std::uint32_t> max_preemptions;
  std::uint32_t pct_depth = 3;  // --strategy pct: the bug depth d (d - 1 priority change points)
  std::uint32_t max_goroutines = 10000;
  std::size_t stack_size = 256 * 1024;
  // After the search, look for each finding's smallest counterexample (fewest
  // preemptions, then fewest steps), within this budget per finding.
  bool minimize = true;
  double minimize_seconds = 2;
  std::uint64_t minimize_executions = 20000;
  // Called after every execution with the counts so far (the progress display).
  std::function<void(const Stats& stats, std::size_t findings)> on_progress;
  // Called with each new finding as the search finds it (before minimization);
  // a crash-isolating supervisor keeps them if the worker dies (isolate.h).
  std::function<void(const Finding& finding)> on_finding;
  std::uint64_t predict_every = 0;  // with a predictor: predict from every Nth execution (0: never)
  // Splitting the search (checker/weft/shard.h): this run explores only the
  // DFS subtrees of shard `shard_index` of `shard_count`, with `jobs` threads.
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
  std::uint32_t jobs = 1;
  SplitLog* split = nullptr;                  // internal: a thread's part of a parallel search
  const std::atomic<bool>* cancel = nullptr;  // internal: ends the search early when set
  // internal (tests): parallel DPOR hands a branch out at every chance, not
  // only when a thread is idle, so that the hand-over is exercised on small searches
  bool split_eagerly = false;
  // internal (tests): parallel DPOR takes the accesses it predicts for a
  // branch still running elsewhere (checker/dpor.cpp, predicted()) to be
  // none, so that every branch handed out on a prediction has to be
  // explored again when the search reaches it
  bool wrong_predictions = false;
  // internal (tests): parallel DPOR takes every thread as starved for work
  // (checker/check.cpp, DporThreads::starved()), so that branches that
  // grew in the last executions are handed out too, and their tasks are
  // voided when the branch grows again
  bool always_starved = false;
};

struct Report {
  std::string model;
  Params params;
  std::string strategy;
  std::uint64_t seed = 0;
  CheckOptions options;
  Stats stats;
  bool complete = false;
  std::string incomplete_reason;  // which cap ended the search, or why it stopped early
  std::vector<Finding> findings;

  // The kind of the first finding that ends a search (anything but a data
  // race), else data_race if any race was seen, else nothing.
  std::optional<FindingKind> verdict() const;
  // An empty report of a search of `model` with these parameters and options.
  static Report of(const std::string& model, const Params& params, const CheckOptions& options);
};

inline constexpr const char* tool_version = "0.1.0";

}  // namespace weft::check
