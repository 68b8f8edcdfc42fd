// The Chrome Trace Event format that Perfetto (ui.perfetto.dev) and
// chrome://tracing open: each finding's counterexample is a process, each
// goroutine a thread track, each step a complete ("X") event; the finding's
// key steps are instant events, so they stand out on the timeline.
//
//   write_file("trace.json", weft::check::report_to_perfetto(report));
#pragma once

#include <string>

#include "weft/report.h"

namespace weft::check {

// Microseconds of timeline per step: a step is drawn as a slice of
// perfetto_step_us * 4 / 5, leaving a gap between consecutive steps.
inline constexpr std::uint64_t perfetto_step_us = 10;

std::string report_to_perfetto(const Report& r);

}  // namespace weft::check
