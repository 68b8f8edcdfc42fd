// Reports: the Go-shaped text (a golden file per finding kind), minimal
// counterexamples, SARIF, Perfetto and JUnit (golden files and structural
// checks), and the progress display.
//
// The programs come first so that their line numbers, which the golden files
// contain, do not move when tests below are edited. Regenerate the golden
// files with WEFT_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "weft/check.h"
#include "weft/minimize.h"
#include "weft/progress.h"
#include "weft/report_junit.h"
#include "weft/report_perfetto.h"
#include "weft/report_sarif.h"
#include "weft/report_text.h"
#include "weft/weft.h"

namespace {

void lost_update_program() {
  weft::Shared<int> hits{"hits", 0};
  weft::WaitGroup wg{"wg"};
  wg.add(2);
  for (int i = 0; i < 2; ++i) {
    weft::go([=] {
      const int seen = hits.load();
      hits.store(seen + 1);
      wg.done();
    });
  }
  wg.wait();
}

void data_race_program() {
  weft::Shared<int> ready{"ready", 0};
  weft::go([=] { ready.store(1); });
  const int r = ready.load();
  (void)r;
}

void deadlock_program() {
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

void leak_program() {
  weft::Chan<int> results{"results"};
  weft::go([results] { results.send(1); });
  weft::go([results] { results.send(2); });
  const int first = results.recv();
  (void)first;
}

void panic_program() {
  weft::Chan<int> ch{"ch", 1};
  weft::WaitGroup wg{"wg"};
  wg.add(1);
  weft::go([=] {
    ch.send(1);
    wg.done();
  });
  ch.close();
  wg.wait();
}

void assertion_program() {
  weft::Shared<int> balance{"balance", 100};
  weft::Mutex mu{"mu"};
  weft::WaitGroup wg{"wg"};
  wg.add(1);
  weft::go([=] {
    mu.lock();
    balance.store(balance.load() - 30);
    mu.unlock();
    wg.done();
  });
  mu.lock();
  const int seen = balance.load();
  mu.unlock();
  wg.wait();
  weft::expect(seen == 100, "main sees the balance before the withdrawal");
}

void step_limit_program() {
  weft::Shared<int> flag{"flag", 0};
  weft::go([=] {
    while (true) flag.store(1);
  });
  while (flag.load() != 2) {
  }
}

}  // namespace

// ---------------------------------------------------------------------------

namespace wc = weft::check;

namespace {

wc::CheckOptions quick_options() {
  wc::CheckOptions o;
  o.max_steps = 60;
  return o;
}

wc::Report check_program(const std::string& name, void (*body)(), wc::CheckOptions o = quick_options()) {
  return wc::run_check(name, body, weft::Params{}, o);
}

const wc::Finding* finding_of(const wc::Report& r, weft::FindingKind k) {
  for (const wc::Finding& f : r.findings) {
    if (f.kind == k) return &f;
  }
  return nullptr;
}

std::string golden_path(const std::string& name) {
  return std::string(WEFT_GOLDEN_DIR) + "/reports/" + name;
}

// Compares `text` with the golden file, or rewrites it with WEFT_UPDATE_GOLDEN=1.
void expect_golden(const std::string& name, const std::string& text) {
  const std::string path = golden_path(name);
  if (std::getenv("WEFT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with WEFT_UPDATE_GOLDEN=1 to create it)";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), text) << "golden file " << path << " differs";
}

std::string finding_text(const wc::Finding& f, bool verbose = false) {
  std::ostringstream os;
  wc::TextOptions to;
  to.verbose = verbose;
  wc::print_finding(os, f, to);
  return os.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream is(text);
  for (std::string l; std::getline(is, l);) out.push_back(l);
  return out;
}

struct KindCase {
  const char* name;
  void (*body)();
  weft::FindingKind kind;
};

const KindCase kind_cases[] = {
    {"lost_update", lost_update_program, weft::FindingKind::lost_update},
    {"data_race", data_race_program, weft::FindingKind::data_race},
    {"deadlock", deadlock_program, weft::FindingKind::deadlock},
    {"goroutine_leak", leak_program, weft::FindingKind::goroutine_leak},
    {"panic", panic_program, weft::FindingKind::panic},
    {"assertion", assertion_program, weft::FindingKind::assertion},
    {"step_limit", step_limit_program, weft::FindingKind::step_limit},
};

}  // namespace

// --- text reports ----------------------------------------------------------

class TextReportGolden : public ::testing::TestWithParam<KindCase> {};

TEST_P(TextReportGolden, MatchesGoldenFile) {
  const KindCase& c = GetParam();
  wc::Report r = check_program(c.name, c.body);
  const wc::Finding* f = finding_of(r, c.kind);
  ASSERT_NE(f, nullptr) << "no " << c.name << " finding";
  const std::string text = finding_text(*f);
  EXPECT_EQ(text.find(WEFT_GOLDEN_DIR), std::string::npos) << "the report holds an absolute path";
  expect_golden(std::string(c.name) + ".txt", text);
}

// The first three lines say what went wrong, where, and between whom.
TEST_P(TextReportGolden, FirstThreeLinesSayWhatWhereWhom) {
  const KindCase& c = GetParam();
  wc::Report r = check_program(c.name, c.body);
  const wc::Finding* f = finding_of(r, c.kind);
  ASSERT_NE(f, nullptr);
  std::vector<std::string> l = lines_of(finding_text(*f));
  ASSERT_GE(l.size(), 3u);
  EXPECT_EQ(l[0], wc::finding_headline(*f));
  EXPECT_NE(l[1].find("goroutine"), std::string::npos) << l[1];
  EXPECT_NE(l[2].find("tests/reports_test.cpp:"), std::string::npos) << l[2];
}

INSTANTIATE_TEST_SUITE_P(Kinds, TextReportGolden, ::testing::ValuesIn(kind_cases),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(TextReport, HeadlinesUseGoWords) {
  wc::Report r = check_program("panic", panic_program);
  ASSERT_NE(finding_of(r, weft::FindingKind::panic), nullptr);
  EXPECT_EQ(wc::finding_headline(*finding_of(r, weft::FindingKind::panic)), "panic: send on closed channel");
  r = check_program("deadlock", deadlock_program);
  ASSERT_NE(finding_of(r, weft::FindingKind::deadlock), nullptr);
  EXPECT_EQ(wc::finding_headline(*finding_of(r, weft::FindingKind::deadlock)),
            "fatal error: all goroutines are asleep - deadlock!");
  r = check_program("lost_update", lost_update_program);
  ASSERT_NE(finding_of(r, weft::FindingKind::lost_update), nullptr);
  EXPECT_EQ(wc::finding_headline(*finding_of(r, weft::FindingKind::lost_update)), "WARNING: LOST UPDATE");
}

TEST(TextReport, RaceListsAccessesLikeGoRaceDetector) {
  wc::Report r = check_program("data_race", data_race_program);
  const wc::Finding* f = finding_of(r, weft::FindingKind::data_race);
  ASSERT_NE(f, nullptr);
  const std::string text = finding_text(*f);
  EXPECT_NE(text.find("WARNING: DATA RACE\n"), std::string::npos);
  // The later access first, then the earlier one, as Go prints them.
  const std::size_t now = text.find("Write at ready by goroutine 1:");
  const std::size_t before = text.find("Previous read at ready by goroutine 0:");
  EXPECT_NE(now, std::string::npos) << text;
  EXPECT_NE(before, std::string::npos) << text;
  EXPECT_LT(now, before);
  EXPECT_NE(text.find("  read ready = 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Goroutine 1 ("), std::string::npos) << text;
}

TEST(TextReport, DeadlockDumpNamesGoWaitReasonsAndTheCycle) {
  wc::Report r = check_program("deadlock", deadlock_program);
  const wc::Finding* f = finding_of(r, weft::FindingKind::deadlock);
  ASSERT_NE(f, nullptr);
  const std::string text = finding_text(*f);
  EXPECT_NE(text.find("goroutine 1 [sync.Mutex.Lock]:"), std::string::npos) << text;
  EXPECT_NE(text.find("goroutine 0 [sync.WaitGroup.Wait]:"), std::string::npos) << text;
  EXPECT_NE(text.find("created by "), std::string::npos) << text;
  EXPECT_NE(
      text.find("cycle: goroutine 1 waits for mutex b held by goroutine 2, which waits for mutex a held by "
                "goroutine 1"),
      std::string::npos)
      << text;
}

TEST(TextReport, WaitCyclesFromHolders) {
  auto blocked = [](weft::GoroutineId g, const char* op, const char* obj, std::vector<weft::GoroutineId> h) {
    wc::BlockedGoroutine b;
    b.g = g;
    b.op = op;
    b.object = obj;
    b.holders = std::move(h);
    return b;
  };
  // 3 -> 1 -> 2 -> 3 is one cycle, spelled from its smallest goroutine; 0 waits outside it.
  std::vector<wc::BlockedGoroutine> bs = {blocked(0, "wg_wait", "wg", {}), blocked(3, "lock", "c", {1}),
                                          blocked(1, "lock", "a", {2}), blocked(2, "lock", "b", {3})};
  std::vector<std::string> cycles = wc::wait_cycles(bs);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(
      cycles[0],
      "goroutine 1 waits for mutex a held by goroutine 2, which waits for mutex b held by goroutine 3, which "
      "waits for mutex c held by goroutine 1");
  // Self-deadlock: a goroutine locking a mutex it holds.
  cycles = wc::wait_cycles({blocked(4, "lock", "mu", {4})});
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0], "goroutine 4 waits for mutex mu held by goroutine 4");
  EXPECT_TRUE(wc::wait_cycles({blocked(0, "recv", "ch", {})}).empty());
}

TEST(TextReport, GoWaitReasons) {
  auto reason = [](const char* op, const char* obj) {
    wc::BlockedGoroutine b;
    b.op = op;
    b.object = obj;
    return wc::go_wait_reason(b);
  };
  EXPECT_EQ(reason("send", "ch"), "chan send");
  EXPECT_EQ(reason("recv", "ch"), "chan receive");
  EXPECT_EQ(reason("send", ""), "chan send (nil chan)");
  EXPECT_EQ(reason("recv", ""), "chan receive (nil chan)");
  EXPECT_EQ(reason("select", ""), "select");
  EXPECT_EQ(reason("lock", "mu"), "sync.Mutex.Lock");
  EXPECT_EQ(reason("rlock", "rw"), "sync.RWMutex.RLock");
  EXPECT_EQ(reason("wlock", "rw"), "sync.RWMutex.Lock");
  EXPECT_EQ(reason("wg_wait", "wg"), "sync.WaitGroup.Wait");
  EXPECT_EQ(reason("cond_wait", "c"), "sync.Cond.Wait");
}

TEST(TextReport, WaitGroupDeltasReadAsAddAndDone) {
  wc::TraceEvent e;
  e.op = "wg_add";
  e.object = "wg";
  e.value = "-1";
  EXPECT_EQ(wc::format_event(e), "wg.Done wg");
  e.value = "2";
  EXPECT_EQ(wc::format_event(e), "wg.Add wg +2");
  e.value = "-3";
  EXPECT_EQ(wc::format_event(e), "wg.Add wg -3");
}

TEST(TextReport, CompactInterleavingHidesOtherGoroutinesVerboseShowsAll) {
  wc::Report r = check_program("leak", leak_program);
  const wc::Finding* f = finding_of(r, weft::FindingKind::goroutine_leak);
  ASSERT_NE(f, nullptr);
  const std::string compact = finding_text(*f);
  const std::string verbose = finding_text(*f, true);
  EXPECT_NE(compact.find("other step"), std::string::npos) << compact;
  EXPECT_EQ(verbose.find("other step"), std::string::npos) << verbose;
  for (const wc::TraceEvent& e : f->trace.events) {
    EXPECT_NE(verbose.find(wc::format_event(e)), std::string::npos) << "step " << e.step << " missing";
  }
}

// --- minimal counterexamples -----------------------------------------------

namespace {

wc::Report check_model(const char* name, bool minimize) {
  const weft::Model* m = weft::Registry::instance().find(name);
  EXPECT_NE(m, nullptr) << name;
  if (m == nullptr) return {};
  wc::CheckOptions o;
  o.minimize = minimize;
  return wc::run_check(*m, weft::resolve_params(*m, {}), o);
}

}  // namespace

TEST(Minimize, CounterRaceLostUpdateNeedsOnePreemption) {
  wc::Report plain = check_model("counter_race", false);
  const wc::Finding* first = finding_of(plain, weft::FindingKind::lost_update);
  ASSERT_NE(first, nullptr);
  EXPECT_GT(first->trace.preemptions, 1u) << "the first counterexample is not already minimal";
  wc::Report r = check_model("counter_race", true);
  const wc::Finding* f = finding_of(r, weft::FindingKind::lost_update);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->trace.preemptions, 1u);
  EXPECT_TRUE(f->minimized.searched);
  EXPECT_TRUE(f->minimized.fewest_preemptions);
  EXPECT_EQ(f->minimized.original_preemptions, first->trace.preemptions);
  EXPECT_NE(finding_text(*f).find("counterexample: 1 preemption, "), std::string::npos);
}

TEST(Minimize, LockOrderDeadlockNeedsOnePreemption) {
  wc::Report r = check_model("lock_order", true);
  const wc::Finding* f = finding_of(r, weft::FindingKind::deadlock);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->trace.preemptions, 1u);
  EXPECT_TRUE(f->minimized.fewest_preemptions);
}

TEST(Minimize, MinimalScheduleReplaysToTheSameFinding) {
  const weft::Model* m = weft::Registry::instance().find("counter_race");
  ASSERT_NE(m, nullptr);
  weft::Params p = weft::resolve_params(*m, {});
  wc::Report r = check_model("counter_race", true);
  const wc::Finding* f = finding_of(r, weft::FindingKind::lost_update);
  ASSERT_NE(f, nullptr);
  wc::ReplayOutcome out = wc::replay_schedule(m->body, p, wc::CheckOptions{}, f->trace.schedule);
  EXPECT_TRUE(out.divergence.empty()) << out.divergence;
  EXPECT_EQ(out.trace.preemptions, f->trace.preemptions);
  EXPECT_EQ(out.trace.steps, f->trace.steps);
  bool same = false;
  for (const wc::Finding& g : out.findings)
    same = same || wc::minimize_signature(g) == wc::minimize_signature(*f);
  EXPECT_TRUE(same);
}

TEST(Minimize, ThreeGoroutinesStillOnePreemptionAndFewestSteps) {
  const weft::Model* m = weft::Registry::instance().find("counter_race");
  ASSERT_NE(m, nullptr);
  wc::CheckOptions o;
  wc::Report r = wc::run_check(*m, weft::resolve_params(*m, {{"n", "3"}}), o);
  const wc::Finding* f = finding_of(r, weft::FindingKind::lost_update);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->trace.preemptions, 1u);
  EXPECT_TRUE(f->minimized.fewest_steps);
}

TEST(Minimize, BudgetOfZeroExecutionsKeepsTheOriginal) {
  const weft::Model* m = weft::Registry::instance().find("counter_race");
  ASSERT_NE(m, nullptr);
  wc::CheckOptions o;
  o.minimize = false;
  weft::Params p = weft::resolve_params(*m, {});
  wc::Report r = wc::run_check(*m, p, o);
  const wc::Finding* f = finding_of(r, weft::FindingKind::lost_update);
  ASSERT_NE(f, nullptr);
  o.minimize_executions = 1;
  wc::Finding g = wc::minimize_finding(m->body, p, o, *f);
  EXPECT_EQ(g.trace, f->trace);
  EXPECT_FALSE(g.minimized.fewest_preemptions);
  EXPECT_EQ(g.minimized.executions, 1u);
}

TEST(Minimize, StepLimitIsLeftAlone) {
  wc::Report r = check_program("step_limit", step_limit_program);
  const wc::Finding* f = finding_of(r, weft::FindingKind::step_limit);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->minimized.searched);
}

// --- SARIF, Perfetto, JUnit --------------------------------------------------

namespace {

// A deterministic report for the machine formats: the lost update, timings zeroed.
wc::Report format_report() {
  wc::CheckOptions o;
  wc::Report r = wc::run_check("lost_update", lost_update_program, weft::Params{}, o);
  r.stats.seconds = 0.25;
  return r;
}

}  // namespace

TEST(Sarif, MatchesGoldenFile) {
  expect_golden("lost_update.sarif", wc::report_to_sarif({format_report()}));
}

TEST(Sarif, HasTheRequiredFieldsOf210) {
  std::vector<wc::Report> reports = {format_report(), check_program("deadlock", deadlock_program)};
  nlohmann::json doc = nlohmann::json::parse(wc::report_to_sarif(reports));
  EXPECT_EQ(doc.at("version"), "2.1.0");
  EXPECT_TRUE(doc.at("$schema").get<std::string>().find("sarif-2.1.0") != std::string::npos);
  ASSERT_TRUE(doc.at("runs").is_array());
  ASSERT_EQ(doc["runs"].size(), 1u);
  const auto& run = doc["runs"][0];
  EXPECT_EQ(run.at("tool").at("driver").at("name"), "weft");
  EXPECT_FALSE(run["tool"]["driver"].at("version").get<std::string>().empty());
  const auto& rules = run["tool"]["driver"].at("rules");
  ASSERT_TRUE(rules.is_array());
  std::set<std::string> ids;
  for (const auto& rule : rules) ids.insert(rule.at("id").get<std::string>());
  EXPECT_TRUE(ids.count("lost_update") && ids.count("deadlock") && ids.count("data_race"));
  std::size_t findings = 0;
  for (const auto& r : reports) findings += r.findings.size();
  ASSERT_EQ(run.at("results").size(), findings);
  for (const auto& res : run["results"]) {
    const std::string rule = res.at("ruleId");
    EXPECT_TRUE(ids.count(rule)) << rule;
    EXPECT_EQ(rules.at(res.at("ruleIndex").get<std::size_t>()).at("id"), rule);
    EXPECT_EQ(res.at("level"), "error");
    EXPECT_FALSE(res.at("message").at("text").get<std::string>().empty());
    ASSERT_FALSE(res.at("locations").empty());
    const auto& pl = res["locations"][0].at("physicalLocation");
    EXPECT_EQ(pl.at("artifactLocation").at("uri"), "tests/reports_test.cpp");
    EXPECT_GE(pl.at("region").at("startLine").get<int>(), 1);
    const auto& flows = res.at("codeFlows").at(0).at("threadFlows");
    ASSERT_FALSE(flows.empty());
    for (const auto& tf : flows) {
      ASSERT_FALSE(tf.at("locations").empty());
      for (const auto& l : tf["locations"]) {
        EXPECT_TRUE(l.at("location").is_object());
        EXPECT_GE(l.at("executionOrder").get<int>(), 1);
      }
    }
    if (rule == "lost_update") {
      EXPECT_EQ(res.at("relatedLocations").size(), 2u) << "the read and the lost write";
    }
  }
}

TEST(Perfetto, MatchesGoldenFile) {
  expect_golden("lost_update.perfetto.json", wc::report_to_perfetto(format_report()));
}

TEST(Perfetto, IsValidTraceEventJson) {
  wc::Report r = format_report();
  nlohmann::json doc = nlohmann::json::parse(wc::report_to_perfetto(r));
  ASSERT_TRUE(doc.at("traceEvents").is_array());
  std::set<std::pair<int, int>> named;
  std::set<std::pair<int, int>> used;
  std::size_t slices = 0;
  std::size_t instants = 0;
  for (const auto& e : doc["traceEvents"]) {
    const std::string ph = e.at("ph");
    EXPECT_TRUE(e.at("name").is_string());
    EXPECT_TRUE(e.at("pid").is_number_integer());
    if (ph == "M") {
      if (e["name"] == "thread_name") named.insert({e["pid"].get<int>(), e.at("tid").get<int>()});
      continue;
    }
    ASSERT_TRUE(ph == "X" || ph == "i") << ph;
    EXPECT_TRUE(e.at("ts").is_number());
    used.insert({e["pid"].get<int>(), e.at("tid").get<int>()});
    if (ph == "X") {
      ++slices;
      EXPECT_GT(e.at("dur").get<double>(), 0);
      EXPECT_TRUE(e.at("args").contains("where"));
    } else {
      ++instants;
      EXPECT_EQ(e.at("s"), "t");
    }
  }
  for (const auto& t : used)
    EXPECT_TRUE(named.count(t)) << "track " << t.first << "/" << t.second << " has no name";
  std::size_t events = 0;
  std::size_t keys = 0;
  for (const auto& f : r.findings) {
    events += f.trace.events.size();
    keys += f.key_steps.size() + f.trace.blocked.size();
  }
  EXPECT_EQ(slices, events);
  EXPECT_EQ(instants, keys);
}

namespace {

// A small well-formedness check: tags nest and close, attributes are quoted,
// entities are the five XML knows, no raw '<' or '&' in text.
std::string xml_problem(const std::string& x) {
  std::vector<std::string> open;
  std::size_t i = 0;
  auto bad_entity = [&](std::size_t at) {
    static const char* ok[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (const char* e : ok) {
      if (x.compare(at, std::strlen(e), e) == 0) return false;
    }
    return true;
  };
  if (x.rfind("<?xml ", 0) != 0) return "no XML declaration";
  i = x.find("?>") + 2;
  while (i < x.size()) {
    if (x[i] == '&' && bad_entity(i)) return "bad entity at " + std::to_string(i);
    if (x[i] != '<') {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    char quote = 0;
    for (; end < x.size(); ++end) {
      if (quote != 0) {
        if (x[end] == quote) quote = 0;
        if (x[end] == '<') return "'<' in an attribute at " + std::to_string(end);
        if (x[end] == '&' && bad_entity(end)) return "bad entity in an attribute at " + std::to_string(end);
      } else if (x[end] == '"' || x[end] == '\'') {
        quote = x[end];
      } else if (x[end] == '>') {
        break;
      }
    }
    if (end >= x.size()) return "unterminated tag at " + std::to_string(i);
    std::string tag = x.substr(i + 1, end - i - 1);
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "mismatched </" + tag.substr(1) + ">";
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find_first_of(" \n\t")));
    }
    i = end + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> not closed";
  return "";
}

}  // namespace

TEST(Junit, MatchesGoldenFile) {
  expect_golden("lost_update.junit.xml", wc::report_to_junit({format_report()}));
}

TEST(Junit, OneTestCasePerModelAndWellFormed) {
  const weft::Model* ok_model = weft::Registry::instance().find("counter_mutex");
  ASSERT_NE(ok_model, nullptr);
  wc::Report ok = wc::run_check(*ok_model, weft::resolve_params(*ok_model, {}), wc::CheckOptions{});
  ASSERT_TRUE(ok.findings.empty());
  const std::string xml =
      wc::report_to_junit({format_report(), ok, check_program("deadlock", deadlock_program)});
  EXPECT_EQ(xml_problem(xml), "");
  std::size_t cases = 0;
  for (std::size_t p = xml.find("<testcase "); p != std::string::npos; p = xml.find("<testcase ", p + 1))
    ++cases;
  EXPECT_EQ(cases, 3u);
  std::size_t failures = 0;
  for (std::size_t p = xml.find("<failure "); p != std::string::npos; p = xml.find("<failure ", p + 1))
    ++failures;
  EXPECT_EQ(failures, 2u);
  EXPECT_NE(xml.find("tests=\"3\" failures=\"2\""), std::string::npos);
  EXPECT_NE(xml.find("WARNING: LOST UPDATE"), std::string::npos);
  EXPECT_NE(xml.find("name=\"counter_mutex n=2\""), std::string::npos);
}

TEST(Junit, EscapesTextAndDropsControlCharacters) {
  EXPECT_EQ(wc::xml_escape("a<b>&\"c\"'\x01\n"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;\n");
  EXPECT_EQ(xml_problem("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; u</a>\n"), "");
  EXPECT_NE(xml_problem("<?xml version=\"1.0\"?>\n<a><b></a>\n"), "");
}

// --- progress ----------------------------------------------------------------

TEST(Progress, KnuthEstimateIsNearTheExactTreeSize) {
  // counter_mutex n=3 explored exhaustively: the number of executions is the
  // number of leaves of the tree the random walks estimate.
  const weft::Model* m = weft::Registry::instance().find("counter_mutex");
  ASSERT_NE(m, nullptr);
  weft::Params p = weft::resolve_params(*m, {{"n", "3"}});
  wc::CheckOptions o;
  o.strategy = "dfs";  // the estimate is of the unreduced tree
  o.all = true;
  wc::Report r = wc::run_check(*m, p, o);
  ASSERT_TRUE(r.complete);
  const double exact = static_cast<double>(r.stats.executions);
  wc::TreeSizeEstimator est(m->body, p, o, 7);
  est.probe(3000);
  EXPECT_NEAR(est.estimate(), exact, exact * 0.15) << "exact " << exact;
}

TEST(Progress, SingleExecutionTreeIsEstimatedExactly) {
  const weft::Model* m = weft::Registry::instance().find("mailbox");
  ASSERT_NE(m, nullptr);
  wc::TreeSizeEstimator est(m->body, weft::resolve_params(*m, {}), wc::CheckOptions{}, 1);
  est.probe(5);
  EXPECT_EQ(est.estimate(), 1.0);
}

TEST(Progress, NothingWhenNotATerminalOrQuiet) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_FALSE(wc::progress_wanted(fds[1], false));
  close(fds[0]);
  close(fds[1]);
  std::ostringstream os;
  wc::ProgressDisplay off(os, false, nullptr);
  wc::Stats s;
  s.executions = 10;
  off.update(s, 1);
  off.finish();
  EXPECT_EQ(os.str(), "");
}

TEST(Progress, LineShowsCountsRateAndEstimate) {
  wc::Stats s;
  s.executions = 250;
  const std::string l = wc::ProgressDisplay::line(s, 1, 2.0, 1000);
  EXPECT_EQ(l, "250 executions, 125/s, 2.0 s, 1 finding, tree ~1000 executions (25% explored)");
  EXPECT_EQ(wc::ProgressDisplay::line(s, 1, 2.0, 1000, /*reduced=*/true),
            "250 executions, 125/s, 2.0 s, 1 finding, unreduced tree ~1000 executions (an upper bound)");
  std::ostringstream os;
  wc::ProgressDisplay on(os, true, nullptr);
  on.update(s, 0);
  on.update(s, 0);  // within 100 ms: not redrawn
  on.finish();
  const std::string out = os.str();
  EXPECT_EQ(out.substr(0, 1), "\r");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 2) << "one draw and one clear";
  EXPECT_NE(out.find("250 executions"), std::string::npos);
}

TEST(Progress, CliWritesNothingToStderrWhenItIsAFile) {
  const std::string err = testing::TempDir() + "weft_progress_stderr.txt";
  const std::string cmd =
      std::string(WEFT_BINARY) + " check counter_mutex --set n=3 --all --no-json > /dev/null 2> " + err;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "");
}

// Included here, not at the top, so the programs' lines (in the golden files) stay put.
#include <sys/wait.h>

TEST(ReportsCli, WritesSarifPerfettoAndJunitFiles) {
  const std::string dir = testing::TempDir();
  const std::string sarif = dir + "weft_reports_cli.sarif";
  const std::string trace = dir + "weft_reports_cli.trace.json";
  const std::string junit = dir + "weft_reports_cli.xml";
  const std::string out = dir + "weft_reports_cli.txt";
  const std::string cmd = std::string(WEFT_BINARY) + " check lock_order --no-json --sarif " + sarif +
                          " --perfetto " + trace + " --junit " + junit + " > " + out + " 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 1) << "a finding exits 1";
  auto read = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string text = read(out);
  EXPECT_NE(
      text.find(
          "fatal error: all goroutines are asleep - deadlock!\n"
          "goroutine 1 waits for mutex b held by goroutine 2, which waits for mutex a held by goroutine 1\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("counterexample: 1 preemption, "), std::string::npos) << text;
  nlohmann::json s = nlohmann::json::parse(read(sarif));
  ASSERT_EQ(s.at("runs").at(0).at("results").size(), 1u);
  EXPECT_EQ(s["runs"][0]["results"][0].at("ruleId"), "deadlock");
  nlohmann::json p = nlohmann::json::parse(read(trace));
  EXPECT_FALSE(p.at("traceEvents").empty());
  EXPECT_EQ(xml_problem(read(junit)), "");
}
