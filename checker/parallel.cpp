#include "weft/parallel.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "weft/check.h"
#include "weft/minimize.h"
#include "weft/shard.h"

namespace weft::check {

namespace {

bool ends_search(const Report& r) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [](const Finding& f) { return f.kind != FindingKind::data_race; });
}

std::string merge_key(const Finding& f) {
  if (!f.key.empty()) return f.key;
  std::string k(finding_name(f.kind));
  for (const SourceRef& s : f.locations) k += "|" + s.file + ":" + std::to_string(s.line);
  return k;
}

// The parts the threads explored, in DFS order: where each thread's
// executions sit among the executions of one unsplit search.
class Numbering {
 public:
  explicit Numbering(const std::vector<SplitLog>& logs) : logs_(logs) {
    std::map<std::uint64_t, std::uint64_t> sizes;
    for (const SplitLog& l : logs) {
      for (const SplitLog::Part& p : l.explored) sizes[p.subtree] += p.executions;
    }
    std::uint64_t before = 0;
    for (const auto& [subtree, n] : sizes) {
      before_[subtree] = before;
      before += n;
    }
  }
  // The 1-based index, in the unsplit search, of thread w's `local`th execution.
  std::uint64_t global(std::size_t w, std::uint64_t local) const {
    std::uint64_t seen = 0;
    for (const SplitLog::Part& p : logs_[w].explored) {
      if (local <= seen + p.executions) return before_.at(p.subtree) + (local - seen);
      seen += p.executions;
    }
    return local;  // not reached: every counted execution belongs to a part
  }

 private:
  const std::vector<SplitLog>& logs_;
  std::map<std::uint64_t, std::uint64_t> before_;
};

}  // namespace

std::uint32_t default_jobs() {
  return std::max(1u, std::thread::hardware_concurrency());
}

bool parallel_applies(const CheckOptions& options) {
  return options.jobs > 1 && options.strategy == "dfs" && !options.max_preemptions &&
         options.max_executions == 0 && options.split == nullptr && options.predict_every == 0;
}

Report run_parallel_check(const std::string& name, const std::function<void()>& body, const Params& params,
                          const CheckOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const std::uint32_t jobs = options.jobs;
  const std::uint32_t index = options.shard_index;
  const std::uint32_t count = std::max<std::uint32_t>(options.shard_count, 1);

  std::mutex mu;
  std::vector<bool> claimed;
  std::atomic<bool> cancel{false};
  std::vector<SplitLog> logs(jobs);
  std::vector<Report> reports(jobs);
  std::vector<std::exception_ptr> errors(jobs);
  std::vector<std::thread> threads;
  for (std::uint32_t w = 0; w < jobs; ++w) {
    logs[w].owns = [&mu, &claimed, index, count](std::uint64_t t) {
      if (t % count != index) return false;
      std::lock_guard<std::mutex> lock(mu);
      if (claimed.size() <= t) claimed.resize(t + 1);
      if (claimed[t]) return false;
      claimed[t] = true;
      return true;
    };
    CheckOptions o = options;
    o.minimize = false;
    o.on_progress = nullptr;
    o.split = &logs[w];
    o.cancel = &cancel;
    threads.emplace_back([&, w, o] {
      try {
        reports[w] = run_check(name, body, params, o);
        if (!options.all && ends_search(reports[w])) cancel = true;
      } catch (...) {
        errors[w] = std::current_exception();
        cancel = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }

  const bool stopped = std::any_of(reports.begin(), reports.end(), ends_search);
  if (stopped && !options.all) {
    // Which failing execution a single thread meets first depends on the
    // whole order: ask a single thread, so the answer is the same for every N.
    CheckOptions o = options;
    o.jobs = 1;
    Report r = run_check(name, body, params, o);
    r.options.jobs = options.jobs;
    r.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
  }

  Report out = Report::of(name, params, options);
  out.options.split = nullptr;
  out.options.cancel = nullptr;
  out.complete = true;
  Numbering numbering(logs);
  struct Candidate {
    std::uint64_t execution;
    Finding finding;
  };
  std::vector<Candidate> all;
  for (std::size_t w = 0; w < reports.size(); ++w) {
    const Report& r = reports[w];
    out.stats.executions += r.stats.executions;
    out.stats.blocked_executions += r.stats.blocked_executions;
    out.stats.steps += r.stats.steps;
    out.complete = out.complete && r.complete;
    if (out.incomplete_reason.empty()) out.incomplete_reason = r.incomplete_reason;
    for (const Finding& f : r.findings) all.push_back({numbering.global(w, f.execution), f});
  }
  if (out.complete) out.incomplete_reason.clear();
  // Each finding as a single thread reports it: from the first execution in
  // DFS order that shows it, in the order of those executions.
  std::stable_sort(all.begin(), all.end(),
                   [](const Candidate& a, const Candidate& b) { return a.execution < b.execution; });
  std::map<std::string, bool> seen;
  for (Candidate& c : all) {
    if (!seen.emplace(merge_key(c.finding), true).second) continue;
    c.finding.execution = c.execution;
    out.findings.push_back(std::move(c.finding));
  }
  if (options.minimize) {
    for (Finding& f : out.findings) f = minimize_finding(body, params, options, f);
  }
  out.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

}  // namespace weft::check
