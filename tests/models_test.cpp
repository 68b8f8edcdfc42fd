// Every registered model reaches the verdict it declares, and every
// counterexample survives the trip through JSON and replays to the same
// finding. Models are taken from the registry, so a model added anywhere is
// covered here without touching this file.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "weft/check.h"
#include "weft/report_json.h"
#include "weft/weft.h"

namespace {

using weft::FindingKind;
using weft::check::CheckOptions;
using weft::check::Finding;
using weft::check::Report;

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const weft::Model& m : weft::Registry::instance().all()) {
    // Fault models crash or hang the process on purpose: tests/reliability_test.cpp runs them isolated.
    if (m.group != "fault") out.push_back(m.name);
  }
  return out;
}

// Teaching models are small and checked with the defaults. Models of other
// groups (dpor, predict, fault) are sized for their own strategies: here they
// get a time budget, and a search that ends inside it without a finding
// proves nothing, so the test is skipped rather than passed.
constexpr double other_group_budget = 2.0;

struct Outcome {
  const weft::Model* model = nullptr;
  weft::Params params;
  CheckOptions options;
  Report report;
  bool conclusive = false;
};

Outcome run_model(const std::string& name) {
  Outcome o;
  o.model = weft::Registry::instance().find(name);
  if (o.model == nullptr) return o;
  o.params = weft::resolve_params(*o.model, {});
  if (o.model->group != "teaching") o.options.time_budget = other_group_budget;
  o.report = weft::check::run_check(*o.model, o.params, o.options);
  // A data race does not end a search, so it decides nothing for a model
  // that expects another kind.
  const auto v = o.report.verdict();
  o.conclusive = o.report.complete || (v && (*v != FindingKind::data_race || o.model->expect.kind == v));
  return o;
}

std::string describe(const Report& r) {
  std::string out = "verdict " + (r.verdict() ? std::string(weft::finding_name(*r.verdict())) : "ok") +
                    " after " + std::to_string(r.stats.executions) + " executions";
  for (const Finding& f : r.findings)
    out += "\n  " + std::string(weft::finding_name(f.kind)) + ": " + f.message;
  return out;
}

class EveryModel : public testing::TestWithParam<std::string> {};

TEST_P(EveryModel, ReachesItsExpectedVerdict) {
  Outcome o = run_model(GetParam());
  ASSERT_NE(o.model, nullptr);
  if (!o.conclusive) {
    ASSERT_NE(o.model->group, "teaching") << "teaching models must be decided with the defaults";
    GTEST_SKIP() << GetParam() << " (group " << o.model->group << ") is not decided within "
                 << other_group_budget << " s of DFS; its owners test it with their strategy";
  }
  EXPECT_EQ(o.model->expect.name(),
            o.report.verdict() ? std::string(weft::finding_name(*o.report.verdict())) : "ok")
      << describe(o.report);
  if (!o.model->expect.kind) {
    EXPECT_TRUE(o.report.complete) << "an ok verdict needs the whole space: " << o.report.incomplete_reason;
  }
}

// The counterexample is serialised, parsed back, compared, and replayed.
TEST_P(EveryModel, CounterexampleRoundTripsAndReplays) {
  Outcome o = run_model(GetParam());
  ASSERT_NE(o.model, nullptr);
  if (!o.model->expect.kind) GTEST_SKIP() << GetParam() << " expects no finding";
  if (!o.conclusive) GTEST_SKIP() << GetParam() << " is not decided within the budget";

  const std::string text = weft::check::report_to_json(o.report);
  const Report back = weft::check::report_from_json(text);
  const std::string again = weft::check::report_to_json(back);
  if (again != text) {
    std::size_t at = 0;
    while (at < again.size() && at < text.size() && again[at] == text[at]) ++at;
    ADD_FAILURE() << "parse then serialise is not the identity; first difference at byte " << at
                  << ":\n  written: " << text.substr(at > 80 ? at - 80 : 0, 160)
                  << "\n  re-written: " << again.substr(at > 80 ? at - 80 : 0, 160);
  }
  EXPECT_EQ(back.model, o.report.model);
  EXPECT_EQ(back.params, o.report.params);
  EXPECT_EQ(back.strategy, o.report.strategy);
  EXPECT_EQ(back.seed, o.report.seed);
  EXPECT_EQ(back.complete, o.report.complete);
  EXPECT_EQ(back.verdict(), o.report.verdict());
  ASSERT_EQ(back.findings.size(), o.report.findings.size());

  for (std::size_t i = 0; i < back.findings.size(); ++i) {
    const Finding& want = o.report.findings[i];
    const Finding& got = back.findings[i];
    SCOPED_TRACE("finding " + std::to_string(i + 1) + ": " + std::string(weft::finding_name(want.kind)));
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.message, want.message);
    EXPECT_EQ(got.locations, want.locations);
    EXPECT_EQ(got.goroutines, want.goroutines);
    EXPECT_EQ(got.key_steps, want.key_steps);
    EXPECT_EQ(got.trace.schedule, want.trace.schedule);
    EXPECT_EQ(got.trace.steps, want.trace.steps);
    EXPECT_EQ(got.trace.preemptions, want.trace.preemptions);
    ASSERT_EQ(got.trace.events.size(), want.trace.events.size());

    // Replay the parsed schedule: it must follow every recorded step and end
    // in a finding of the same kind at the same steps.
    weft::check::ReplayOutcome rep =
        weft::check::replay_schedule(o.model->body, o.params, back.options, got.trace.schedule);
    EXPECT_EQ(rep.divergence, "");
    ASSERT_EQ(rep.trace.events.size(), got.trace.events.size());
    for (std::size_t e = 0; e < got.trace.events.size(); ++e) {
      EXPECT_EQ(rep.trace.events[e].step, got.trace.events[e].step);
      EXPECT_EQ(rep.trace.events[e].g, got.trace.events[e].g);
      EXPECT_EQ(rep.trace.events[e].op, got.trace.events[e].op);
      EXPECT_EQ(rep.trace.events[e].object, got.trace.events[e].object);
      EXPECT_EQ(rep.trace.events[e].value, got.trace.events[e].value);
    }
    auto same = std::find_if(rep.findings.begin(), rep.findings.end(), [&](const Finding& f) {
      return f.kind == got.kind && f.key_steps == got.key_steps;
    });
    EXPECT_NE(same, rep.findings.end()) << "the replay did not reproduce the finding";
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryModel, testing::ValuesIn(model_names()),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

// --- what the issue promises about particular models ---

Report check_model(const std::string& name, const std::vector<std::pair<std::string, std::string>>& sets = {},
                   bool all = false) {
  const weft::Model* m = weft::Registry::instance().find(name);
  EXPECT_NE(m, nullptr) << name;
  if (m == nullptr) return {};
  CheckOptions o;
  o.all = all;
  return weft::check::run_check(*m, weft::resolve_params(*m, sets), o);
}

bool has(const Report& r, FindingKind k) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.kind == k; });
}

TEST(TeachingModels, TheSeedArticleProgramsAreAllRegistered) {
  for (const char* name :
       {"worker_done", "mailbox", "counter_race", "counter_mutex", "sum_channel", "sum_shared", "sum_mutex",
        "main_recv_nobody", "lock_order", "philosophers", "philosophers_fixed", "leak_two_senders",
        "send_on_closed", "double_close", "unlock_unlocked", "waitgroup_negative", "locked_lost_update",
        "rwmutex_nested_rlock"}) {
    const weft::Model* m = weft::Registry::instance().find(name);
    ASSERT_NE(m, nullptr) << name;
    EXPECT_FALSE(m->description.empty()) << name;
  }
}

TEST(TeachingModels, CounterRaceReportsLostUpdateAndTheDataRaceBehindIt) {
  Report r = check_model("counter_race");
  ASSERT_TRUE(r.verdict());
  EXPECT_EQ(*r.verdict(), FindingKind::lost_update);
  EXPECT_TRUE(has(r, FindingKind::data_race));
  const Finding* lost = nullptr;
  for (const Finding& f : r.findings) {
    if (f.kind == FindingKind::lost_update) lost = &f;
  }
  ASSERT_NE(lost, nullptr);
  // Both goroutines are named, and counter++ (which has no source_location
  // of its own) resolves to the user's line through the debug information.
  EXPECT_EQ(lost->goroutines.size(), 2u);
  ASSERT_EQ(lost->locations.size(), 3u);
  for (const auto& loc : lost->locations) {
    EXPECT_EQ(loc.file, "models/seed_article.cpp");
    EXPECT_GT(loc.line, 0u);
  }
  EXPECT_EQ(lost->locations[0].role, "read");
  EXPECT_EQ(lost->locations[1].role, "overwritten write");
  EXPECT_EQ(lost->locations[2].role, "stale write");
  EXPECT_NE(lost->message.find("goroutine 1"), std::string::npos) << lost->message;
  EXPECT_NE(lost->message.find("goroutine 2"), std::string::npos) << lost->message;
}

TEST(TeachingModels, LockedLostUpdateHasNoDataRace) {
  Report r = check_model("locked_lost_update", {}, /*all=*/true);
  EXPECT_TRUE(has(r, FindingKind::lost_update));
  EXPECT_FALSE(has(r, FindingKind::data_race));
}

TEST(TeachingModels, CounterRaceWithOneGoroutineIsFine) {
  Report r = check_model("counter_race", {{"n", "1"}});
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(r.complete);
}

TEST(TeachingModels, CounterMutexStaysCleanWithMoreGoroutines) {
  Report r = check_model("counter_mutex", {{"n", "3"}});
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(r.complete);
}

TEST(TeachingModels, LockOrderDeadlocksOnlyInSomeInterleavings) {
  Report r = check_model("lock_order");
  ASSERT_TRUE(r.verdict());
  EXPECT_EQ(*r.verdict(), FindingKind::deadlock);
  EXPECT_GT(r.findings.back().execution, 1u)
      << "the first interleaving runs the goroutines one after the other";
  // The wait-for picture: each goroutine waits for a mutex the other holds.
  const auto& blocked = r.findings.back().trace.blocked;
  std::vector<std::pair<weft::GoroutineId, weft::GoroutineId>> edges;
  for (const auto& b : blocked) {
    for (weft::GoroutineId h : b.holders) edges.emplace_back(b.g, h);
  }
  std::sort(edges.begin(), edges.end());
  using Edge = std::pair<weft::GoroutineId, weft::GoroutineId>;
  EXPECT_NE(std::find(edges.begin(), edges.end(), Edge{1, 2}), edges.end());
  EXPECT_NE(std::find(edges.begin(), edges.end(), Edge{2, 1}), edges.end());
}

TEST(TeachingModels, PhilosophersDeadlockForEveryTableSize) {
  for (const char* n : {"2", "3"}) {  // n=4 takes DFS minutes: the deadlock needs an early switch
    Report r = check_model("philosophers", {{"n", n}});
    ASSERT_TRUE(r.verdict()) << "n=" << n;
    EXPECT_EQ(*r.verdict(), FindingKind::deadlock) << "n=" << n;
  }
}

TEST(TeachingModels, LeakNamesTheSenderLeftBehind) {
  Report r = check_model("leak_two_senders");
  ASSERT_TRUE(r.verdict());
  EXPECT_EQ(*r.verdict(), FindingKind::goroutine_leak);
  const auto& blocked = r.findings.back().trace.blocked;
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_EQ(blocked[0].op, "send");
  EXPECT_EQ(blocked[0].object, "results");
}

}  // namespace
