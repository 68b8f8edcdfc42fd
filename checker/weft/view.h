// The interactive trace viewer: turns one finding of a report into a single
// self-contained HTML page (the template in checker/viewer/viewer.html, with
// the data embedded; no network access). One lane per goroutine, steps top to
// bottom, channel and lock hand-offs as arrows, the finding's events
// highlighted, a step slider. `weft view FILE.json -o trace.html` writes it.
//
//   weft::check::Report r = weft::check::report_from_json(text);
//   std::string html = weft::check::render_view(r, weft::check::select_finding(r, ""));
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "weft/report.h"

namespace weft::check {

// Which finding of `r` to show: `which` is a 1-based number or a finding kind
// name; empty picks the finding that ended the search (the first that is not
// a data race), else the first. Throws std::invalid_argument when `r` has no
// findings or `which` matches none.
std::size_t select_finding(const Report& r, const std::string& which);

// An arrow of the viewer: a value or a lock passing from one goroutine to
// another. Each end is a step and a goroutine; the goroutine need not have an
// event at that step (an unbuffered hand-off is one step of the sender, and
// the parked receiver takes the value in that same step).
struct Handoff {
  std::string kind;  // "chan", "lock", "close", "spawn"
  std::string object;
  std::uint64_t from_step = 0;
  GoroutineId from_g = no_goroutine;
  std::uint64_t to_step = 0;
  GoroutineId to_g = no_goroutine;
  friend bool operator==(const Handoff&, const Handoff&) = default;
};

// The hand-offs of a trace, in step order of their targets:
// - chan: a send to a parked receiver, a receive from a parked sender, and a
//   buffered send matched with the receive that takes its value (FIFO);
// - close: a close waking a parked receiver;
// - lock: an unlock followed by the next acquisition of the same mutex by
//   another goroutine;
// - spawn: `go` to the first event of the new goroutine.
std::vector<Handoff> find_handoffs(const Trace& t);

// The steps of the trace the finding is about: its key steps, or when it has
// none, the events of its goroutines at its source locations.
std::vector<std::uint64_t> highlighted_steps(const Finding& f);

// The data the page draws (JSON), and the page itself.
std::string view_data_json(const Report& r, std::size_t finding_index);
std::string render_view(const Report& r, std::size_t finding_index);

}  // namespace weft::check
