// The JSON report as a contract: deterministic output, golden files, clear
// errors on malformed input, and replays that notice when they diverge.
//
// Golden files live in tests/golden/. After an intended change to the report
// or to a model's source lines, regenerate them with
//   WEFT_UPDATE_GOLDEN=1 ./weft_tests --gtest_filter='Golden*'
// and review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "weft/check.h"
#include "weft/report_json.h"
#include "weft/weft.h"

namespace {

using nlohmann::json;
using weft::Decision;
using weft::FindingKind;
using weft::check::CheckOptions;
using weft::check::Report;

Report check_model(const std::string& name, CheckOptions o = {}) {
  const weft::Model* m = weft::Registry::instance().find(name);
  EXPECT_NE(m, nullptr) << name;
  if (m == nullptr) return {};
  return weft::check::run_check(*m, weft::resolve_params(*m, {}), o);
}

// --- determinism ---

TEST(Determinism, DfsGivesByteIdenticalJson) {
  for (const char* name : {"counter_race", "lock_order", "sum_shared", "counter_mutex"}) {
    const std::string a = weft::check::report_to_json(check_model(name), /*timings=*/false);
    const std::string b = weft::check::report_to_json(check_model(name), /*timings=*/false);
    EXPECT_EQ(a, b) << name;
  }
}

TEST(Determinism, RandomWithASeedGivesByteIdenticalJson) {
  CheckOptions o;
  o.strategy = "random";
  o.max_executions = 300;
  for (std::uint64_t seed : {1u, 42u, 9001u}) {
    o.seed = seed;
    for (const char* name : {"counter_race", "philosophers", "sum_mutex"}) {
      const std::string a = weft::check::report_to_json(check_model(name, o), /*timings=*/false);
      const std::string b = weft::check::report_to_json(check_model(name, o), /*timings=*/false);
      EXPECT_EQ(a, b) << name << " seed " << seed;
    }
  }
}

TEST(Determinism, TheSeedDecidesTheWalk) {
  // The same seed draws the same choices; different seeds (almost surely) do not.
  auto draws = [](std::uint64_t seed) {
    std::vector<std::size_t> out;
    CheckOptions o;
    o.strategy = "random";
    o.seed = seed;
    o.max_executions = 5;
    weft::check::run_check(
        "draws", [&out] { out.push_back(weft::choose(1000)); }, {}, o);
    return out;
  };
  EXPECT_EQ(draws(3), draws(3));
  EXPECT_NE(draws(3), draws(4));
}

TEST(Determinism, TimingsAreLeftOutOnRequest) {
  Report r = check_model("counter_mutex");
  EXPECT_EQ(json::parse(weft::check::report_to_json(r, false))["stats"].count("seconds"), 0u);
  EXPECT_EQ(json::parse(weft::check::report_to_json(r, true))["stats"].count("seconds"), 1u);
}

// --- golden files ---

// Removes the "function" fields: their spelling is the compiler's (lambda
// names, and for operators such as x++ what addr2line makes of inlined
// frames), which differs between builds of the same source. Files and lines
// stay, and they are what the report promises.
void drop_functions(json& j) {
  if (j.is_object()) {
    j.erase("function");
    for (auto& [k, v] : j.items()) drop_functions(v);
  } else if (j.is_array()) {
    for (json& v : j) drop_functions(v);
  }
}

// The main goroutine is started inside weft (sim/execution.cpp), so its
// creation site is weft's line, not the model's: pinning it would tie the
// golden files to unrelated edits of the runtime.
void drop_main_creation_site(json& doc) {
  for (json& f : doc["findings"]) {
    for (json& g : f["trace"]["goroutines"]) {
      if (g["parent"].is_null()) g["line"] = 0;
    }
  }
}

std::string golden_text(const Report& r) {
  json doc = json::parse(weft::check::report_to_json(r, /*timings=*/false));
  drop_functions(doc);
  drop_main_creation_site(doc);
  return doc.dump(2) + "\n";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void compare_golden(const std::string& model) {
  const std::string path = std::string(WEFT_GOLDEN_DIR) + "/" + model + ".json";
  const std::string got = golden_text(check_model(model));
  const char* update = std::getenv("WEFT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << got;
    GTEST_SKIP() << "wrote " << path;
  }
  const std::string want = read_text(path);
  ASSERT_FALSE(want.empty()) << path << " is missing; run with WEFT_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(got, want) << "the report of " << model
                       << " changed; if intended, regenerate with WEFT_UPDATE_GOLDEN=1";
}

TEST(Golden, CounterRace) {
  compare_golden("counter_race");
}
TEST(Golden, CounterMutex) {
  compare_golden("counter_mutex");
}
TEST(Golden, LockOrder) {
  compare_golden("lock_order");
}
TEST(Golden, LeakTwoSenders) {
  compare_golden("leak_two_senders");
}
TEST(Golden, LockedLostUpdate) {
  compare_golden("locked_lost_update");
}
TEST(Golden, SendOnClosed) {
  compare_golden("send_on_closed");
}

TEST(Golden, PathsAreRelativeToTheCheckout) {
  const std::string text = weft::check::report_to_json(check_model("counter_race"), false);
  EXPECT_EQ(text.find(WEFT_GOLDEN_DIR), std::string::npos);
  json doc = json::parse(text);
  for (const auto& f : doc["findings"]) {
    for (const auto& e : f["trace"]["events"]) {
      const std::string file = e["file"];
      EXPECT_NE(file.front(), '/') << file;
    }
  }
}

// --- reading reports ---

std::string counter_race_json() {
  return weft::check::report_to_json(check_model("counter_race"));
}

std::string error_of(const std::string& text) {
  try {
    weft::check::report_from_json(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(ReadReport, NotJson) {
  EXPECT_TRUE(contains(error_of("{\"format\": "), "not valid JSON"));
}

// Found by fuzzing: a number too large for any JSON number type is an error
// of the file, not a crash of the reader.
TEST(ReadReport, NumberTooLarge) {
  EXPECT_TRUE(contains(error_of("9e999"), "not valid JSON"));
  EXPECT_TRUE(contains(error_of("{\"format\": \"weft-report\", \"version\": 225439e919167413360}"),
                       "not valid JSON"));
}

TEST(ReadReport, NotAnObject) {
  EXPECT_TRUE(contains(error_of("[1, 2]"), "expected a JSON object"));
}

TEST(ReadReport, WrongFormat) {
  json doc = json::parse(counter_race_json());
  doc["format"] = "something-else";
  EXPECT_TRUE(contains(error_of(doc.dump()), "$.format")) << error_of(doc.dump());
}

TEST(ReadReport, WrongVersion) {
  json doc = json::parse(counter_race_json());
  doc["version"] = 99;
  const std::string e = error_of(doc.dump());
  EXPECT_TRUE(contains(e, "$.version") && contains(e, "99")) << e;
}

TEST(ReadReport, MissingFieldIsNamed) {
  json doc = json::parse(counter_race_json());
  doc["findings"][0]["trace"].erase("schedule");
  const std::string e = error_of(doc.dump());
  EXPECT_TRUE(contains(e, "$.findings[0].trace") && contains(e, "schedule")) << e;
}

TEST(ReadReport, BadScheduleEntryIsNamed) {
  json doc = json::parse(counter_race_json());
  doc["findings"][0]["trace"]["schedule"][2] = "x3";
  const std::string e = error_of(doc.dump());
  EXPECT_TRUE(contains(e, "$.findings[0].trace.schedule[2]")) << e;
}

TEST(ReadReport, UnknownFindingKind) {
  json doc = json::parse(counter_race_json());
  doc["findings"][0]["kind"] = "gremlin";
  EXPECT_TRUE(contains(error_of(doc.dump()), "gremlin"));
}

TEST(ReadReport, ScheduleEncodesPicksAsIntegersAndChoicesAsStrings) {
  // choose() lands in the schedule as "cN", goroutine picks as integers.
  Report r = weft::check::run_check("choices",
                                    [] {
                                      weft::Chan<int> ch{"ch"};
                                      weft::go([=] { ch.send(1); });
                                      if (weft::choose(3) == 2) ch.recv();
                                    },
                                    {}, {});
  ASSERT_TRUE(r.verdict());
  EXPECT_EQ(*r.verdict(), FindingKind::goroutine_leak);
  json doc = json::parse(weft::check::report_to_json(r));
  const json& schedule = doc["findings"][0]["trace"]["schedule"];
  ASSERT_GE(schedule.size(), 2u);
  EXPECT_EQ(schedule[0], 0);
  EXPECT_EQ(schedule[1], "c0");
  Report back = weft::check::report_from_json(doc.dump());
  ASSERT_GE(back.findings[0].trace.schedule.size(), 2u);
  EXPECT_EQ(back.findings[0].trace.schedule[1], (Decision{Decision::Kind::choice, 0}));
}

// --- replay checks itself ---

const weft::Model& model(const std::string& name) {
  return *weft::Registry::instance().find(name);
}

std::vector<Decision> lost_update_schedule() {
  Report r = check_model("counter_race");
  for (const auto& f : r.findings) {
    if (f.kind == FindingKind::lost_update) return f.trace.schedule;
  }
  ADD_FAILURE() << "counter_race found no lost update";
  return {};
}

TEST(Replay, FollowsTheScheduleToTheSameFinding) {
  const weft::Model& m = model("counter_race");
  weft::check::ReplayOutcome out =
      weft::check::replay_schedule(m.body, weft::resolve_params(m, {}), {}, lost_update_schedule());
  EXPECT_EQ(out.divergence, "");
  bool lost = false;
  for (const auto& f : out.findings) lost = lost || f.kind == FindingKind::lost_update;
  EXPECT_TRUE(lost);
}

TEST(Replay, PickOfAGoroutineThatCannotMoveDiverges) {
  const weft::Model& m = model("counter_race");
  std::vector<Decision> s = lost_update_schedule();
  ASSERT_GT(s.size(), 1u);
  s[1] = {Decision::Kind::pick, 2};  // step 2 spawns goroutine 1; goroutine 2 does not exist yet
  weft::check::ReplayOutcome out = weft::check::replay_schedule(m.body, weft::resolve_params(m, {}), {}, s);
  EXPECT_TRUE(contains(out.divergence, "diverged at step 2")) << out.divergence;
  EXPECT_TRUE(contains(out.divergence, "expected goroutine 2")) << out.divergence;
}

TEST(Replay, ChoiceWhereThePickWasDiverges) {
  const weft::Model& m = model("counter_race");
  std::vector<Decision> s = lost_update_schedule();
  s[0] = {Decision::Kind::choice, 0};
  weft::check::ReplayOutcome out = weft::check::replay_schedule(m.body, weft::resolve_params(m, {}), {}, s);
  EXPECT_TRUE(contains(out.divergence, "diverged at step 1")) << out.divergence;
}

TEST(Replay, ShortOrLongSchedulesDiverge) {
  const weft::Model& m = model("counter_race");
  std::vector<Decision> s = lost_update_schedule();
  std::vector<Decision> longer = s;
  longer.push_back({Decision::Kind::pick, 0});
  weft::check::ReplayOutcome out =
      weft::check::replay_schedule(m.body, weft::resolve_params(m, {}), {}, longer);
  EXPECT_TRUE(contains(out.divergence, "diverged")) << out.divergence;
  std::vector<Decision> shorter(s.begin(), s.end() - 1);
  out = weft::check::replay_schedule(m.body, weft::resolve_params(m, {}), {}, shorter);
  EXPECT_TRUE(contains(out.divergence, "diverged")) << out.divergence;
}

}  // namespace
