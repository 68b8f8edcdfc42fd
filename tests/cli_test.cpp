// The weft command line, run as a user runs it: the built binary, its exit
// codes (0 ok, 1 finding, 2 bad usage or input, 4 incomplete with
// --require-complete), the files it writes and what it prints.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Result {
  int code = -1;
  std::string out;  // stdout and stderr together
};

class Cli : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(testing::TempDir()) / ("weft_cli_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `weft ARGS` inside the test's own directory.
  Result weft(const std::string& args) const {
    const std::string cmd = "cd '" + dir_.string() + "' && '" + WEFT_BINARY + "' " + args + " 2>&1";
    Result r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  fs::path file(const std::string& name) const { return dir_ / name; }

  json read_json(const std::string& name) const {
    std::ifstream in(file(name));
    return json::parse(in);
  }

  void write(const std::string& name, const std::string& text) const { std::ofstream(file(name)) << text; }

  // The finding `weft replay` picks by default: the first that is not a data race.
  static std::size_t verdict_finding(const json& doc) {
    for (std::size_t i = 0; i < doc["findings"].size(); ++i) {
      if (doc["findings"][i]["kind"] != "data_race") return i;
    }
    return 0;
  }

  fs::path dir_;
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(Cli, CheckFindingExitsOneAndWritesTheReport) {
  Result r = weft("check counter_race --json report.json");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "LOST UPDATE")) << r.out;
  EXPECT_TRUE(contains(r.out, "verdict: lost_update")) << r.out;
  ASSERT_TRUE(fs::exists(file("report.json")));
  json doc = read_json("report.json");
  EXPECT_EQ(doc["format"], "weft-report");
  EXPECT_EQ(doc["model"], "counter_race");
  EXPECT_EQ(doc["verdict"], "lost_update");
  EXPECT_EQ(doc["params"]["n"], 2);
}

TEST_F(Cli, CheckWritesTheDefaultReportOnlyWithFindings) {
  EXPECT_EQ(weft("check counter_race").code, 1);
  EXPECT_TRUE(fs::exists(file("weft-counter_race.json")));
  EXPECT_EQ(weft("check counter_mutex").code, 0);
  EXPECT_FALSE(fs::exists(file("weft-counter_mutex.json")));
  EXPECT_EQ(weft("check lock_order --no-json").code, 1);
  EXPECT_FALSE(fs::exists(file("weft-lock_order.json")));
}

TEST_F(Cli, CleanModelExitsZero) {
  Result r = weft("check counter_mutex");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "verdict: ok")) << r.out;
}

TEST_F(Cli, ReplayPrintsTheStepsAndTheFinding) {
  ASSERT_EQ(weft("check counter_race --json report.json").code, 1);
  Result r = weft("replay report.json");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "lost_update")) << r.out;
  EXPECT_TRUE(contains(r.out, "reproduced")) << r.out;
  EXPECT_TRUE(contains(r.out, "load counter")) << r.out;
  EXPECT_TRUE(contains(r.out, "store counter")) << r.out;
  EXPECT_TRUE(contains(r.out, "models/seed_article.cpp:")) << r.out;
}

TEST_F(Cli, ReplayOfADataRaceFinding) {
  ASSERT_EQ(weft("check counter_race --json report.json").code, 1);
  Result r = weft("replay report.json --finding data_race");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "data_race")) << r.out;
}

TEST_F(Cli, ReplayOfATamperedScheduleNamesTheStep) {
  ASSERT_EQ(weft("check counter_race --json report.json").code, 1);
  json doc = read_json("report.json");
  auto& f = doc["findings"][verdict_finding(doc)];
  ASSERT_EQ(f["kind"], "lost_update");
  // Steps 5 and 6 are the two loads of counter (goroutines 1 and 2); swap who goes first.
  auto& s = f["trace"]["schedule"];
  ASSERT_GT(s.size(), 6u);
  ASSERT_EQ(s[4], 1);
  ASSERT_EQ(s[5], 2);
  s[4] = 2;
  s[5] = 1;
  write("tampered.json", doc.dump(2));
  Result r = weft("replay tampered.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "diverged at step 5: expected goroutine 1")) << r.out;
  EXPECT_TRUE(contains(r.out, ", got goroutine 2")) << r.out;
}

TEST_F(Cli, ReplayOfAnImpossiblePickIsRefused) {
  ASSERT_EQ(weft("check counter_race --json report.json").code, 1);
  json doc = read_json("report.json");
  doc["findings"][verdict_finding(doc)]["trace"]["schedule"][1] = 7;  // there is no goroutine 7
  write("tampered.json", doc.dump(2));
  Result r = weft("replay tampered.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "diverged at step 2")) << r.out;
}

TEST_F(Cli, ReplayOfMalformedJsonExitsTwo) {
  write("broken.json", "{\"format\": \"weft-report\", ");
  Result r = weft("replay broken.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "broken.json")) << r.out;
  EXPECT_TRUE(contains(r.out, "not valid JSON")) << r.out;
}

TEST_F(Cli, ReplayOfAMissingFileExitsTwo) {
  Result r = weft("replay nowhere.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "cannot read")) << r.out;
}

TEST_F(Cli, ReplayOfAFileForOtherParametersExitsTwo) {
  ASSERT_EQ(weft("check counter_race --json report.json").code, 1);
  json doc = read_json("report.json");
  // Out of range for this model.
  doc["params"]["n"] = 100000;
  write("out_of_range.json", doc.dump(2));
  Result r = weft("replay out_of_range.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "does not fit model counter_race")) << r.out;
  // A parameter the model does not have.
  doc["params"] = {{"n", 2}, {"rounds", 3}};
  write("unknown_param.json", doc.dump(2));
  r = weft("replay unknown_param.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "rounds")) << r.out;
  // Valid parameters, but not the ones the schedule was recorded with.
  doc["params"] = {{"n", 3}};
  write("other_n.json", doc.dump(2));
  r = weft("replay other_n.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "diverged")) << r.out;
}

TEST_F(Cli, ReplayOfAFileForAnotherModelExitsTwo) {
  ASSERT_EQ(weft("check counter_race --json report.json").code, 1);
  json doc = read_json("report.json");
  // Same parameters, other program: the steps differ.
  doc["model"] = "counter_mutex";
  write("other_model.json", doc.dump(2));
  Result r = weft("replay other_model.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "diverged at step")) << r.out;
  // A model that takes other parameters.
  doc["model"] = "lock_order";
  write("other_params.json", doc.dump(2));
  r = weft("replay other_params.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "does not fit model lock_order")) << r.out;
  doc["model"] = "no_such_model";
  write("unknown_model.json", doc.dump(2));
  r = weft("replay unknown_model.json");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "no_such_model")) << r.out;
}

TEST_F(Cli, UnknownModelExitsTwo) {
  Result r = weft("check no_such_model");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "no model named 'no_such_model'")) << r.out;
}

TEST_F(Cli, BadSetExitsTwo) {
  Result r = weft("check counter_race --set n=abc");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "needs an integer")) << r.out;
  r = weft("check counter_race --set goroutines=3");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "no parameter 'goroutines'")) << r.out;
  r = weft("check counter_race --set n");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--set expects name=value, got 'n'")) << r.out;
  r = weft("check counter_race --set =3");
  EXPECT_EQ(r.code, 2) << r.out;
  r = weft("check counter_race --set n=0");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "out of range")) << r.out;
}

TEST_F(Cli, BadUsageExitsTwo) {
  EXPECT_EQ(weft("").code, 2);
  EXPECT_EQ(weft("frobnicate").code, 2);
  EXPECT_EQ(weft("check counter_race --strategy sideways").code, 2);
  EXPECT_EQ(weft("check counter_race --no-such-flag").code, 2);
}

TEST_F(Cli, SetChangesTheModel) {
  EXPECT_EQ(weft("check counter_race --set n=1").code, 0);
  Result r = weft("check counter_race --set n=3 --json three.json");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(read_json("three.json")["params"]["n"], 3);
}

TEST_F(Cli, RandomStrategyDefaultsToTenThousandExecutions) {
  Result r = weft("check counter_mutex --strategy random --seed 3 --json random.json");
  EXPECT_EQ(r.code, 0) << r.out;
  json doc = read_json("random.json");
  EXPECT_EQ(doc["strategy"], "random");
  EXPECT_EQ(doc["seed"], 3);
  EXPECT_EQ(doc["stats"]["executions"], 10000);
  EXPECT_EQ(doc["complete"], false);
}

TEST_F(Cli, PredictWorksWithRandomAndPctOnly) {
  Result r =
      weft("check lock_inversion_far --strategy pct --seed 2 --predict --max-executions 1 --json pct.json");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "predictions:")) << r.out;
  json doc = read_json("pct.json");
  EXPECT_EQ(doc["strategy"], "pct");
  EXPECT_EQ(doc["verdict"], "deadlock");
  EXPECT_EQ(doc["stats"]["executions"], 1);
  r = weft("check lock_inversion_far --strategy dfs --predict");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--predict needs --strategy random or --strategy pct")) << r.out;
}

TEST_F(Cli, RequireCompleteExitsFourWhenTheSearchWasCut) {
  EXPECT_EQ(weft("check counter_mutex --max-executions 2 --require-complete").code, 4);
  EXPECT_EQ(weft("check counter_mutex --require-complete").code, 0);
  EXPECT_EQ(weft("check counter_race --max-executions 1 --require-complete --no-json").code, 1)
      << "a finding outranks an incomplete search";
}

TEST_F(Cli, ListShowsModelsWithVerdicts) {
  Result r = weft("list");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "counter_race")) << r.out;
  EXPECT_TRUE(contains(r.out, "[lost_update]")) << r.out;
  EXPECT_TRUE(contains(r.out, "counter_mutex")) << r.out;
  EXPECT_TRUE(contains(r.out, "[ok]")) << r.out;
  // Each group once, even when its models are registered from several files.
  for (const char* header : {"teaching models:", "dpor models:"}) {
    const std::size_t first = r.out.find(header);
    ASSERT_NE(first, std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(header, first + 1), std::string::npos) << header << " twice:\n" << r.out;
  }
}

TEST_F(Cli, QuietPrintsNothing) {
  Result r = weft("check counter_race -q --no-json");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
}

}  // namespace
