// weft/gtest.h: the matchers a user's own tests use, their verdicts on a buggy
// and a fixed program, and what a failing matcher tells the person reading
// the test log (the text report and where the JSON report went).
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "weft/gtest.h"
#include "weft/report_json.h"
#include "weft/weft.h"

namespace {

namespace fs = std::filesystem;

// Two goroutines increment without a lock: one increment can be lost.
void racy_counter() {
  weft::Shared<int> counter{"counter", 0};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < 2; ++i) {
    wg.add(1);
    weft::go([=] {
      counter++;
      wg.done();
    });
  }
  wg.wait();
}

// The same under a mutex.
void locked_counter() {
  weft::Shared<int> counter{"counter", 0};
  weft::Mutex mu{"mu"};
  weft::WaitGroup wg{"wg"};
  for (int i = 0; i < 2; ++i) {
    wg.add(1);
    weft::go([=] {
      mu.lock();
      counter++;
      mu.unlock();
      wg.done();
    });
  }
  wg.wait();
  weft::expect(counter.load() == 2, "both increments count");
}

// Two goroutines take two mutexes in opposite orders.
void lock_order() {
  weft::Mutex a{"a"};
  weft::Mutex b{"b"};
  weft::WaitGroup wg{"wg"};
  wg.add(2);
  weft::go([=] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
    wg.done();
  });
  weft::go([=] {
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
    wg.done();
  });
  wg.wait();
}

TEST(GtestMatchers, VerdictsOfBuggyAndFixedPrograms) {
  EXPECT_THAT(weft::testing::check(racy_counter), weft::testing::Finds(weft::FindingKind::lost_update));
  EXPECT_THAT(weft::testing::check(locked_counter), weft::testing::HasNoFindings());
  EXPECT_THAT(weft::testing::check(lock_order), weft::testing::Finds(weft::FindingKind::deadlock));
  EXPECT_THAT(weft::testing::check(locked_counter),
              ::testing::Not(weft::testing::Finds(weft::FindingKind::deadlock)));
}

TEST(GtestMatchers, OptionsReachTheCheck) {
  weft::check::CheckOptions opts;
  opts.strategy = "random";
  opts.seed = 7;
  opts.max_executions = 50;
  const weft::check::Report r = weft::testing::check(locked_counter, opts);
  EXPECT_EQ(r.model, "inline");
  EXPECT_EQ(r.strategy, "random");
  EXPECT_EQ(r.stats.executions, 50u);
  EXPECT_THAT(r, weft::testing::HasNoFindings());
}

TEST(GtestMatchers, AMismatchExplainsWithTheReportAndWritesIt) {
  const std::string path = weft::testing::counterexample_path();
  EXPECT_NE(path.find("weft-GtestMatchers.AMismatchExplainsWithTheReportAndWritesIt.json"),
            std::string::npos);
  EXPECT_TRUE(fs::path(path).is_absolute());
  fs::remove(path);
  const weft::check::Report r = weft::testing::check(racy_counter);
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(weft::testing::HasNoFindings().MatchAndExplain(r, &listener));
  const std::string why = listener.str();
  EXPECT_NE(why.find("WARNING: LOST UPDATE"), std::string::npos) << why;
  EXPECT_NE(why.find("gtest_integration_test.cpp"), std::string::npos) << why;  // the racing line
  EXPECT_NE(why.find("report written to " + path), std::string::npos) << why;
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  const weft::check::Report back = weft::check::report_from_json(text.str());
  ASSERT_EQ(back.findings.size(), r.findings.size());
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    EXPECT_EQ(back.findings[i].kind, r.findings[i].kind);
    EXPECT_EQ(back.findings[i].message, r.findings[i].message);
    EXPECT_EQ(back.findings[i].trace.events, r.findings[i].trace.events);
    EXPECT_EQ(back.findings[i].minimized, r.findings[i].minimized);
    EXPECT_TRUE(back.findings[i].minimized.searched);
  }
  fs::remove(path);
}

TEST(GtestMatchers, FindsExplainsWhatWasFoundInstead) {
  const weft::check::Report r = weft::testing::check(lock_order);
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(weft::testing::Finds(weft::FindingKind::lost_update).MatchAndExplain(r, &listener));
  EXPECT_NE(listener.str().find("which has no lost_update finding"), std::string::npos) << listener.str();
  EXPECT_NE(listener.str().find("deadlock"), std::string::npos) << listener.str();
  fs::remove(weft::testing::counterexample_path());

  const weft::check::Report clean = weft::testing::check(locked_counter);
  ::testing::StringMatchResultListener none;
  EXPECT_FALSE(weft::testing::Finds(weft::FindingKind::lost_update).MatchAndExplain(clean, &none));
  EXPECT_NE(none.str().find("which has no findings"), std::string::npos) << none.str();
  EXPECT_NE(none.str().find("every interleaving explored"), std::string::npos) << none.str();
  fs::remove(weft::testing::counterexample_path());
}

TEST(GtestMatchers, AFailingExpectationCarriesTheReport) {
  const fs::path dir = fs::path(::testing::TempDir()) / "weft-gtest-counterexamples";
  fs::create_directories(dir);
  setenv("WEFT_COUNTEREXAMPLE_DIR", dir.c_str(), 1);
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(weft::testing::check(racy_counter), weft::testing::HasNoFindings()),
                          "WARNING: LOST UPDATE");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(weft::testing::check(racy_counter), weft::testing::HasNoFindings()),
                          "is a weft report without findings");
  unsetenv("WEFT_COUNTEREXAMPLE_DIR");
  EXPECT_TRUE(fs::exists(dir / "weft-GtestMatchers.AFailingExpectationCarriesTheReport.json"));
  fs::remove_all(dir);
}

}  // namespace
