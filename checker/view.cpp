// The trace viewer page: picks a finding, works out what the page draws
// (lanes, events, hand-off arrows, highlights) and embeds it as JSON into the
// HTML template compiled into the binary (checker/viewer/viewer.html).
#include "weft/view.h"

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "weft/report_text.h"

namespace weft::check {

namespace detail {
extern const char* const viewer_template;  // generated from checker/viewer/viewer.html
}

namespace {

bool has_flag(const TraceEvent& e, const char* flag) {
  return std::find(e.flags.begin(), e.flags.end(), flag) != e.flags.end();
}

bool is_acquire(const std::string& op) {
  return op == "lock" || op == "wlock" || op == "rlock" || op == "cond_relock";
}

bool is_release(const std::string& op) {
  return op == "unlock" || op == "wunlock" || op == "runlock";
}

nlohmann::json source_json(const SourceRef& s) {
  return {{"file", s.file}, {"line", s.line}, {"function", s.function}, {"role", s.role}};
}

}  // namespace

std::size_t select_finding(const Report& r, const std::string& which) {
  if (r.findings.empty()) throw std::invalid_argument("the report holds no finding to view");
  if (which.empty()) {
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      if (r.findings[i].kind != FindingKind::data_race) return i;
    }
    return 0;
  }
  if (which.find_first_not_of("0123456789") == std::string::npos && which.size() < 9) {
    const std::size_t k = std::stoul(which);
    if (k < 1 || k > r.findings.size()) {
      throw std::invalid_argument("--finding " + which + ": the report has " +
                                  std::to_string(r.findings.size()) + " finding(s), numbered from 1");
    }
    return k - 1;
  }
  auto kind = finding_from_name(which);
  if (!kind) throw std::invalid_argument("--finding " + which + ": not a finding number or kind");
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    if (r.findings[i].kind == *kind) return i;
  }
  throw std::invalid_argument("the report has no " + which + " finding");
}

std::vector<Handoff> find_handoffs(const Trace& t) {
  std::vector<Handoff> out;
  // Buffered values waiting in each channel: where they were sent (FIFO).
  std::map<std::string, std::deque<std::pair<std::uint64_t, GoroutineId>>> buffered;
  std::map<std::string, std::pair<std::uint64_t, GoroutineId>> released;  // mutex -> its last unlock
  std::set<GoroutineId> started;
  std::map<GoroutineId, std::pair<std::uint64_t, GoroutineId>> spawned;  // child -> its go event
  for (const TraceEvent& e : t.events) {
    if (started.insert(e.g).second) {
      if (auto it = spawned.find(e.g); it != spawned.end()) {
        out.push_back({"spawn", "", it->second.first, it->second.second, e.step, e.g});
      }
    }
    if (e.op == "go" && e.partner) {
      spawned[*e.partner] = {e.step, e.g};
    } else if (e.op == "send" && !has_flag(e, "blocked") && !has_flag(e, "closed")) {
      if (e.partner) {
        out.push_back({"chan", e.object, e.step, e.g, e.step, *e.partner});  // to a parked receiver
      } else {
        buffered[e.object].emplace_back(e.step, e.g);
      }
    } else if (e.op == "recv" && has_flag(e, "closed")) {
      if (e.partner) out.push_back({"close", e.object, e.step, *e.partner, e.step, e.g});
    } else if (e.op == "recv" && !has_flag(e, "blocked")) {
      auto& q = buffered[e.object];
      if (!q.empty()) {
        out.push_back({"chan", e.object, q.front().first, q.front().second, e.step, e.g});
        q.pop_front();
        // A parked sender's value moved into the freed slot in this step.
        if (e.partner) q.emplace_back(e.step, *e.partner);
      } else if (e.partner) {
        out.push_back({"chan", e.object, e.step, *e.partner, e.step, e.g});  // from a parked sender
      }
    } else if (is_release(e.op)) {
      released[e.object] = {e.step, e.g};
    } else if (is_acquire(e.op)) {
      if (auto it = released.find(e.object); it != released.end()) {
        if (it->second.second != e.g)
          out.push_back({"lock", e.object, it->second.first, it->second.second, e.step, e.g});
        released.erase(it);
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Handoff& a, const Handoff& b) { return a.to_step < b.to_step; });
  return out;
}

std::vector<std::uint64_t> highlighted_steps(const Finding& f) {
  std::vector<std::uint64_t> out;
  std::set<std::uint64_t> keys(f.key_steps.begin(), f.key_steps.end());
  const std::set<GoroutineId> involved(f.goroutines.begin(), f.goroutines.end());
  for (const TraceEvent& e : f.trace.events) {
    bool hit = keys.count(e.step) > 0;
    if (!hit && keys.empty() && involved.count(e.g) > 0) {
      hit = std::any_of(f.locations.begin(), f.locations.end(),
                        [&](const SourceRef& s) { return s.line == e.where.line && s.file == e.where.file; });
    }
    if (hit) out.push_back(e.step);
  }
  return out;
}

std::string view_data_json(const Report& r, std::size_t finding_index) {
  if (finding_index >= r.findings.size())
    throw std::invalid_argument("no finding " + std::to_string(finding_index + 1));
  const Finding& f = r.findings[finding_index];
  const Trace& t = f.trace;
  nlohmann::json j;
  j["model"] = r.model;
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : r.params) params[k] = v;
  j["params"] = params;
  j["tool"] = std::string("weft ") + tool_version;

  nlohmann::json fj;
  fj["index"] = finding_index + 1;
  fj["count"] = r.findings.size();
  fj["kind"] = std::string(finding_name(f.kind));
  fj["headline"] = finding_headline(f);
  fj["message"] = f.message;
  fj["object"] = f.object;
  fj["goroutines"] = f.goroutines;
  fj["key_steps"] = f.key_steps;
  fj["preemptions"] = t.preemptions;
  fj["steps"] = t.steps;
  fj["locations"] = nlohmann::json::array();
  for (const SourceRef& s : f.locations) fj["locations"].push_back(source_json(s));
  j["finding"] = fj;

  const std::vector<std::uint64_t> hl = highlighted_steps(f);
  const std::set<std::uint64_t> hl_set(hl.begin(), hl.end());
  const std::set<GoroutineId> involved(f.goroutines.begin(), f.goroutines.end());

  // Lanes: every goroutine the trace mentions, in id order.
  std::set<GoroutineId> ids;
  for (const GoroutineRef& g : t.goroutines) ids.insert(g.id);
  for (const TraceEvent& e : t.events) {
    ids.insert(e.g);
    if (e.partner) ids.insert(*e.partner);
  }
  for (const BlockedGoroutine& b : t.blocked) ids.insert(b.g);
  j["goroutines"] = nlohmann::json::array();
  for (GoroutineId id : ids) {
    nlohmann::json gj{{"id", id}, {"involved", involved.count(id) > 0}};
    for (const GoroutineRef& g : t.goroutines) {
      if (g.id != id) continue;
      if (g.parent) gj["parent"] = *g.parent;
      gj["created_at"] = source_json(g.created_at);
    }
    j["goroutines"].push_back(gj);
  }

  j["events"] = nlohmann::json::array();
  for (const TraceEvent& e : t.events) {
    nlohmann::json ej{{"step", e.step},
                      {"g", e.g},
                      {"op", e.op},
                      {"object", e.object},
                      {"value", e.value},
                      {"flags", e.flags},
                      {"file", e.where.file},
                      {"line", e.where.line},
                      {"function", e.where.function},
                      {"key", hl_set.count(e.step) > 0}};
    if (e.partner) ej["partner"] = *e.partner;
    j["events"].push_back(ej);
  }

  const bool about_blocking = f.kind == FindingKind::deadlock || f.kind == FindingKind::goroutine_leak;
  j["blocked"] = nlohmann::json::array();
  for (const BlockedGoroutine& b : t.blocked) {
    j["blocked"].push_back({{"g", b.g},
                            {"op", b.op},
                            {"object", b.object},
                            {"reason", b.reason},
                            {"wait", go_wait_reason(b)},
                            {"holders", b.holders},
                            {"file", b.where.file},
                            {"line", b.where.line},
                            {"function", b.where.function},
                            {"key", about_blocking && (involved.empty() || involved.count(b.g) > 0)}});
  }
  j["cycles"] = wait_cycles(t.blocked);

  j["arrows"] = nlohmann::json::array();
  for (const Handoff& h : find_handoffs(t)) {
    j["arrows"].push_back({{"kind", h.kind},
                           {"object", h.object},
                           {"from", {{"step", h.from_step}, {"g", h.from_g}}},
                           {"to", {{"step", h.to_step}, {"g", h.to_g}}}});
  }
  return j.dump();
}

std::string render_view(const Report& r, std::size_t finding_index) {
  const std::string data = view_data_json(r, finding_index);
  // Inside <script> only "</script" and "<!--" could end the data early; JSON
  // allows \u003c wherever '<' occurs (it only occurs inside strings).
  std::string safe;
  safe.reserve(data.size());
  for (char c : data) {
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe += c;
    }
  }
  std::string page = detail::viewer_template;
  const std::string marker = "\"__WEFT_DATA__\"";
  const std::size_t at = page.find(marker);
  if (at == std::string::npos)
    throw std::logic_error("internal error: the viewer template has no data marker");
  page.replace(at, marker.size(), safe);
  return page;
}

}  // namespace weft::check
