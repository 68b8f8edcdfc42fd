// JUnit XML for CI dashboards: one test case per model checked; a model
// with findings fails, and the failure holds the text report.
//
//   write_file("weft.xml", weft::check::report_to_junit({report}));
#pragma once

#include <string>
#include <vector>

#include "weft/report.h"

namespace weft::check {

std::string report_to_junit(const std::vector<Report>& reports);

// Escapes text for XML character data and attribute values, dropping the
// control characters XML 1.0 does not allow.
std::string xml_escape(const std::string& s);

}  // namespace weft::check
