// The trace viewer: which hand-offs become arrows, which steps are
// highlighted, that the page is self-contained and survives hostile values,
// `weft view`'s handling of bad input, and the page itself drawn by a real
// headless Chromium (every event drawn, the finding highlighted, a screenshot
// kept in the build's tests/artifacts/).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "weft/check.h"
#include "weft/model.h"
#include "weft/report_json.h"
#include "weft/view.h"

namespace {

namespace fs = std::filesystem;
using weft::check::Handoff;
using weft::check::TraceEvent;

TraceEvent ev(std::uint64_t step, weft::GoroutineId g, std::string op, std::string object,
              std::optional<weft::GoroutineId> partner = std::nullopt, std::vector<std::string> flags = {}) {
  TraceEvent e;
  e.step = step;
  e.g = g;
  e.op = std::move(op);
  e.object = std::move(object);
  e.partner = partner;
  e.flags = std::move(flags);
  return e;
}

TEST(ViewHandoffs, UnbufferedHandOffsGoBothWays) {
  weft::check::Trace t;
  t.events = {ev(1, 1, "send", "c", 2),   // receiver 2 was parked
              ev(2, 2, "recv", "d", 1)};  // sender 1 was parked
  const std::vector<Handoff> want = {{"chan", "c", 1, 1, 1, 2}, {"chan", "d", 2, 1, 2, 2}};
  EXPECT_EQ(weft::check::find_handoffs(t), want);
}

TEST(ViewHandoffs, BufferedValuesAreMatchedFirstInFirstOut) {
  weft::check::Trace t;
  t.events = {ev(1, 1, "send", "c"), ev(2, 2, "send", "c"), ev(3, 3, "recv", "c"), ev(4, 3, "recv", "c"),
              ev(5, 3, "recv", "c", 1, {"closed"})};
  const std::vector<Handoff> want = {
      {"chan", "c", 1, 1, 3, 3}, {"chan", "c", 2, 2, 4, 3}, {"close", "c", 5, 1, 5, 3}};
  EXPECT_EQ(weft::check::find_handoffs(t), want);
}

TEST(ViewHandoffs, ParkedSendersValueEntersTheFreedSlot) {
  weft::check::Trace t;
  // Buffer of one: 1 fills it, 2 parks; 3 takes 1's value and 2's value moves in.
  t.events = {ev(1, 1, "send", "c"), ev(2, 3, "recv", "c", 2), ev(3, 3, "recv", "c")};
  const std::vector<Handoff> want = {{"chan", "c", 1, 1, 2, 3}, {"chan", "c", 2, 2, 3, 3}};
  EXPECT_EQ(weft::check::find_handoffs(t), want);
}

TEST(ViewHandoffs, LockPassesOnlyBetweenGoroutines) {
  weft::check::Trace t;
  t.events = {ev(1, 1, "lock", "mu"),   ev(2, 1, "unlock", "mu"), ev(3, 1, "lock", "mu"),
              ev(4, 1, "unlock", "mu"), ev(5, 2, "lock", "mu"),   ev(6, 2, "unlock", "mu"),
              ev(7, 1, "lock", "other")};
  const std::vector<Handoff> want = {{"lock", "mu", 4, 1, 5, 2}};
  EXPECT_EQ(weft::check::find_handoffs(t), want);
}

TEST(ViewHandoffs, GoPointsAtTheChildsFirstStep) {
  weft::check::Trace t;
  t.events = {ev(1, 0, "go", "", 1), ev(2, 0, "store", "x"), ev(3, 1, "load", "x")};
  const std::vector<Handoff> want = {{"spawn", "", 1, 0, 3, 1}};
  EXPECT_EQ(weft::check::find_handoffs(t), want);
}

TEST(ViewHighlight, KeyStepsElseLocationsOfTheFindingsGoroutines) {
  weft::check::Finding f;
  f.trace.events = {ev(1, 1, "load", "x"), ev(2, 2, "store", "x"), ev(3, 1, "store", "x")};
  f.key_steps = {1, 3};
  EXPECT_EQ(weft::check::highlighted_steps(f), (std::vector<std::uint64_t>{1, 3}));
  f.key_steps.clear();
  f.goroutines = {2};
  for (auto& e : f.trace.events) e.where = {"m.cpp", 7, "", ""};
  f.locations = {{"m.cpp", 7, "", "write"}};
  EXPECT_EQ(weft::check::highlighted_steps(f), (std::vector<std::uint64_t>{2}));
}

weft::check::Report check_model(const std::string& name) {
  const weft::Model* m = weft::Registry::instance().find(name);
  if (m == nullptr) throw std::runtime_error("no model " + name);
  return weft::check::run_check(*m, weft::resolve_params(*m, {}), weft::check::CheckOptions{});
}

TEST(ViewSelect, DefaultsToTheVerdictAndAcceptsNumbersAndKinds) {
  weft::check::Report r;
  r.findings.resize(3);
  r.findings[0].kind = weft::FindingKind::data_race;
  r.findings[1].kind = weft::FindingKind::lost_update;
  r.findings[2].kind = weft::FindingKind::data_race;
  EXPECT_EQ(weft::check::select_finding(r, ""), 1u);
  EXPECT_EQ(weft::check::select_finding(r, "3"), 2u);
  EXPECT_EQ(weft::check::select_finding(r, "data_race"), 0u);
  EXPECT_THROW(weft::check::select_finding(r, "4"), std::invalid_argument);
  EXPECT_THROW(weft::check::select_finding(r, "0"), std::invalid_argument);
  EXPECT_THROW(weft::check::select_finding(r, "deadlock"), std::invalid_argument);
  EXPECT_THROW(weft::check::select_finding(weft::check::Report{}, ""), std::invalid_argument);
}

TEST(ViewPage, IsSelfContainedAndEmbedsTheData) {
  const weft::check::Report r = check_model("counter_race");
  const std::string page = weft::check::render_view(r, weft::check::select_finding(r, ""));
  EXPECT_EQ(page.find("__WEFT_DATA__"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_NE(page.find("\"kind\":\"lost_update\""), std::string::npos);
}

TEST(ViewPage, ValuesCannotEndTheDataScript) {
  weft::check::Report r = check_model("counter_race");
  const std::size_t k = weft::check::select_finding(r, "");
  r.findings[k].trace.events[0].value = "</script><script>alert(1)</script><!--";
  const std::string page = weft::check::render_view(r, k);
  EXPECT_EQ(page.find("alert(1)</script>"), std::string::npos);
  // The data still parses and holds the value unchanged.
  const std::size_t open = page.find("id=\"weft-data\">");
  ASSERT_NE(open, std::string::npos);
  const std::size_t from = open + std::string("id=\"weft-data\">").size();
  const std::size_t to = page.find("</script>", from);
  const nlohmann::json data = nlohmann::json::parse(page.substr(from, to - from));
  EXPECT_EQ(data["events"][0]["value"], "</script><script>alert(1)</script><!--");
}

class ViewCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("weft_view_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  int weft(const std::string& args, std::string* out = nullptr) const {
    const std::string cmd = "cd '" + dir_.string() + "' && '" + WEFT_BINARY + "' " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return -1;
    std::string text;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
    const int status = pclose(p);
    if (out != nullptr) *out = text;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  fs::path dir_;
};

TEST_F(ViewCli, WritesThePageOfTheChosenFinding) {
  ASSERT_EQ(weft("check counter_race --all --json cr.json -q"), 1);
  std::string out;
  ASSERT_EQ(weft("view cr.json -o cr.html --finding lost_update", &out), 0) << out;
  EXPECT_NE(out.find("(lost_update) written to cr.html"), std::string::npos) << out;
  EXPECT_TRUE(fs::file_size(dir_ / "cr.html") > 1000);
}

TEST_F(ViewCli, BadInputIsAClearErrorWithExitCode2) {
  std::string out;
  EXPECT_EQ(weft("view missing.json -o x.html", &out), 2);
  EXPECT_NE(out.find("cannot read missing.json"), std::string::npos) << out;
  std::ofstream(dir_ / "bad.json") << "{\"format\": 3";
  EXPECT_EQ(weft("view bad.json -o x.html", &out), 2);
  EXPECT_NE(out.find("bad.json:"), std::string::npos) << out;
  ASSERT_EQ(weft("check counter_mutex --json ok.json -q"), 0);
  EXPECT_EQ(weft("view ok.json -o x.html", &out), 2);
  EXPECT_NE(out.find("holds no finding"), std::string::npos) << out;
  ASSERT_EQ(weft("check lock_order --json lo.json -q"), 1);
  EXPECT_EQ(weft("view lo.json -o x.html --finding 2", &out), 2);
  EXPECT_NE(out.find("the report has 1 finding"), std::string::npos) << out;
  EXPECT_EQ(weft("view lo.json", &out), 2);  // -o is required
  EXPECT_FALSE(fs::exists(dir_ / "x.html"));
}

// --- the page in a real browser ---

std::string find_chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

// Runs headless Chromium on `page` with `args`; returns its stdout.
std::string run_chromium(const std::string& chromium, const fs::path& page, const std::string& args) {
  char tmpl[] = "/tmp/weft-chromium-XXXXXX";
  const char* profile = mkdtemp(tmpl);
  if (profile == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::string cmd = "timeout 120 '" + chromium +
                          "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --user-data-dir=" +
                          std::string(profile) + " " + args + " 'file://" + page.string() + "' 2>/dev/null";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p != nullptr) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  fs::remove_all(profile);
  return out;
}

std::string attribute(const std::string& tag, const std::string& name) {
  const std::regex re(name + "=\"([^\"]*)\"");
  std::smatch m;
  if (!std::regex_search(tag, m, re)) return "<missing " + name + ">";
  return m[1];
}

class ViewBrowser : public testing::TestWithParam<std::string> {};

TEST_P(ViewBrowser, DrawsEveryEventAndHighlightsTheFinding) {
  const std::string chromium = find_chromium();
  ASSERT_FALSE(chromium.empty())
      << "chromium is not installed: scripts/setup installs Debian's chromium package, "
         "which the viewer test needs";
  const std::string model = GetParam();
  const weft::check::Report r = check_model(model);
  const std::size_t k = weft::check::select_finding(r, "");
  const fs::path artifacts = WEFT_ARTIFACT_DIR;
  fs::create_directories(artifacts);
  const fs::path page = artifacts / ("viewer-" + model + ".html");
  std::ofstream(page) << weft::check::render_view(r, k);

  const nlohmann::json data = nlohmann::json::parse(weft::check::view_data_json(r, k));
  std::size_t highlighted = 0;
  for (const auto& e : data["events"]) highlighted += e["key"].get<bool>() ? 1u : 0u;
  for (const auto& b : data["blocked"]) highlighted += b["key"].get<bool>() ? 1u : 0u;
  ASSERT_GT(highlighted, 0u) << "the finding of " << model << " marks no event";

  const std::string dom = run_chromium(chromium, page, "--dump-dom");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("<div id=\"weft-summary\"[^>]*>")))
      << "no summary element in the page Chromium rendered:\n"
      << dom.substr(0, 2000);
  const std::string tag = m[0];
  EXPECT_EQ(attribute(tag, "data-ready"), "1") << tag;
  EXPECT_EQ(attribute(tag, "data-events"), std::to_string(data["events"].size())) << tag;
  EXPECT_EQ(attribute(tag, "data-drawn"), std::to_string(data["events"].size())) << tag;
  EXPECT_EQ(attribute(tag, "data-highlighted"), std::to_string(highlighted)) << tag;
  EXPECT_EQ(attribute(tag, "data-blocked"), std::to_string(data["blocked"].size())) << tag;
  EXPECT_EQ(attribute(tag, "data-lanes"), std::to_string(data["goroutines"].size())) << tag;
  EXPECT_EQ(attribute(tag, "data-arrows"), std::to_string(data["arrows"].size())) << tag;
  EXPECT_EQ(attribute(tag, "data-kind"), data["finding"]["kind"].get<std::string>()) << tag;
  // Each event box carries its step, and the highlighted ones are the finding's.
  for (const auto& e : data["events"]) {
    const std::string step = std::to_string(e["step"].get<std::uint64_t>());
    const std::regex box("<div class=\"ev op-[a-z_]+( key)?[^\"]*\"[^>]*data-step=\"" + step + "\"");
    std::smatch bm;
    ASSERT_TRUE(std::regex_search(dom, bm, box)) << "step " << step << " is not drawn";
    EXPECT_EQ(bm[1].matched, e["key"].get<bool>()) << "step " << step;
  }

  const fs::path shot = artifacts / ("viewer-" + model + ".png");
  fs::remove(shot);
  run_chromium(chromium, page, "--window-size=1000,800 --screenshot=" + shot.string());
  ASSERT_TRUE(fs::exists(shot)) << "Chromium wrote no screenshot";
  EXPECT_GT(fs::file_size(shot), 10000u);
}

INSTANTIATE_TEST_SUITE_P(Models, ViewBrowser,
                         testing::Values("counter_race", "lock_order", "locked_lost_update",
                                         "leak_two_senders"));

TEST(ViewBrowserArrows, ModelsWithHandOffsHaveArrows) {
  for (const char* model : {"locked_lost_update", "leak_two_senders"}) {
    const weft::check::Report r = check_model(model);
    ASSERT_FALSE(r.findings.empty()) << model;
    const weft::check::Finding& f = r.findings[weft::check::select_finding(r, "")];
    const auto arrows = weft::check::find_handoffs(f.trace);
    const bool has_handoff = std::any_of(
        arrows.begin(), arrows.end(), [](const Handoff& h) { return h.kind == "lock" || h.kind == "chan"; });
    EXPECT_TRUE(has_handoff) << model;
  }
}

}  // namespace
