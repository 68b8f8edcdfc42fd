// The versioned JSON document: written by `check --json`, read by `replay`.
// The schema is described in docs/trace-format.md.
#pragma once

#include <string>

#include "weft/report.h"

namespace weft::check {

inline constexpr int report_format_version = 1;

// Serialises a report. With `timings` false, fields that vary between runs
// (seconds) are left out, so two runs can be compared byte for byte.
std::string report_to_json(const Report& r, bool timings = true);

// Parses a report; throws std::invalid_argument with a clear message
// (which field, what was wrong) on malformed input.
Report report_from_json(const std::string& text);

}  // namespace weft::check
