// A checker that survives the programs it checks: every fault model runs in
// an isolated worker and ends in the finding (or limit) it stands for, the
// findings met before a crash are kept, and a crash replays as a crash.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "weft/check.h"
#include "weft/isolate.h"
#include "weft/model.h"
#include "weft/report_json.h"

namespace {

using weft::FindingKind;
using weft::check::CheckOptions;
using weft::check::IsolationOptions;
using weft::check::Report;

Report check_isolated(const std::string& name, CheckOptions options = {}, IsolationOptions iso = {}) {
  const weft::Model* m = weft::Registry::instance().find(name);
  if (m == nullptr) throw std::runtime_error("no model " + name);
  const weft::Params params = weft::resolve_params(*m, {});
  options.minimize = false;
  return weft::check::run_isolated(m->name, params, options, iso, [&](const CheckOptions& o) {
    return weft::check::run_check(*m, params, o);
  });
}

TEST(Reliability, SegfaultIsACrashAndTheEarlierRaceIsKept) {
  const Report r = check_isolated("fault_segv");
  ASSERT_EQ(r.findings.size(), 2u) << r.incomplete_reason;
  EXPECT_EQ(r.findings[0].kind, FindingKind::data_race);
  EXPECT_FALSE(r.findings[0].trace.events.empty()) << "the race kept its full trace";
  const auto& crash = r.findings[1];
  EXPECT_EQ(crash.kind, FindingKind::crash);
  EXPECT_EQ(crash.object, "SIGSEGV");
  EXPECT_NE(crash.message.find("SIGSEGV"), std::string::npos) << crash.message;
  EXPECT_EQ(crash.goroutines, std::vector<weft::GoroutineId>{2});
  ASSERT_FALSE(crash.trace.schedule.empty());
  EXPECT_EQ(crash.trace.schedule.back().kind, weft::Decision::Kind::pick);
  ASSERT_FALSE(crash.locations.empty());
  EXPECT_NE(crash.locations[0].file.find("faults.cpp"), std::string::npos);
  EXPECT_FALSE(r.complete);
  EXPECT_NE(r.incomplete_reason.find("crash"), std::string::npos);
  EXPECT_EQ(r.verdict(), FindingKind::crash);
}

TEST(Reliability, CrashScheduleReplaysToTheSameCrash) {
  const Report r = check_isolated("fault_segv");
  ASSERT_EQ(r.findings.size(), 2u);
  const auto& crash = r.findings[1];
  const weft::Model* m = weft::Registry::instance().find("fault_segv");
  const weft::Params params = weft::resolve_params(*m, {});
  const weft::check::WorkerEnd end = weft::check::run_in_worker({}, [&] {
    weft::check::replay_schedule(m->body, params, CheckOptions{}, crash.trace.schedule);
    return 0;
  });
  EXPECT_EQ(end.how, weft::check::WorkerEnd::How::crashed);
  EXPECT_EQ(weft::check::signal_name(end.signal), "SIGSEGV");
  EXPECT_EQ(end.schedule, crash.trace.schedule);
  EXPECT_EQ(end.running, 2u);
}

// SIGFPE, SIGBUS and SIGABRT raised by a goroutine: a crash finding naming
// the signal and the goroutine, whose schedule replays to the same death.
class Signals : public testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(Signals, EachIsACrashWithItsSignalAndItReplays) {
  const auto [model, signal] = GetParam();
  const Report r = check_isolated(model);
  ASSERT_EQ(r.findings.size(), 1u) << model << ": " << r.incomplete_reason;
  const auto& crash = r.findings[0];
  EXPECT_EQ(crash.kind, FindingKind::crash) << model;
  EXPECT_EQ(crash.object, signal) << crash.message;
  EXPECT_NE(crash.message.find(signal), std::string::npos) << crash.message;
  EXPECT_EQ(crash.goroutines, std::vector<weft::GoroutineId>{1}) << crash.message;
  ASSERT_FALSE(crash.trace.schedule.empty());
  const weft::Model* m = weft::Registry::instance().find(model);
  const weft::Params params = weft::resolve_params(*m, {});
  const weft::check::WorkerEnd end = weft::check::run_in_worker({}, [&] {
    weft::check::replay_schedule(m->body, params, CheckOptions{}, crash.trace.schedule);
    return 0;
  });
  EXPECT_EQ(end.how, weft::check::WorkerEnd::How::crashed);
  EXPECT_EQ(weft::check::signal_name(end.signal), signal);
}

INSTANTIATE_TEST_SUITE_P(Reliability, Signals,
                         testing::Values(std::make_pair("fault_fpe", "SIGFPE"),
                                         std::make_pair("fault_bus", "SIGBUS"),
                                         std::make_pair("fault_abort", "SIGABRT")),
                         [](const auto& p) { return std::string(p.param.first); });

TEST(Reliability, StackOverflowIsACrashNamedAsSuch) {
  const Report r = check_isolated("fault_stack_overflow");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, FindingKind::crash);
  EXPECT_NE(r.findings[0].message.find("stack overflow"), std::string::npos) << r.findings[0].message;
  EXPECT_EQ(r.findings[0].goroutines, std::vector<weft::GoroutineId>{1});
}

TEST(Reliability, EscapingExceptionIsAPanic) {
  const Report r = check_isolated("fault_throw");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, FindingKind::panic);
  EXPECT_NE(r.findings[0].message.find("the configuration file is missing"), std::string::npos);
}

TEST(Reliability, SpinWithoutSchedulingPointIsAHang) {
  IsolationOptions iso;
  iso.execution_timeout = 0.5;
  const Report r = check_isolated("fault_spin", {}, iso);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, FindingKind::hang);
  EXPECT_EQ(r.findings[0].goroutines, std::vector<weft::GoroutineId>{1});
  EXPECT_NE(r.findings[0].message.find("--execution-timeout"), std::string::npos);
  EXPECT_FALSE(r.complete);
}

TEST(Reliability, RunawayAllocationEndsAtTheMemoryLimit) {
  IsolationOptions iso;
  iso.max_memory_mb = 200;
  const Report r = check_isolated("fault_alloc", {}, iso);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_FALSE(r.complete);
  EXPECT_NE(r.incomplete_reason.find("limit: memory (200 MiB"), std::string::npos) << r.incomplete_reason;
  EXPECT_NE(r.incomplete_reason.find("--max-memory"), std::string::npos);
  EXPECT_NE(r.incomplete_reason.find("allocates without bound"), std::string::npos);
}

TEST(Reliability, IsolatedCheckOfAHealthyModelEqualsTheInProcessOne) {
  const weft::Model* m = weft::Registry::instance().find("counter_race");
  ASSERT_NE(m, nullptr);
  const weft::Params params = weft::resolve_params(*m, {});
  CheckOptions o;
  o.all = true;
  o.minimize = false;
  o.jobs = 1;
  const Report in_process = weft::check::run_check(*m, params, o);
  const Report isolated = check_isolated("counter_race", o);
  EXPECT_EQ(weft::check::report_to_json(isolated, false), weft::check::report_to_json(in_process, false));
}

TEST(Reliability, WorkerExitStatusComesBack) {
  const auto end = weft::check::run_in_worker({}, [] { return 7; });
  EXPECT_EQ(end.how, weft::check::WorkerEnd::How::exited);
  EXPECT_EQ(end.status, 7);
  const auto aborted = weft::check::run_in_worker({}, []() -> int { std::abort(); });
  EXPECT_EQ(aborted.how, weft::check::WorkerEnd::How::crashed);
  EXPECT_EQ(weft::check::signal_name(aborted.signal), "SIGABRT");
}

#ifdef WEFT_BINARY
int run(const std::string& args) {
  const int st = std::system((std::string(WEFT_BINARY) + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(Reliability, CliExitCodesForEveryFault) {
  const std::string dir = testing::TempDir();
  EXPECT_EQ(run("check fault_segv --json " + dir + "segv.json"), 1);
  EXPECT_EQ(run("replay " + dir + "segv.json"), 1) << "the crash replays as a crash";
  EXPECT_EQ(run("check fault_stack_overflow --no-json"), 1);
  EXPECT_EQ(run("check fault_fpe --no-json"), 1);
  EXPECT_EQ(run("check fault_bus --no-json"), 1);
  EXPECT_EQ(run("check fault_abort --no-json"), 1);
  EXPECT_EQ(run("check fault_throw --no-json"), 1);
  EXPECT_EQ(run("check fault_spin --execution-timeout 0.5 --no-json"), 1);
  EXPECT_EQ(run("check fault_alloc --max-memory 200 --no-json"), 0);
  EXPECT_EQ(run("check fault_alloc --max-memory 200 --no-json --require-complete"), 4);
  EXPECT_EQ(run("check counter_mutex --no-json --require-complete"), 0);
}
#endif

}  // namespace
