#include "weft/report_text.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace weft::check {

namespace {

std::string at(const SourceRef& s) {
  return s.file + ":" + std::to_string(s.line);
}

std::string gname(GoroutineId g) {
  return "goroutine " + std::to_string(g);
}

bool has_flag(const TraceEvent& e, const char* f) {
  return std::find(e.flags.begin(), e.flags.end(), f) != e.flags.end();
}

// The event a step performed (not a wake-up of someone else).
const TraceEvent* event_at(const Trace& t, std::uint64_t step) {
  for (const TraceEvent& e : t.events) {
    if (e.step == step && !has_flag(e, "wake")) return &e;
  }
  return nullptr;
}

const GoroutineRef* goroutine_ref(const Trace& t, GoroutineId g) {
  for (const GoroutineRef& r : t.goroutines) {
    if (r.id == g) return &r;
  }
  return nullptr;
}

const BlockedGoroutine* blocked_ref(const Trace& t, GoroutineId g) {
  for (const BlockedGoroutine& b : t.blocked) {
    if (b.g == g) return &b;
  }
  return nullptr;
}

// A function name as a person reads it: without the return type that
// source_location adds, and the lambda itself rather than the std::function
// thunk the symbolizer sees for operators such as x++.
}  // namespace

std::string readable_function(std::string f) {
  static const std::string thunk = "std::_Function_handler<";
  if (f.rfind(thunk, 0) == 0) {
    // std::_Function_handler<void (), NAME>::_M_invoke(...): keep NAME.
    std::size_t comma = f.find(", ");
    std::size_t end = f.rfind(">::_M_invoke");
    if (comma != std::string::npos && end != std::string::npos && end > comma)
      f = f.substr(comma + 2, end - comma - 2);
  }
  // Drop a leading return type: the last space before the first '(' outside <>.
  int depth = 0;
  std::size_t cut = std::string::npos;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (c == '(' && depth == 0) break;
    if (c == ' ' && depth == 0) cut = i;
  }
  if (cut != std::string::npos) f = f.substr(cut + 1);
  return f;
}

namespace {

std::string function_or(const SourceRef& s) {
  return s.function.empty() ? "?" : readable_function(s.function);
}

// Go prints a frame as the function, then the file and line indented by a tab.
void print_frame(std::ostream& os, const SourceRef& s) {
  os << "  " << function_or(s) << "\n      " << at(s) << "\n";
}

void print_created_by(std::ostream& os, const Trace& t, GoroutineId g) {
  const GoroutineRef* r = goroutine_ref(t, g);
  if (r == nullptr || !r->parent) return;
  os << "created by " << function_or(r->created_at) << " in " << gname(*r->parent) << "\n      "
     << at(r->created_at) << "\n";
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string join_goroutines(const std::vector<GoroutineId>& gs) {
  std::string out;
  for (std::size_t i = 0; i < gs.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == gs.size() ? " and " : ", ") + gname(gs[i]);
  }
  return out;
}

// Distinct source lines, in order of first appearance.
std::string join_sites(const std::vector<SourceRef>& refs) {
  std::vector<std::string> sites;
  for (const SourceRef& s : refs) {
    std::string a = at(s);
    if (std::find(sites.begin(), sites.end(), a) == sites.end()) sites.push_back(a);
  }
  std::string out;
  for (std::size_t i = 0; i < sites.size(); ++i) out += (i == 0 ? "" : ", ") + sites[i];
  return out;
}

// One edge of the wait-for graph in words: "waits for mutex a held by goroutine 2".
std::string edge_words(const BlockedGoroutine& b, GoroutineId holder) {
  const std::string h = gname(holder);
  if (b.op == "lock") return "waits for mutex " + b.object + " held by " + h;
  if (b.op == "wlock") return "waits for rwmutex " + b.object + " held by " + h;
  if (b.op == "wlock_wait") return "waits for the read lock of rwmutex " + b.object + " held by " + h;
  if (b.op == "rlock") {
    if (b.reason.find("write-locked") != std::string::npos) {
      return "waits for rwmutex " + b.object + " write-locked by " + h;
    }
    return "waits to RLock rwmutex " + b.object + " behind the pending Lock of " + h;
  }
  if (b.op == "once_do") return "waits for Once " + b.object + " running in " + h;
  if (b.op == "cond_relock") return "waits to relock after Cond " + b.object + ".Wait, the lock held by " + h;
  return "waits (" + b.reason + ") for " + h;
}

// The accesses of a lost update or data race, most recent first as Go's race
// detector prints them.
void print_accesses(std::ostream& os, const Finding& f) {
  struct Access {
    std::string title;
    const TraceEvent* e;
    const SourceRef* loc;
  };
  std::vector<Access> acc;
  for (std::size_t i = 0; i < f.key_steps.size() && i < f.locations.size(); ++i) {
    acc.push_back({"", event_at(f.trace, f.key_steps[i]), &f.locations[i]});
  }
  auto verb = [](const TraceEvent* e) {
    if (e == nullptr) return std::string("Access");
    if (e->op == "load" || e->op == "atomic_load") return std::string("Read");
    return std::string("Write");
  };
  const bool lost = f.kind == FindingKind::lost_update;
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const TraceEvent* e = acc[i].e;
    std::string title = verb(e);
    const std::size_t from_end = acc.size() - 1 - i;
    if (from_end > 0) {
      std::string v = title;
      std::transform(v.begin(), v.end(), v.begin(),
                     [](char c) { return static_cast<char>(std::tolower(c)); });
      title = "Previous " + v;
    }
    title += " at " + f.object + " by " + (e != nullptr ? gname(e->g) : std::string("goroutine ?"));
    if (lost && acc.size() == 3) {
      static const char* notes[] = {" (the stale read)", " (this update is lost)", " (from the stale read)"};
      title += notes[i];
    }
    acc[i].title = title + ":";
  }
  for (std::size_t i = acc.size(); i-- > 0;) {
    const Access& a = acc[i];
    os << a.title << "\n";
    if (a.e != nullptr && !a.e->value.empty()) {
      os << "  " << (verb(a.e) == "Read" ? "read " : "wrote ") << f.object << " = " << a.e->value << "\n";
    }
    print_frame(os, *a.loc);
    if (a.e != nullptr) os << "      (step " << a.e->step << ")\n";
    os << "\n";
  }
  // Where each goroutine involved was created.
  const std::uint64_t last =
      f.key_steps.empty() ? 0 : *std::max_element(f.key_steps.begin(), f.key_steps.end());
  const TraceEvent* last_e = event_at(f.trace, last);
  for (GoroutineId g : f.goroutines) {
    const GoroutineRef* r = goroutine_ref(f.trace, g);
    if (r == nullptr || !r->parent) {
      os << "Goroutine " << g << " is the main goroutine.\n\n";
      continue;
    }
    bool later = std::any_of(f.trace.events.begin(), f.trace.events.end(),
                             [&](const TraceEvent& e) { return e.g == g && e.step > last; });
    const bool running = (last_e != nullptr && last_e->g == g) || later || blocked_ref(f.trace, g) != nullptr;
    os << "Goroutine " << g << " (" << (running ? "running" : "finished") << ") created at:\n";
    print_frame(os, r->created_at);
    os << "\n";
  }
}

// A goroutine dump of the blocked goroutines, then the wait-for graph.
void print_dump(std::ostream& os, const Finding& f) {
  for (const BlockedGoroutine& b : f.trace.blocked) {
    os << "goroutine " << b.g << " [" << go_wait_reason(b) << "]:\n";
    print_frame(os, b.where);
    print_created_by(os, f.trace, b.g);
    os << "  (" << b.reason << ")\n\n";
  }
  os << "wait-for graph:\n";
  for (const BlockedGoroutine& b : f.trace.blocked) {
    os << "  " << gname(b.g) << " -> ";
    if (b.holders.empty()) {
      os << "nobody";
    } else {
      for (std::size_t i = 0; i < b.holders.size(); ++i) os << (i ? ", " : "") << gname(b.holders[i]);
    }
    os << "  (" << b.reason << ")\n";
  }
  std::vector<std::string> cycles = wait_cycles(f.trace.blocked);
  for (const std::string& c : cycles) os << "  cycle: " << c << "\n";
  if (cycles.empty() && !f.trace.blocked.empty())
    os << "  no cycle: each goroutine waits for something no one will do\n";
  os << "\n";
}

std::string upper_kind(FindingKind k) {
  std::string out;
  for (char c : finding_name(k))
    out += c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The message without the parenthesised detail the access list repeats.
std::string headline_message(const Finding& f) {
  std::string m = f.message;
  if (f.kind == FindingKind::lost_update && !m.empty() && m.back() == ')') {
    const std::size_t open = m.find(" (");
    if (open != std::string::npos) m.erase(open);
  }
  return m;
}

// Lines 2 and 3 of a finding: between whom, and where.
void print_summary(std::ostream& os, const Finding& f) {
  switch (f.kind) {
    case FindingKind::lost_update:
    case FindingKind::data_race:
      os << headline_message(f) << "\n";
      os << "between " << join_goroutines(f.goroutines) << " at " << join_sites(f.locations) << "\n";
      return;
    case FindingKind::deadlock:
    case FindingKind::goroutine_leak: {
      std::vector<std::string> cycles = wait_cycles(f.trace.blocked);
      if (f.kind == FindingKind::deadlock && !cycles.empty()) {
        os << cycles.front() << "\n";
      } else {
        std::vector<GoroutineId> gs;
        for (const BlockedGoroutine& b : f.trace.blocked) gs.push_back(b.g);
        os << join_goroutines(gs) << (gs.size() == 1 ? " is" : " are") << " blocked forever"
           << (f.kind == FindingKind::goroutine_leak ? " after main returned" : "");
        if (!f.trace.blocked.empty()) {
          const BlockedGoroutine& b = f.trace.blocked.front();
          os << ": " << gname(b.g) << " [" << go_wait_reason(b) << "] " << b.reason;
        }
        os << "\n";
      }
      std::vector<SourceRef> sites;
      for (const BlockedGoroutine& b : f.trace.blocked) sites.push_back(b.where);
      os << "at " << join_sites(sites) << "\n";
      return;
    }
    default: {
      os << "in "
         << (f.goroutines.empty() ? std::string("an unknown goroutine") : gname(f.goroutines.front()));
      if (!f.goroutines.empty()) {
        const GoroutineRef* r = goroutine_ref(f.trace, f.goroutines.front());
        if (r != nullptr && r->parent)
          os << " (created by " << gname(*r->parent) << " at " << at(r->created_at) << ")";
        if (r != nullptr && !r->parent) os << " (the main goroutine)";
      }
      os << "\n";
      os << "at " << join_sites(f.locations) << "\n";
      return;
    }
  }
}

void print_minimization(std::ostream& os, const Finding& f) {
  const Trace& t = f.trace;
  os << "counterexample: " << plural(t.preemptions, "preemption", "preemptions") << ", "
     << plural(t.steps, "step", "steps");
  const Minimization& m = f.minimized;
  if (m.searched) {
    if (m.fewest_preemptions) {
      os << " (fewest preemptions" << (m.fewest_steps ? ", then fewest steps" : "") << ")";
    } else {
      os << " (the smallest found within the budget)";
    }
    if (m.original_preemptions != t.preemptions || m.original_steps != t.steps) {
      os << "; the search first found one with "
         << plural(m.original_preemptions, "preemption", "preemptions") << ", "
         << plural(m.original_steps, "step", "steps");
    }
  }
  os << "\n";
}

}  // namespace

std::string go_wait_reason(const BlockedGoroutine& b) {
  const bool nil = b.object.empty();
  if (b.op == "send") return nil ? "chan send (nil chan)" : "chan send";
  if (b.op == "recv") return nil ? "chan receive (nil chan)" : "chan receive";
  if (b.op == "select")
    return b.reason.find("no cases") != std::string::npos ? "select (no cases)" : "select";
  if (b.op == "lock" || b.op == "cond_relock") return "sync.Mutex.Lock";
  if (b.op == "rlock") return "sync.RWMutex.RLock";
  if (b.op == "wlock" || b.op == "wlock_wait") return "sync.RWMutex.Lock";
  if (b.op == "wg_wait") return "sync.WaitGroup.Wait";
  if (b.op == "cond_wait") return "sync.Cond.Wait";
  if (b.op == "once_do") return "sync.Once.Do";
  return b.op;
}

std::vector<std::string> wait_cycles(const std::vector<BlockedGoroutine>& blocked) {
  std::map<GoroutineId, const BlockedGoroutine*> by_id;
  for (const BlockedGoroutine& b : blocked) by_id[b.g] = &b;
  std::vector<std::string> out;
  std::set<std::vector<GoroutineId>> seen;
  // Depth-first from each goroutine in id order; a path back to the start is a
  // cycle. Keeping only cycles whose smallest member is the start gives each
  // cycle once, in a canonical rotation.
  for (const auto& [start, sb] : by_id) {
    std::vector<GoroutineId> path{start};
    std::vector<std::size_t> next{0};
    while (!path.empty()) {
      const BlockedGoroutine* cur = by_id.at(path.back());
      if (next.back() >= cur->holders.size()) {
        path.pop_back();
        next.pop_back();
        continue;
      }
      GoroutineId h = cur->holders[next.back()++];
      if (h == start) {
        if (seen.insert(path).second) {
          std::string s;
          for (std::size_t i = 0; i < path.size(); ++i) {
            const BlockedGoroutine* b = by_id.at(path[i]);
            GoroutineId to = i + 1 < path.size() ? path[i + 1] : start;
            s += (i == 0 ? gname(b->g) + " " : ", which ") + edge_words(*b, to);
          }
          out.push_back(s);
        }
        continue;
      }
      if (h < start || !by_id.count(h) || std::find(path.begin(), path.end(), h) != path.end()) continue;
      path.push_back(h);
      next.push_back(0);
    }
  }
  return out;
}

std::string finding_headline(const Finding& f) {
  switch (f.kind) {
    case FindingKind::lost_update:
    case FindingKind::data_race:
    case FindingKind::goroutine_leak:
      return "WARNING: " + upper_kind(f.kind);
    case FindingKind::deadlock:
      return "fatal error: " + f.message;
    case FindingKind::panic:
      return f.message.rfind("fatal error:", 0) == 0 || f.message.rfind("panic:", 0) == 0
                 ? f.message
                 : "panic: " + f.message;
    case FindingKind::assertion:
      return "assertion failed: " + f.message;
    case FindingKind::step_limit:
      return "step limit: " + f.message;
    default:
      return upper_kind(f.kind) + ": " + f.message;
  }
}

std::string format_event(const TraceEvent& e) {
  std::ostringstream os;
  if (e.op == "wg_add" && !e.value.empty()) {
    // A WaitGroup delta of -1 is Done(); other deltas read as Add(n).
    if (e.value == "-1") {
      os << "wg.Done " << e.object;
    } else {
      os << "wg.Add " << e.object << " " << (e.value[0] == '-' ? "" : "+") << e.value;
    }
  } else {
    os << e.op;
    if (!e.object.empty()) os << " " << e.object;
    if (!e.value.empty()) os << (e.op == "send" || e.op == "store" ? " <- " : " = ") << e.value;
  }
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
  // Without --verbose, show the steps of the goroutines the finding is about,
  // the steps that started them and the key steps.
  std::set<GoroutineId> involved;
  if (highlight != nullptr) involved.insert(highlight->goroutines.begin(), highlight->goroutines.end());
  const bool all = opts.verbose || involved.empty();
  std::vector<const TraceEvent*> shown;
  std::set<const TraceEvent*> shown_set;
  for (const TraceEvent& e : t.events) {
    const bool starts_involved = e.op == "go" && e.partner && involved.count(*e.partner) > 0;
    if (all || involved.count(e.g) || marks.count(e.step) || starts_involved) {
      shown.push_back(&e);
      shown_set.insert(&e);
    }
  }
  // A long compact listing keeps its head and its tail: the end of a
  // step_limit run or of a long loop is where the story is.
  constexpr std::size_t head = 10;
  constexpr std::size_t tail = 20;
  if (!opts.verbose && shown.size() > head + tail + 10) {
    for (std::size_t i = head; i + tail < shown.size(); ++i) {
      if (!marks.count(shown[i]->step)) shown_set.erase(shown[i]);
    }
  }
  const bool cut = shown_set.size() < t.events.size();
  os << "interleaving (" << plural(t.steps, "step", "steps") << ", "
     << plural(t.preemptions, "preemption", "preemptions") << ")";
  if (!all) os << ", the steps of " << join_goroutines({involved.begin(), involved.end()});
  os << (cut ? " (--verbose for all):" : ":") << "\n";
  std::size_t hidden = 0;
  auto flush_hidden = [&] {
    if (hidden > 0) os << "          ... " << plural(hidden, "other step", "other steps") << "\n";
    hidden = 0;
  };
  for (const TraceEvent& e : t.events) {
    if (!shown_set.count(&e)) {
      ++hidden;
      continue;
    }
    flush_hidden();
    const bool mark = marks.count(e.step) > 0 && !has_flag(e, "wake");
    std::ostringstream g;
    g << "g" << e.g;
    os << (mark ? "  > " : "    ") << std::setw(4) << e.step << "  " << std::left << std::setw(4) << g.str()
       << std::setw(44) << format_event(e) << std::right << " " << at(e.where) << "\n";
  }
  flush_hidden();
  for (const BlockedGoroutine& b : t.blocked) {
    if (!all && !involved.count(b.g)) continue;
    std::ostringstream g;
    g << "g" << b.g;
    os << "    " << std::setw(4) << "-"
       << "  " << std::left << std::setw(4) << g.str() << std::setw(44)
       << ("blocked [" + go_wait_reason(b) + "]") << std::right << " " << at(b.where) << "\n";
  }
}

void print_finding(std::ostream& os, const Finding& f, const TextOptions& opts) {
  os << finding_headline(f) << "\n";
  print_summary(os, f);
  os << "\n";
  switch (f.kind) {
    case FindingKind::lost_update:
    case FindingKind::data_race:
      print_accesses(os, f);
      break;
    case FindingKind::deadlock:
    case FindingKind::goroutine_leak:
      print_dump(os, f);
      break;
    default:
      if (!f.goroutines.empty() && !f.locations.empty()) {
        GoroutineId g = f.goroutines.front();
        os << "goroutine " << g << " [running]:\n";
        print_frame(os, f.locations.front());
        print_created_by(os, f.trace, g);
        os << "\n";
      }
      break;
  }
  print_minimization(os, f);
  print_trace(os, f.trace, &f, opts);
}

void print_report(std::ostream& os, const Report& r, const TextOptions& opts) {
  os << "weft check " << r.model;
  for (const auto& [k, v] : r.params) os << " " << k << "=" << v;
  os << " (strategy " << r.strategy;
  if (r.strategy == "random") os << ", seed " << r.seed;
  os << ")\n";
  for (const Finding& f : r.findings) {
    os << "\n==================\n";
    print_finding(os, f, opts);
  }
  if (!r.findings.empty()) os << "==================\n";
  auto verdict = r.verdict();
  os << "\n"
     << (verdict ? "verdict: " + std::string(finding_name(*verdict))
                 : std::string("verdict: ok, no finding"));
  os << " (" << plural(r.findings.size(), "finding", "findings") << ")\n";
  os << "explored " << plural(r.stats.executions, "execution", "executions") << ", "
     << plural(r.stats.steps, "step", "steps") << " in " << std::fixed << std::setprecision(3)
     << r.stats.seconds << " s; "
     << (r.complete ? "the search was complete" : "the search was not complete: " + r.incomplete_reason)
     << "\n";
}

}  // namespace weft::check
