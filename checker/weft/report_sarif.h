// SARIF 2.1.0, the static-analysis interchange format GitHub code scanning
// reads: one rule per finding kind, one result per finding with its source
// lines, the other accesses as related locations, and the counterexample as
// a code flow with one thread flow per goroutine.
//
//   write_file("weft.sarif", weft::check::report_to_sarif({report}));
#pragma once

#include <string>
#include <vector>

#include "weft/report.h"

namespace weft::check {

// One SARIF run holding the findings of every report given.
std::string report_to_sarif(const std::vector<Report>& reports);

}  // namespace weft::check
