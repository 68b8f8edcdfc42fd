#include "weft/minimize.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "weft/detectors.h"
#include "weft/strategy.h"

namespace weft::check {

namespace {

// Depth-first search over the schedules with at most `bound` preemptions (a
// switch away from a goroutine that could have continued). At each pick the
// goroutine that ran last comes first, so the search tries the schedules
// with the fewest switches early; once the bound is used up, only it may run.
class PreemptionBoundedDfs final : public Strategy {
 public:
  explicit PreemptionBoundedDfs(std::uint64_t bound) : bound_(bound) {}
  bool next() override {
    if (!started_) {
      started_ = true;
      return true;
    }
    while (!path_.empty() && path_.back().rank >= path_.back().max_rank) path_.pop_back();
    if (path_.empty()) return false;
    ++path_.back().rank;
    return true;
  }
  bool exhaustive() const override { return true; }
  std::string name() const override { return "preemption-bounded dfs"; }
  void begin(Execution&) override {
    pos_ = 0;
    used_ = 0;
    last_ = no_goroutine;
  }
  std::size_t pick(std::span<const Candidate> enabled) override {
    std::int64_t stay = -1;
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      if (enabled[i].g == last_) stay = static_cast<std::int64_t>(i);
    }
    const std::uint32_t n = static_cast<std::uint32_t>(enabled.size());
    std::uint32_t max_rank = n - 1;
    if (stay >= 0 && used_ >= bound_) {
      if (n > 1) pruned_ = true;
      max_rank = 0;
    }
    const std::uint32_t rank = n < 2 ? 0 : decide(n, stay, max_rank);
    // Rank 0 is the goroutine that ran last (when it can), then the others in order.
    std::size_t idx = rank;
    if (stay >= 0) {
      const auto s = static_cast<std::size_t>(stay);
      idx = rank == 0 ? s : (rank - 1 < s ? rank - 1 : rank);
      if (idx != s) ++used_;
    }
    last_ = enabled[idx].g;
    return idx;
  }
  std::size_t choose(std::size_t n, ChoiceKind) override {
    return decide(static_cast<std::uint32_t>(n), -1, static_cast<std::uint32_t>(n - 1));
  }
  // True when the bound kept some schedule out: a larger bound may find more.
  bool pruned() const { return pruned_; }

 private:
  std::uint32_t decide(std::uint32_t n, std::int64_t stay, std::uint32_t max_rank) {
    if (pos_ < path_.size()) {
      const Node& node = path_[pos_++];
      if ((node.options != n || node.max_rank != max_rank) && error_.empty()) {
        error_ = "the model is not deterministic: decision " + std::to_string(pos_) + " changed between runs";
      }
      return std::min(node.rank, max_rank);
    }
    path_.push_back({n, 0, max_rank});
    ++pos_;
    (void)stay;
    return 0;
  }
  struct Node {
    std::uint32_t options;
    std::uint32_t rank;      // which option this execution takes, in the order described above
    std::uint32_t max_rank;  // the last option the bound allows here
  };
  std::uint64_t bound_;
  std::vector<Node> path_;
  std::size_t pos_ = 0;
  std::uint64_t used_ = 0;
  GoroutineId last_ = no_goroutine;
  bool started_ = false;
  bool pruned_ = false;
};

// Does this execution show a finding of the wanted kind on the wanted object?
// A cheap filter; the replay decides.
bool may_match(const Finding& want, const ExecutionResult& r, const RaceDetector& race,
               const LostUpdateDetector& lost) {
  if (want.kind == FindingKind::lost_update || want.kind == FindingKind::data_race) {
    const auto& issues = want.kind == FindingKind::lost_update ? lost.issues() : race.issues();
    return std::any_of(issues.begin(), issues.end(), [&](const DetectedIssue& i) {
      return i.obj < r.object_names.size() && object_name_of(r, i.obj) == want.object;
    });
  }
  return r.end && *r.end == want.kind;
}

}  // namespace

std::string minimize_signature(const Finding& f) {
  std::set<std::string> sites;
  for (const SourceRef& s : f.locations) sites.insert(s.file + ":" + std::to_string(s.line));
  std::string k = std::string(finding_name(f.kind)) + "|" + f.object;
  for (const std::string& s : sites) k += "|" + s;
  return k;
}

Finding minimize_finding(const std::function<void()>& body, const Params& params, const CheckOptions& options,
                         const Finding& found) {
  if (found.kind == FindingKind::step_limit || found.kind == FindingKind::crash ||
      found.kind == FindingKind::hang) {
    return found;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const std::string want = minimize_signature(found);
  const bool accesses = found.kind == FindingKind::lost_update || found.kind == FindingKind::data_race;

  Finding best = found;
  Minimization m;
  m.searched = true;
  m.original_preemptions = found.trace.preemptions;
  m.original_steps = found.trace.steps;

  detail::StackPool pool(options.stack_size);
  ExecutionOptions eo;
  eo.max_steps = options.max_steps;
  eo.max_goroutines = options.max_goroutines;
  eo.params = &params;
  bool out_of_budget = false;
  RaceDetector race;  // reset by each execution, their memory kept
  LostUpdateDetector lost;
  // Bounds below the original's preemptions look for fewer preemptions; the
  // original's own bound looks for fewer steps.
  for (std::uint64_t bound = 0; bound <= found.trace.preemptions && !out_of_budget; ++bound) {
    PreemptionBoundedDfs strategy(bound);
    bool matched = false;
    bool complete = false;
    while (true) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      if ((options.minimize_executions > 0 && m.executions >= options.minimize_executions) ||
          (options.minimize_seconds > 0 && elapsed >= options.minimize_seconds)) {
        out_of_budget = true;
        break;
      }
      if (!strategy.next()) {
        complete = true;
        break;
      }
      Execution x(strategy, pool, eo);
      if (accesses) {
        x.add_observer(&race);
        x.add_observer(&lost);
      }
      ExecutionResult r = x.run(body);
      ++m.executions;
      if (!strategy.error().empty()) {
        out_of_budget = true;  // a nondeterministic model: keep what we have
        break;
      }
      const bool better = bound < best.trace.preemptions || r.steps < best.trace.steps;
      if (!better || !may_match(found, r, race, lost)) continue;
      ReplayOutcome rep = replay_schedule(body, params, options, r.schedule);
      if (!rep.divergence.empty()) continue;
      for (Finding& f : rep.findings) {
        if (minimize_signature(f) != want) continue;
        if (f.trace.preemptions < best.trace.preemptions ||
            (f.trace.preemptions == best.trace.preemptions && f.trace.steps < best.trace.steps)) {
          f.execution = found.execution;
          f.key = found.key;
          best = std::move(f);
        }
        matched = true;
        break;
      }
    }
    // Every smaller bound was searched to the end without a match (else the
    // loop had stopped), so a match here has the fewest preemptions; at the
    // original's own bound the original is one.
    if (matched || bound == found.trace.preemptions) {
      m.fewest_preemptions = true;
      m.fewest_steps = complete;
      break;
    }
    if (!complete) break;           // out of budget
    if (!strategy.pruned()) break;  // the bound cut nothing: larger bounds find nothing more
  }
  best.minimized = m;
  return best;
}

}  // namespace weft::check
