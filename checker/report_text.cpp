#include "weft/report_text.h"

#include <algorithm>
#include <iomanip>
#include <set>
#include <sstream>

namespace weft::check {

namespace {

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string at(const SourceRef& s) { return s.file + ":" + std::to_string(s.line); }

bool has_flag(const TraceEvent& e, const char* f) {
  return std::find(e.flags.begin(), e.flags.end(), f) != e.flags.end();
}

}  // namespace

std::string format_event(const TraceEvent& e) {
  std::ostringstream os;
  os << e.op;
  if (!e.object.empty()) os << " " << e.object;
  if (!e.value.empty()) os << (e.op == "send" || e.op == "store" ? " <- " : " = ") << e.value;
  if (e.partner) {
    if (e.op == "go") {
      os << " (starts goroutine " << *e.partner << ")";
    } else if (has_flag(e, "wake")) {
      os << " (woken by goroutine " << *e.partner << ")";
    } else {
      os << " (with goroutine " << *e.partner << ")";
    }
  }
  for (const std::string& f : e.flags) {
    if (f != "wake") os << " [" << f << "]";
  }
  return os.str();
}

void print_trace(std::ostream& os, const Trace& t, const Finding* highlight, const TextOptions& opts) {
  std::set<std::uint64_t> marks;
  if (highlight != nullptr) marks.insert(highlight->key_steps.begin(), highlight->key_steps.end());
  // Without --verbose, show the steps of the goroutines the finding is about.
  std::set<GoroutineId> involved;
  if (highlight != nullptr) involved.insert(highlight->goroutines.begin(), highlight->goroutines.end());
  const bool all = opts.verbose || involved.empty() || t.events.size() <= 40;
  os << "interleaving (" << t.steps << " steps, " << t.preemptions
     << (t.preemptions == 1 ? " preemption" : " preemptions") << ")"
     << (all ? ":" : ", steps of goroutines involved (--verbose for all):") << "\n";
  std::size_t hidden = 0;
  for (const TraceEvent& e : t.events) {
    if (!all && !involved.count(e.g) && !marks.count(e.step)) {
      ++hidden;
      continue;
    }
    if (hidden > 0) {
      os << "        ... " << hidden << " other step" << (hidden == 1 ? "" : "s") << "\n";
      hidden = 0;
    }
    const bool mark = marks.count(e.step) > 0 && !has_flag(e, "wake");
    os << (mark ? "  > " : "    ") << std::setw(4) << e.step << "  g" << std::left << std::setw(3) << e.g
       << std::right << " " << std::left << std::setw(44) << format_event(e) << std::right << " " << at(e.where)
       << "\n";
  }
  if (hidden > 0) os << "        ... " << hidden << " other step" << (hidden == 1 ? "" : "s") << "\n";
}

void print_finding(std::ostream& os, const Finding& f, const TextOptions& opts) {
  os << upper(finding_name(f.kind)) << ": " << f.message << "\n";
  for (const SourceRef& s : f.locations) {
    os << "  " << std::left << std::setw(20) << (s.role.empty() ? "at" : s.role) << std::right << " " << at(s) << "\n";
  }
  if (!f.trace.blocked.empty()) {
    os << "goroutines left waiting:\n";
    for (const BlockedGoroutine& b : f.trace.blocked) {
      os << "  goroutine " << b.g << " [" << b.op << "] at " << at(b.where) << ": " << b.reason << "\n";
    }
  }
  for (const GoroutineRef& g : f.trace.goroutines) {
    if (std::find(f.goroutines.begin(), f.goroutines.end(), g.id) == f.goroutines.end() || !g.parent) continue;
    os << "  goroutine " << g.id << " created by goroutine " << *g.parent << " at " << at(g.created_at) << "\n";
  }
  print_trace(os, f.trace, &f, opts);
}

void print_report(std::ostream& os, const Report& r, const TextOptions& opts) {
  os << "weft check " << r.model;
  for (const auto& [k, v] : r.params) os << " " << k << "=" << v;
  os << " (strategy " << r.strategy;
  if (r.strategy == "random") os << ", seed " << r.seed;
  os << ")\n";
  for (const Finding& f : r.findings) {
    os << "\n";
    print_finding(os, f, opts);
  }
  auto verdict = r.verdict();
  os << "\n" << (verdict ? "verdict: " + std::string(finding_name(*verdict)) : std::string("verdict: ok, no finding"));
  os << " (" << r.findings.size() << (r.findings.size() == 1 ? " finding" : " findings") << ")\n";
  os << "explored " << r.stats.executions << (r.stats.executions == 1 ? " execution" : " executions") << ", "
     << r.stats.steps << " steps in " << std::fixed << std::setprecision(3) << r.stats.seconds << " s; "
     << (r.complete ? "the search was complete" : "the search was not complete: " + r.incomplete_reason) << "\n";
}

}  // namespace weft::check
