// The GoogleTest matchers of weft/gtest.h: a mismatch explains itself with
// the text report and leaves the JSON report on disk for replay and viewing.
#include "weft/gtest.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "weft/report_json.h"
#include "weft/report_text.h"

namespace weft::testing {

namespace {

using weft::check::Report;

std::string safe_name(std::string s) {
  for (char& c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) c = '_';
  }
  return s;
}

// Writes the report and appends the text report and the file's path to the
// explanation.
void explain(const Report& r, ::testing::MatchResultListener* listener) {
  if (!listener->IsInterested()) return;
  std::ostringstream text;
  weft::check::print_report(text, r, weft::check::TextOptions{});
  *listener << "\n" << text.str();
  const std::string path = counterexample_path();
  std::ofstream out(path, std::ios::binary);
  out << weft::check::report_to_json(r);
  if (out.flush()) {
    *listener << "\nreport written to " << path << " (weft view " << path << " -o trace.html draws it)";
  } else {
    *listener << "\ncould not write the report to " << path;
  }
}

class HasNoFindingsMatcher : public ::testing::MatcherInterface<const Report&> {
 public:
  bool MatchAndExplain(const Report& r, ::testing::MatchResultListener* listener) const override {
    if (r.findings.empty()) return true;
    *listener << "which has " << r.findings.size() << " finding(s)";
    explain(r, listener);
    return false;
  }
  void DescribeTo(std::ostream* os) const override { *os << "is a weft report without findings"; }
  void DescribeNegationTo(std::ostream* os) const override { *os << "is a weft report with findings"; }
};

class FindsMatcher : public ::testing::MatcherInterface<const Report&> {
 public:
  explicit FindsMatcher(FindingKind kind) : kind_(kind) {}
  bool MatchAndExplain(const Report& r, ::testing::MatchResultListener* listener) const override {
    for (const auto& f : r.findings) {
      if (f.kind == kind_) return true;
    }
    if (r.findings.empty()) {
      *listener << "which has no findings after " << r.stats.executions << " execution(s)"
                << (r.complete ? " (every interleaving explored)" : " (the search was incomplete)");
    } else {
      *listener << "which has no " << finding_name(kind_) << " finding";
    }
    explain(r, listener);
    return false;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "is a weft report with a " << finding_name(kind_) << " finding";
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "is a weft report without a " << finding_name(kind_) << " finding";
  }

 private:
  FindingKind kind_;
};

}  // namespace

weft::check::Report check(const std::function<void()>& body, const weft::check::CheckOptions& options) {
  return weft::check::run_check("inline", body, Params{}, options);
}

::testing::Matcher<const weft::check::Report&> HasNoFindings() {
  return ::testing::MakeMatcher(new HasNoFindingsMatcher());
}

::testing::Matcher<const weft::check::Report&> Finds(FindingKind kind) {
  return ::testing::MakeMatcher(new FindsMatcher(kind));
}

std::string counterexample_path() {
  std::string name = "weft-inline.json";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    name = "weft-" + safe_name(std::string(info->test_suite_name()) + "." + info->name()) + ".json";
  }
  const char* dir = std::getenv("WEFT_COUNTEREXAMPLE_DIR");
  std::filesystem::path where = name;
  if (dir != nullptr && *dir != '\0') where = std::filesystem::path(dir) / name;
  return std::filesystem::absolute(where).string();
}

}  // namespace weft::testing

namespace weft::check {

void PrintTo(const Report& r, std::ostream* os) {
  *os << "weft report of " << r.model << ": " << r.findings.size() << " finding(s) in " << r.stats.executions
      << " execution(s)";
  if (!r.findings.empty()) *os << ", first: " << finding_name(r.findings.front().kind);
}

}  // namespace weft::check
