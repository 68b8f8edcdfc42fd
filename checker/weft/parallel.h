// Exploring one DFS tree with several threads (`--jobs N`). Each thread has
// its own strategy, fibers, stacks and program state; the threads pull the
// subtrees of one split (checker/weft/shard.h) in DFS order, each subtree
// claimed by exactly one thread. The result is the one a single thread
// gives: the same execution counts, the same findings, each numbered by and
// shown with the execution of a single-threaded search.
//
// Parallel exploration applies to complete DFS searches (--strategy dfs, no
// --max-executions). Without --all, a search that meets a failing execution
// stops there; which one that is depends on the order, so when a thread
// meets one, the threads stop and the search runs again on one thread.
#pragma once

#include <functional>
#include <string>

#include "weft/report.h"

namespace weft::check {

// True when `options` asks for threads and the search can use them.
bool parallel_applies(const CheckOptions& options);

// run_check() with options.jobs threads.
Report run_parallel_check(const std::string& name, const std::function<void()>& body, const Params& params,
                          const CheckOptions& options);

// The number of cores (at least 1): the default of --jobs.
std::uint32_t default_jobs();

}  // namespace weft::check
