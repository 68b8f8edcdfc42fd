// The engine's costs, measured: one fiber switch, one scheduling step (with
// and without the detectors every search attaches; a step where the same
// goroutine goes on, which needs no fiber switch, and one where another
// goroutine takes over, which needs one), and executions/s and events/s of
// complete single-threaded DFS searches over models.
//
//   cmake --build build --target weft_bench_engine
//   build/weft_bench_engine                      # the default table
//   build/weft_bench_engine --repeat 5 philosophers_fixed:3 counter_mutex:3
//   build/weft_bench_engine --strategy dpor --time-budget 10 lockinc:6
//
// Each number is the median of --repeat runs (default 3). Models are given
// as name or name:n. An "event" is one scheduling step (one visible operation).
// The searches use --strategy (default dfs, every interleaving: the runtime's
// cost without reduction; `weft check` defaults to dpor) and stop
// after --time-budget seconds each (default 60; a capped row says so).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "weft/check.h"
#include "weft/detectors.h"
#include "weft/fiber.h"
#include "weft/model.h"
#include "weft/weft.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// --- one fiber switch: resume() into a fiber that suspends at once ---
struct Pingpong {
  weft::detail::Fiber fiber;
  long rounds = 0;
  static void entry(void* arg) {
    auto* self = static_cast<Pingpong*>(arg);
    for (long i = 0; i < self->rounds; ++i) self->fiber.suspend();
  }
};

double fiber_switch_ns(long rounds) {
  weft::detail::StackPool pool;
  Pingpong p;
  p.rounds = rounds;
  p.fiber.start(pool.take(), &Pingpong::entry, &p);
  const auto t = Clock::now();
  for (long i = 0; i <= rounds; ++i) p.fiber.resume();
  const double s = seconds_since(t);
  pool.give_back(p.fiber.release_stack());
  return s * 1e9 / static_cast<double>(2 * rounds);  // two switches per round
}

// --- one scheduling step: executions under a scheduler that always takes
// the first candidate (the same goroutine goes on while it can: no fiber
// switch), or one that takes another goroutine than last time whenever it can
// (every step switches from one goroutine to the other) ---
class StepScheduler final : public weft::Scheduler {
 public:
  explicit StepScheduler(bool alternate) : alternate_(alternate) {}
  std::size_t pick(std::span<const weft::Candidate> enabled) override {
    std::size_t i = 0;
    if (alternate_) {
      while (i + 1 < enabled.size() && enabled[i].g == last_) ++i;
    }
    last_ = enabled[i].g;
    return i;
  }
  std::size_t choose(std::size_t, weft::ChoiceKind) override { return 0; }

 private:
  bool alternate_;
  weft::GoroutineId last_ = weft::no_goroutine;
};

// Runs executions of `per_execution` steps each until `total` steps are done
// and returns the time per step: with per_execution = total, one long
// execution (its schedule grows to megabytes); with shorter ones, the cost a
// search pays, execution setup included. Each result goes back for reuse, as
// in a search; `fresh` first drops what earlier runs left, so the schedule's
// memory is allocated and touched for the first time.
double step_ns(long total, long per_execution, bool detectors, bool alternate, bool fresh = false) {
  if (fresh) weft::Execution::recycle(weft::ExecutionResult{});
  StepScheduler s(alternate);
  weft::detail::StackPool pool;
  weft::ExecutionOptions eo;
  eo.max_steps = static_cast<std::uint64_t>(per_execution) * 4;
  weft::check::RaceDetector race;
  weft::check::LostUpdateDetector lost;
  std::uint64_t steps = 0;
  const auto t = Clock::now();
  for (long done = 0; done < total; done += per_execution) {
    weft::Execution x(s, pool, eo);
    if (detectors) {
      x.add_observer(&race);
      x.add_observer(&lost);
    }
    weft::ExecutionResult r = x.run([per_execution] {
      weft::Atomic<long> a{"a", 0};
      weft::Atomic<long> b{"b", 0};
      weft::WaitGroup wg{"wg"};
      wg.add(1);
      // Under the first-candidate scheduler main runs all its steps, then the
      // worker; under the alternating one they take turns.
      weft::go([&] {
        for (long i = 0; i < per_execution / 2; ++i) b.fetch_add(1);
        wg.done();
      });
      for (long i = 0; i < per_execution / 2; ++i) a.fetch_add(1);
      wg.wait();
    });
    steps += r.steps;
    weft::Execution::recycle(std::move(r));  // as a search does: the next execution reuses it
  }
  const double sec = seconds_since(t);
  return sec * 1e9 / static_cast<double>(steps);
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

struct Row {
  std::string model;
  std::int64_t n = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured, also into a file
  int repeat = 3;
  std::string strategy = "dfs";
  double budget = 60;
  std::vector<Row> rows;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
      continue;
    }
    if (std::strcmp(argv[i], "--strategy") == 0 && i + 1 < argc) {
      strategy = argv[++i];
      continue;
    }
    if (std::strcmp(argv[i], "--time-budget") == 0 && i + 1 < argc) {
      budget = std::atof(argv[++i]);
      continue;
    }
    std::string a = argv[i];
    Row r;
    if (auto colon = a.find(':'); colon != std::string::npos) {
      r.model = a.substr(0, colon);
      r.n = std::atoll(a.c_str() + colon + 1);
    } else {
      r.model = a;
    }
    rows.push_back(r);
  }
  if (rows.empty()) {
    // Sizes whose complete DFS takes well under a second to a few seconds.
    rows = {{"counter_mutex", 3}, {"counter_race", 3}, {"philosophers_fixed", 3}, {"philosophers", 3}};
    for (const Row& dpor : std::vector<Row>{{"lockinc", 5}, {"lastzero", 4}, {"casrot", 6}}) {
      if (weft::Registry::instance().find(dpor.model) != nullptr) rows.push_back(dpor);
    }
  }

  std::vector<double> sw;
  std::vector<double> st[2][2][2];  // [alternate][short executions][detectors]
  std::vector<double> first;
  for (int i = 0; i < repeat; ++i) {
    sw.push_back(fiber_switch_ns(2000000));
    first.push_back(step_ns(2000000, 2000000, false, true, true));
    for (int alt = 0; alt < 2; ++alt) {
      for (int shrt = 0; shrt < 2; ++shrt) {
        for (int det = 0; det < 2; ++det) {
          st[alt][shrt][det].push_back(step_ns(2000000, shrt != 0 ? 1000 : 2000000, det != 0, alt != 0));
        }
      }
    }
  }
  std::printf("fiber switch:                 %6.1f ns\n", median(sw));
  static const char* const how[2] = {"the same goroutine goes on (no switch)",
                                     "another goroutine every step (one fiber switch a step)"};
  static const char* const runs[2] = {"one execution of 2,000,000 steps",
                                      "2,000 executions of 1,000 steps, setup included"};
  for (int alt = 0; alt < 2; ++alt) {
    for (int shrt = 0; shrt < 2; ++shrt) {
      std::printf("scheduling step:              %6.1f ns   (%s; %s)\n", median(st[alt][shrt][0]), how[alt],
                  runs[shrt]);
      std::printf(
          "scheduling step + detectors:  %6.1f ns   (the same, race and lost-update observers attached)\n",
          median(st[alt][shrt][1]));
    }
  }
  std::printf(
      "scheduling step:              %6.1f ns   (a switch every step; one execution of 2,000,000 steps "
      "whose schedule memory is new)\n",
      median(first));
  std::printf("\n");

  std::printf("strategy %s, each search capped at %.0f s\n", strategy.c_str(), budget);
  std::printf("%-22s %12s %12s %9s %12s %12s %8s\n", "model", "executions", "events", "seconds", "exec/s",
              "events/s", "ns/event");
  for (const Row& row : rows) {
    const weft::Model* m = weft::Registry::instance().find(row.model);
    if (m == nullptr) {
      std::fprintf(stderr, "no model named %s\n", row.model.c_str());
      return 2;
    }
    std::vector<std::pair<std::string, std::string>> sets;
    if (row.n > 0) sets.emplace_back("n", std::to_string(row.n));
    const weft::Params params = weft::resolve_params(*m, sets);
    weft::check::CheckOptions o;
    o.all = true;
    o.minimize = false;
    o.jobs = 1;
    o.strategy = strategy;
    o.time_budget = budget;
    std::vector<double> secs;
    weft::check::Report r;
    for (int i = 0; i < repeat; ++i) {
      const auto t = Clock::now();
      r = weft::check::run_check(*m, params, o);
      secs.push_back(seconds_since(t));
    }
    const double s = median(secs);
    std::string label = row.model;
    for (const auto& [k, v] : params) label += " " + k + "=" + std::to_string(v);
    const auto ex = static_cast<double>(r.stats.executions);
    const auto ev = static_cast<double>(r.stats.steps);
    std::printf("%-22s %12llu %12llu %9.3f %12.0f %12.0f %8.1f%s\n", label.c_str(),
                static_cast<unsigned long long>(r.stats.executions),
                static_cast<unsigned long long>(r.stats.steps), s, ex / s, ev / s, s * 1e9 / ev,
                r.complete ? "" : "  (incomplete)");
  }
  std::printf("\npeak RSS: %ld MB\n", peak_rss_kb() / 1024);
  return 0;
}
