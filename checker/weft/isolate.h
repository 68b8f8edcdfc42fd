// Crash and hang isolation: the program under test runs in a forked worker
// process, so a segfault, an abort, a fiber stack overflow, a spin loop that
// never reaches a scheduling point or a runaway allocation ends the worker,
// not weft. The worker writes each decision of the running execution into
// shared memory (one store per decision, detail::Journal in execution.h) and
// streams each finding to the supervisor as it is found. When the worker
// dies, the supervisor reads the schedule prefix from that memory and turns
// the death into a `crash` or `hang` finding (or a memory limit message); the
// findings streamed before are kept. The search stops there (complete:
// false): it is not resumed past a crash.
//
//   weft::check::IsolationOptions iso;
//   Report r = weft::check::run_isolated(name, params, opts, iso,
//       [&](const CheckOptions& o) { return run_check(name, body, params, o); });
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "weft/report.h"

namespace weft::check {

struct IsolationOptions {
  // Seconds an execution may go without a decision (a goroutine that runs
  // without reaching a scheduling point) before it is a `hang`; 0: no limit.
  double execution_timeout = 10;
  // Memory the worker may add, in MiB, before the search ends with a limit
  // message; 0: no limit.
  std::uint64_t max_memory_mb = 4096;
};

// How a worker ended.
struct WorkerEnd {
  enum class How : std::uint8_t { exited, crashed, hung, out_of_memory };
  How how = How::exited;
  int status = 0;                      // exit status when exited
  int signal = 0;                      // the fatal signal when crashed
  bool stack_overflow = false;         // the fault hit just below the stack pointer
  SourceRef where;                     // the faulting instruction, when known
  std::vector<Decision> schedule;      // the dying execution's decisions so far
  GoroutineId running = no_goroutine;  // the goroutine that ran last
  std::uint64_t steps = 0;             // picks among those decisions
};

// Runs `fn` in a forked worker under the watchdogs and returns how it ended
// (`status` is fn's return value when it returned). stdout and stderr are
// shared with the worker, which flushes them before it exits.
WorkerEnd run_in_worker(const IsolationOptions& iso, const std::function<int()>& fn);

// run_check in a worker: `search` runs there with `options` (plus the hooks
// that stream findings); the report comes back through a pipe as JSON. On a
// crash or hang the report holds the findings streamed before it, then the
// crash or hang finding, with complete = false.
Report run_isolated(const std::string& model, const Params& params, const CheckOptions& options,
                    const IsolationOptions& iso, const std::function<Report(const CheckOptions&)>& search);

// The finding a crashed or hung worker stands for (kind crash or hang; the
// signal's name, e.g. "SIGSEGV", in `object` for a crash).
Finding death_finding(const WorkerEnd& end, const IsolationOptions& iso);

// "SIGSEGV (segmentation fault)".
std::string describe_signal(int sig);
std::string signal_name(int sig);

}  // namespace weft::check
