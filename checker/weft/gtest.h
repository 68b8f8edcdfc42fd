// GoogleTest matchers over weft's reports, so a unit test states the verdict
// it expects of a concurrent program:
//
//   EXPECT_THAT(weft::testing::check(my_program), weft::testing::HasNoFindings());
//   EXPECT_THAT(weft::testing::check(my_program), weft::testing::Finds(weft::FindingKind::lost_update));
//
// When a matcher fails, its explanation is the text report (what went wrong,
// where, between whom, and the interleaving), and the report is written as
// JSON (open it with `weft view FILE -o trace.html`) to the file the message
// names: weft-<suite>.<test>.json in $WEFT_COUNTEREXAMPLE_DIR, else in the
// current directory. Link the weft::gtest target (weft_gtest in this tree).
//
// (The check function lives in weft::testing because weft::check is the
// checker's namespace.)
#pragma once

#include <gmock/gmock.h>

#include <functional>
#include <ostream>
#include <string>

#include "weft/check.h"
#include "weft/report.h"

namespace weft::testing {

// Explores every interleaving of `body` (DFS unless options say otherwise)
// and returns the report. The report's model name is "inline".
weft::check::Report check(const std::function<void()>& body, const weft::check::CheckOptions& options = {});

// Matches a report without findings.
::testing::Matcher<const weft::check::Report&> HasNoFindings();

// Matches a report with at least one finding of `kind`.
::testing::Matcher<const weft::check::Report&> Finds(FindingKind kind);

// Where a failing matcher in the running test writes its report.
std::string counterexample_path();

}  // namespace weft::testing

namespace weft::check {

// How GoogleTest prints a report in a failure message: one line; the
// matchers' explanations carry the full text report.
void PrintTo(const Report& r, std::ostream* os);

}  // namespace weft::check
