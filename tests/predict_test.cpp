// Prediction from one execution: the bug another interleaving shows is found,
// every reported prediction replays, and correct programs get no finding.
#include "weft/predict.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "../checker/predict/prefix_strategy.h"
#include "../checker/predict/trace_model.h"
#include "weft/check.h"
#include "weft/model.h"
#include "weft/weft.h"

namespace {

using weft::FindingKind;
using weft::check::CheckOptions;
using weft::check::Finding;

const weft::Model& model(const std::string& name) {
  const weft::Model* m = weft::Registry::instance().find(name);
  if (m == nullptr) throw std::runtime_error("no model " + name);
  return *m;
}

weft::Params defaults(const weft::Model& m) {
  return weft::resolve_params(m, {});
}

// The complete schedule of one random execution.
weft::ExecutionResult random_run(const weft::Model& m, const weft::Params& p, std::uint64_t seed,
                                 bool record) {
  weft::check::RandomStrategy s(seed);
  s.next();
  weft::detail::StackPool pool(256 * 1024);
  weft::ExecutionOptions eo;
  eo.params = &p;
  eo.record = record;
  weft::Execution x(s, pool, eo);
  return x.run(m.body);
}

bool shows(const std::vector<Finding>& fs, FindingKind k) {
  return std::any_of(fs.begin(), fs.end(), [&](const Finding& f) { return f.kind == k; });
}

// Every finding must replay: the same schedule, re-run with the detectors,
// shows a finding of the same kind and does not diverge.
void expect_replays(const weft::Model& m, const weft::Params& p, const std::vector<Finding>& fs) {
  for (const Finding& f : fs) {
    weft::check::ReplayOutcome r = weft::check::replay_schedule(m.body, p, CheckOptions{}, f.trace.schedule);
    EXPECT_EQ(r.divergence, "") << m.name;
    EXPECT_TRUE(shows(r.findings, f.kind))
        << m.name << ": " << weft::finding_name(f.kind) << " did not replay";
  }
}

struct Case {
  const char* model;
  FindingKind kind;
};

class PredictModels : public ::testing::TestWithParam<Case> {};

TEST_P(PredictModels, FindsTheBugFromOneExecutionAndItReplays) {
  const Case c = GetParam();
  const weft::Model& m = model(c.model);
  const weft::Params p = defaults(m);
  int predicted_only = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    weft::ExecutionResult observed = random_run(m, p, seed, false);
    weft::check::ReplayOutcome seen =
        weft::check::replay_schedule(m.body, p, CheckOptions{}, observed.schedule);
    weft::predict::PredictOptions po;
    po.seed = seed;
    weft::predict::PredictOutcome out =
        weft::predict::predict_schedule(m.body, p, CheckOptions{}, po, observed.schedule);
    EXPECT_EQ(out.skipped, "") << c.model << " seed " << seed;
    EXPECT_TRUE(shows(out.findings, c.kind) || shows(seen.findings, c.kind))
        << c.model << " seed " << seed << ": neither the execution nor a prediction shows the bug";
    if (!shows(seen.findings, c.kind) && shows(out.findings, c.kind)) ++predicted_only;
    EXPECT_EQ(out.stats.confirmed + out.stats.unconfirmed, out.stats.predictions);
    expect_replays(m, p, out.findings);
  }
  // The window is narrow: the recorded executions themselves mostly miss it.
  EXPECT_GE(predicted_only, 3) << c.model;
}

INSTANTIATE_TEST_SUITE_P(Models, PredictModels,
                         ::testing::Values(Case{"pipeline_count", FindingKind::lost_update},
                                           Case{"lock_inversion_far", FindingKind::deadlock},
                                           Case{"bank_transfer", FindingKind::deadlock}),
                         [](const auto& p) { return std::string(p.param.model); });

TEST(Predict, RunPredictReportsAReplayableFinding) {
  const weft::Model& m = model("lock_inversion_far");
  const weft::Params p = defaults(m);
  CheckOptions o;
  o.seed = 7;
  weft::predict::PredictStats stats;
  weft::check::Report r = weft::predict::run_predict(m.name, m.body, p, o, {}, &stats);
  ASSERT_EQ(r.verdict(), FindingKind::deadlock);
  EXPECT_GE(r.stats.predictions, 1u);
  EXPECT_GE(stats.queries, 1u);
  EXPECT_LE(stats.queries, stats.candidates);
  expect_replays(m, p, r.findings);
}

// `check --strategy STRATEGY --seed SEED --predict --max-executions 1` on the
// model with its defaults; every finding it reports must replay.
weft::check::Report check_one_with_prediction(const weft::Model& m, const char* strategy,
                                              std::uint64_t seed) {
  const weft::Params p = defaults(m);
  CheckOptions o;
  o.strategy = strategy;
  o.seed = seed;
  o.max_executions = 1;
  o.predict_every = 1;
  o.minimize = false;
  weft::check::Report r =
      weft::check::run_check(m.name, m.body, p, o, weft::predict::make_predictor(m.body, p, o, {}));
  EXPECT_EQ(r.stats.executions, 1u);
  expect_replays(m, p, r.findings);
  return r;
}

TEST(Predict, CheckWithPredictFindsTheLostUpdateInTheFirstExecution) {
  weft::check::Report r = check_one_with_prediction(model("pipeline_count"), "random", 11);
  EXPECT_TRUE(shows(r.findings, FindingKind::lost_update));
  EXPECT_GE(r.stats.predictions, 1u);
}

// check --predict works the same under PCT: the recorded execution is a PCT
// one, the prediction and its confirmation are the same as under random.
TEST_P(PredictModels, CheckWithPredictUnderPctFindsItInTheFirstExecution) {
  const Case c = GetParam();
  weft::check::Report r = check_one_with_prediction(model(c.model), "pct", 3);
  EXPECT_TRUE(shows(r.findings, c.kind)) << c.model;
}

class CorrectPrograms : public ::testing::TestWithParam<const char*> {};

TEST_P(CorrectPrograms, YieldNoConfirmedPrediction) {
  const weft::Model& m = model(GetParam());
  const weft::Params p = defaults(m);
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    weft::ExecutionResult observed = random_run(m, p, seed, false);
    weft::predict::PredictOutcome out =
        weft::predict::predict_schedule(m.body, p, CheckOptions{}, {}, observed.schedule);
    EXPECT_EQ(out.skipped, "");
    EXPECT_TRUE(out.findings.empty())
        << GetParam() << " seed " << seed << ": " << (out.findings.empty() ? "" : out.findings[0].message);
  }
}

INSTANTIATE_TEST_SUITE_P(Models, CorrectPrograms,
                         ::testing::Values("counter_mutex", "philosophers_fixed", "sum_mutex",
                                           "sum_channel"));

// A teaching model: the recorded run is serial (no lost update), the
// prediction moves one increment between the other's load and store.
TEST(Predict, CounterRaceFromASerialExecution) {
  const weft::Model& m = model("counter_race");
  const weft::Params p = defaults(m);
  int tried = 0;
  for (std::uint64_t seed = 1; seed <= 40 && tried < 3; ++seed) {
    weft::ExecutionResult observed = random_run(m, p, seed, false);
    weft::check::ReplayOutcome seen =
        weft::check::replay_schedule(m.body, p, CheckOptions{}, observed.schedule);
    if (shows(seen.findings, FindingKind::lost_update)) continue;
    ++tried;
    weft::predict::PredictOutcome out =
        weft::predict::predict_schedule(m.body, p, CheckOptions{}, {}, observed.schedule);
    EXPECT_TRUE(shows(out.findings, FindingKind::lost_update)) << "seed " << seed;
    expect_replays(m, p, out.findings);
  }
  EXPECT_EQ(tried, 3);
}

// A deadlock that needs no lock-order cycle: the goroutine holds the mutex
// while it waits for main on an unbuffered channel, and main wants the mutex
// first. Recorded runs in which main went first show nothing.
void hold_and_send() {
  weft::Mutex mu{"mu"};
  weft::Chan<int> ch{"ch"};
  weft::go([=] {
    mu.lock();
    ch.send(1);
    mu.unlock();
  });
  mu.lock();
  mu.unlock();
  ch.recv();
}

TEST(Predict, ChannelAndMutexDeadlockWithoutALockCycle) {
  const weft::Params p;
  int tried = 0;
  for (std::uint64_t seed = 1; seed <= 60 && tried < 3; ++seed) {
    weft::check::RandomStrategy s(seed);
    s.next();
    weft::detail::StackPool pool(256 * 1024);
    weft::ExecutionOptions eo;
    eo.params = &p;
    std::vector<weft::Decision> schedule;
    {
      weft::Execution x(s, pool, eo);
      weft::ExecutionResult r = x.run(hold_and_send);
      if (r.end) continue;  // this run deadlocked by itself
      schedule = r.schedule;
    }
    ++tried;
    weft::predict::PredictOutcome out =
        weft::predict::predict_schedule(hold_and_send, p, CheckOptions{}, {}, schedule);
    ASSERT_TRUE(shows(out.findings, FindingKind::deadlock)) << "seed " << seed;
    for (const Finding& f : out.findings) {
      weft::check::ReplayOutcome r =
          weft::check::replay_schedule(hold_and_send, p, CheckOptions{}, f.trace.schedule);
      EXPECT_EQ(r.divergence, "");
      EXPECT_TRUE(shows(r.findings, f.kind));
    }
  }
  EXPECT_EQ(tried, 3);
}

// Long executions are cut into overlapping windows; the bug is still found.
TEST(Predict, SmallWindowsOnALongExecution) {
  const weft::Model& m = model("lock_inversion_far");
  const weft::Params p = weft::resolve_params(m, {{"work", "300"}});
  weft::ExecutionResult observed = random_run(m, p, 2, false);
  ASSERT_GT(observed.steps, 900u);
  weft::predict::PredictOptions po;
  po.window = 200;
  weft::predict::PredictOutcome out =
      weft::predict::predict_schedule(m.body, p, CheckOptions{}, po, observed.schedule);
  EXPECT_GE(out.stats.windows, 2u);
  EXPECT_TRUE(shows(out.findings, FindingKind::deadlock));
  expect_replays(m, p, out.findings);
}

TEST(PredictTraceModel, OneEventPerStepAndMessagesPaired) {
  const weft::Model& m = model("pipeline_count");
  const weft::Params p = defaults(m);
  weft::ExecutionResult r = random_run(m, p, 3, true);
  weft::predict::TraceModel t;
  std::string error;
  ASSERT_TRUE(weft::predict::build_trace_model(r, t, error)) << error;
  EXPECT_EQ(t.picks, r.steps);
  // Every item crosses every channel: each message has its send and its receive.
  std::size_t messages = 0;
  for (const auto& c : t.channels) {
    EXPECT_FALSE(c.frozen);
    for (const auto& msg : c.messages) {
      ++messages;
      ASSERT_NE(msg.send, weft::predict::none);
      ASSERT_NE(msg.recv, weft::predict::none);
      EXPECT_EQ(t.events[msg.send].op, weft::OpKind::chan_send);
      EXPECT_EQ(t.events[msg.recv].op, weft::OpKind::chan_recv);
      EXPECT_EQ(t.events[msg.send].obj, t.events[msg.recv].obj);
    }
  }
  EXPECT_EQ(messages, static_cast<std::size_t>(p.at("items") * (p.at("stages") + 1)));
  // Program order: positions count up per goroutine.
  for (const auto& seq : t.by_g) {
    for (std::size_t k = 0; k < seq.size(); ++k) EXPECT_EQ(t.events[seq[k]].pos, k);
  }
}

TEST(PredictPrefixStrategy, FollowingARecordedRunReproducesIt) {
  const weft::Model& m = model("bank_transfer");
  const weft::Params p = defaults(m);
  weft::ExecutionResult r = random_run(m, p, 5, false);
  std::vector<weft::GoroutineId> picks;
  for (const weft::Decision& d : r.schedule) {
    if (d.kind == weft::Decision::Kind::pick) picks.push_back(d.value);
  }
  weft::predict::PrefixStrategy s(picks, {}, 99);
  s.next();
  weft::detail::StackPool pool(256 * 1024);
  weft::ExecutionOptions eo;
  eo.params = &p;
  weft::Execution x(s, pool, eo);
  weft::ExecutionResult again = x.run(m.body);
  EXPECT_EQ(again.schedule, r.schedule);
  EXPECT_EQ(s.followed(), picks.size());
  EXPECT_EQ(s.skipped(), 0u);
}

}  // namespace
