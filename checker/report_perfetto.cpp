#include "weft/report_perfetto.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "weft/report_text.h"

namespace weft::check {

using nlohmann::ordered_json;

namespace {

std::string at(const SourceRef& s) {
  return s.file + ":" + std::to_string(s.line);
}

ordered_json meta(const char* name, int pid, std::optional<GoroutineId> tid, const std::string& value) {
  ordered_json m = {{"name", name}, {"ph", "M"}, {"pid", pid}};
  if (tid) m["tid"] = *tid;
  m["args"] = {{"name", value}};
  return m;
}

}  // namespace

std::string report_to_perfetto(const Report& r) {
  ordered_json events = ordered_json::array();
  const std::uint64_t dur = perfetto_step_us * 4 / 5;
  // One process per finding: its counterexample is one execution.
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    const Trace& t = f.trace;
    const int pid = static_cast<int>(i + 1);
    events.push_back(meta(
        "process_name", pid, std::nullopt,
        "weft " + r.model + ": finding " + std::to_string(i + 1) + " " + std::string(finding_name(f.kind))));
    events.push_back(
        {{"name", "process_sort_index"}, {"ph", "M"}, {"pid", pid}, {"args", {{"sort_index", pid}}}});
    std::set<GoroutineId> gs;
    for (const GoroutineRef& g : t.goroutines) gs.insert(g.id);
    for (const TraceEvent& e : t.events) gs.insert(e.g);
    for (GoroutineId g : gs) {
      std::string name = "goroutine " + std::to_string(g);
      if (g == 0) name += " (main)";
      events.push_back(meta("thread_name", pid, g, name));
      events.push_back({{"name", "thread_sort_index"},
                        {"ph", "M"},
                        {"pid", pid},
                        {"tid", g},
                        {"args", {{"sort_index", g}}}});
    }
    for (const TraceEvent& e : t.events) {
      const bool wake = std::find(e.flags.begin(), e.flags.end(), "wake") != e.flags.end();
      ordered_json x;
      x["name"] = format_event(e);
      x["cat"] = e.op;
      x["ph"] = "X";
      x["pid"] = pid;
      x["tid"] = e.g;
      // A wake-up is drawn in the second half of the step that caused it.
      x["ts"] = e.step * perfetto_step_us + (wake ? dur / 2 : 0);
      x["dur"] = wake ? dur / 2 : dur;
      ordered_json args;
      args["step"] = e.step;
      args["op"] = e.op;
      if (!e.object.empty()) args["object"] = e.object;
      if (!e.value.empty()) args["value"] = e.value;
      if (e.partner) args["partner"] = *e.partner;
      if (!e.flags.empty()) args["flags"] = e.flags;
      args["where"] = at(e.where);
      if (!e.where.function.empty()) args["function"] = readable_function(e.where.function);
      x["args"] = args;
      events.push_back(x);
    }
    // The finding: an instant event on each key step, or where each goroutine is stuck.
    const std::string title = finding_headline(f);
    for (std::uint64_t step : f.key_steps) {
      auto it = std::find_if(t.events.begin(), t.events.end(), [&](const TraceEvent& e) {
        return e.step == step && std::find(e.flags.begin(), e.flags.end(), "wake") == e.flags.end();
      });
      const GoroutineId g = it != t.events.end() ? it->g : (f.goroutines.empty() ? 0 : f.goroutines.front());
      events.push_back({{"name", title},
                        {"cat", "finding"},
                        {"ph", "i"},
                        {"s", "t"},
                        {"pid", pid},
                        {"tid", g},
                        {"ts", step * perfetto_step_us},
                        {"args", {{"step", step}, {"message", f.message}}}});
    }
    for (const BlockedGoroutine& b : t.blocked) {
      events.push_back({{"name", "blocked [" + go_wait_reason(b) + "]"},
                        {"cat", "finding"},
                        {"ph", "i"},
                        {"s", "t"},
                        {"pid", pid},
                        {"tid", b.g},
                        {"ts", (t.steps + 1) * perfetto_step_us},
                        {"args", {{"reason", b.reason}, {"where", at(b.where)}, {"holders", b.holders}}}});
    }
  }
  ordered_json doc;
  doc["traceEvents"] = events;
  doc["displayTimeUnit"] = "ms";
  doc["otherData"] = {{"tool", std::string("weft ") + tool_version}, {"model", r.model}};
  return doc.dump(1) + "\n";
}

}  // namespace weft::check
