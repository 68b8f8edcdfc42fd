// The human-readable report: what went wrong, where and between whom first,
// then the interleaving.
#pragma once

#include <ostream>

#include "weft/report.h"

namespace weft::check {

struct TextOptions {
  bool verbose = false;  // print every step, not only the ones that matter
};

void print_finding(std::ostream& os, const Finding& f, const TextOptions& opts);
void print_trace(std::ostream& os, const Trace& t, const Finding* highlight, const TextOptions& opts);
void print_report(std::ostream& os, const Report& r, const TextOptions& opts);
std::string format_event(const TraceEvent& e);

}  // namespace weft::check
