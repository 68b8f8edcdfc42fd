#include "weft/report_sarif.h"

#include <map>
#include <nlohmann/json.hpp>

#include "weft/report_text.h"

namespace weft::check {

using nlohmann::ordered_json;

namespace {

struct RuleText {
  FindingKind kind;
  const char* name;
  const char* text;
};

// One rule per finding kind, in FindingKind order (results refer to them by index).
constexpr RuleText rules[] = {
    {FindingKind::lost_update, "LostUpdate",
     "A goroutine wrote back a value computed from a stale read: another goroutine's update is lost."},
    {FindingKind::data_race, "DataRace",
     "Two accesses to shared memory, at least one a write, are not ordered by happens-before."},
    {FindingKind::deadlock, "Deadlock",
     "All goroutines are asleep: no goroutine can move and main has not returned."},
    {FindingKind::goroutine_leak, "GoroutineLeak",
     "Goroutines are still blocked forever after main returned."},
    {FindingKind::panic, "Panic",
     "A misuse panicked (send on closed channel, negative WaitGroup counter, ...)."},
    {FindingKind::assertion, "AssertionFailed", "An expectation of the program failed."},
    {FindingKind::step_limit, "StepLimit",
     "An execution ran past the step limit: a livelock or an unbounded loop."},
    {FindingKind::crash, "Crash", "The program under test crashed."},
    {FindingKind::hang, "Hang", "A goroutine ran past the time limit without reaching a scheduling point."},
};

bool absolute(const std::string& file) {
  return !file.empty() && file[0] == '/';
}

// A physical location, or nothing when the source line is unknown.
ordered_json physical(const SourceRef& s) {
  if (s.file.empty() || s.file == "?" || s.line == 0) return nullptr;
  ordered_json art;
  if (absolute(s.file)) {
    art["uri"] = "file://" + s.file;
  } else {
    art["uri"] = s.file;
    art["uriBaseId"] = "%SRCROOT%";
  }
  return {{"artifactLocation", art}, {"region", {{"startLine", s.line}}}};
}

ordered_json location(const SourceRef& s, const std::string& message) {
  ordered_json loc = ordered_json::object();
  ordered_json p = physical(s);
  if (!p.is_null()) loc["physicalLocation"] = p;
  if (!message.empty()) loc["message"] = {{"text", message}};
  return loc;
}

// The primary location: the access that completed the finding for races and
// lost updates (the last one), the first otherwise.
std::size_t primary_index(const Finding& f) {
  if ((f.kind == FindingKind::lost_update || f.kind == FindingKind::data_race) && !f.locations.empty()) {
    return f.locations.size() - 1;
  }
  return 0;
}

ordered_json code_flow(const Finding& f) {
  std::map<GoroutineId, ordered_json> flows;
  for (const TraceEvent& e : f.trace.events) {
    ordered_json loc;
    const std::string text = "goroutine " + std::to_string(e.g) + ": " + format_event(e);
    loc["location"] = location(e.where, text);
    loc["executionOrder"] = e.step;
    const bool key = std::find(f.key_steps.begin(), f.key_steps.end(), e.step) != f.key_steps.end();
    const bool involved = std::find(f.goroutines.begin(), f.goroutines.end(), e.g) != f.goroutines.end();
    loc["importance"] = key ? "essential" : involved ? "important" : "unimportant";
    auto& flow = flows[e.g];
    if (flow.is_null()) {
      flow = {{"id", "goroutine " + std::to_string(e.g)}, {"locations", ordered_json::array()}};
    }
    flow["locations"].push_back(loc);
  }
  for (const BlockedGoroutine& b : f.trace.blocked) {
    ordered_json loc;
    loc["location"] = location(
        b.where, "goroutine " + std::to_string(b.g) + " blocked [" + go_wait_reason(b) + "]: " + b.reason);
    loc["executionOrder"] = f.trace.steps + 1;
    loc["importance"] = "essential";
    auto& flow = flows[b.g];
    if (flow.is_null()) {
      flow = {{"id", "goroutine " + std::to_string(b.g)}, {"locations", ordered_json::array()}};
    }
    flow["locations"].push_back(loc);
  }
  ordered_json threads = ordered_json::array();
  for (auto& [g, flow] : flows) threads.push_back(std::move(flow));
  ordered_json cf;
  const auto count = [](std::uint64_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  cf["message"] = {{"text", "counterexample: " + count(f.trace.preemptions, "preemption") + ", " +
                                count(f.trace.steps, "step")}};
  cf["threadFlows"] = threads;
  return cf;
}

}  // namespace

std::string report_to_sarif(const std::vector<Report>& reports) {
  ordered_json rule_list = ordered_json::array();
  for (const RuleText& r : rules) {
    ordered_json rule;
    rule["id"] = std::string(finding_name(r.kind));
    rule["name"] = r.name;
    rule["shortDescription"] = {{"text", r.text}};
    rule["defaultConfiguration"] = {{"level", "error"}};
    rule_list.push_back(rule);
  }
  ordered_json results = ordered_json::array();
  for (const Report& rep : reports) {
    for (const Finding& f : rep.findings) {
      ordered_json res;
      res["ruleId"] = std::string(finding_name(f.kind));
      res["ruleIndex"] = static_cast<unsigned>(f.kind);
      res["level"] = "error";
      res["message"] = {{"text", finding_headline(f) + ": " + f.message + " (model " + rep.model + ")"}};
      ordered_json locs = ordered_json::array();
      ordered_json related = ordered_json::array();
      const std::size_t primary = primary_index(f);
      for (std::size_t i = 0; i < f.locations.size(); ++i) {
        const SourceRef& s = f.locations[i];
        if (i == primary) {
          locs.push_back(location(s, s.role));
        } else {
          ordered_json rl = location(s, s.role);
          rl["id"] = related.size() + 1;
          related.push_back(rl);
        }
      }
      res["locations"] = locs;
      if (!related.empty()) res["relatedLocations"] = related;
      res["codeFlows"] = ordered_json::array({code_flow(f)});
      ordered_json props;
      props["model"] = rep.model;
      ordered_json params = ordered_json::object();
      for (const auto& [k, v] : rep.params) params[k] = v;
      props["params"] = params;
      props["goroutines"] = f.goroutines;
      props["preemptions"] = f.trace.preemptions;
      props["steps"] = f.trace.steps;
      res["properties"] = props;
      results.push_back(res);
    }
  }
  ordered_json run;
  run["tool"] = {{"driver", {{"name", "weft"}, {"version", tool_version}, {"rules", rule_list}}}};
  run["results"] = results;
  ordered_json doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = ordered_json::array({run});
  return doc.dump(2) + "\n";
}

}  // namespace weft::check
