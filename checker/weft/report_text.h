// The human-readable report, in the shapes Go developers already read: a
// race detector warning for lost updates and data races, a goroutine dump
// with the wait-for graph for deadlocks and leaks, Go's own panic words. The
// first three lines of every finding say what went wrong, where, and between
// whom; the interleaving follows, compact unless verbose.
//
//   weft::check::TextOptions opts;
//   weft::check::print_report(std::cout, report, opts);
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "weft/report.h"

namespace weft::check {

struct TextOptions {
  bool verbose = false;  // print every step, not only the ones that matter
};

void print_finding(std::ostream& os, const Finding& f, const TextOptions& opts);
void print_trace(std::ostream& os, const Trace& t, const Finding* highlight, const TextOptions& opts);
void print_report(std::ostream& os, const Report& r, const TextOptions& opts);
std::string format_event(const TraceEvent& e);

// Go's wait reason for a goroutine blocked in `b` ("chan send", "sync.Mutex.Lock", ...).
std::string go_wait_reason(const BlockedGoroutine& b);

// The cycles of the wait-for graph (goroutine -> goroutines that could release
// what it waits for), each starting at its smallest goroutine, e.g.
// "goroutine 1 waits for mutex b held by goroutine 2, which waits for mutex a
// held by goroutine 1".
std::vector<std::string> wait_cycles(const std::vector<BlockedGoroutine>& blocked);

// A function name without its return type, and the lambda rather than the
// std::function thunk around it.
std::string readable_function(std::string f);

// The one-line headline of a finding ("WARNING: DATA RACE", "panic: ...").
std::string finding_headline(const Finding& f);

}  // namespace weft::check
