// What "the same result" means for a search split across threads: the same
// counts, the same findings in the same order, each numbered by the same
// execution and shown with the same counterexample.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "weft/report.h"

inline void expect_same_report(const weft::check::Report& a, const weft::check::Report& b,
                               const std::string& what) {
  EXPECT_EQ(a.stats.executions, b.stats.executions) << what;
  EXPECT_EQ(a.stats.steps, b.stats.steps) << what;
  EXPECT_EQ(a.stats.blocked_executions, b.stats.blocked_executions) << what;
  EXPECT_EQ(a.complete, b.complete) << what;
  ASSERT_EQ(a.findings.size(), b.findings.size()) << what;
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].kind, b.findings[i].kind) << what << " finding " << i;
    EXPECT_EQ(a.findings[i].key, b.findings[i].key) << what << " finding " << i;
    EXPECT_EQ(a.findings[i].execution, b.findings[i].execution) << what << " finding " << i;
    EXPECT_EQ(a.findings[i].message, b.findings[i].message) << what << " finding " << i;
    EXPECT_EQ(a.findings[i].trace.schedule, b.findings[i].trace.schedule) << what << " finding " << i;
  }
}
