#include "weft/report_json.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace weft::check {

using nlohmann::json;

namespace {

json ref_json(const SourceRef& s) {
  json j = {{"file", s.file}, {"line", s.line}};
  if (!s.function.empty()) j["function"] = s.function;
  if (!s.role.empty()) j["role"] = s.role;
  return j;
}

json schedule_json(const std::vector<Decision>& s) {
  json a = json::array();
  for (const Decision& d : s) {
    if (d.kind == Decision::Kind::pick) {
      a.push_back(d.value);
    } else {
      a.push_back("c" + std::to_string(d.value));
    }
  }
  return a;
}

json trace_json(const Trace& t) {
  json events = json::array();
  for (const TraceEvent& e : t.events) {
    json j = {{"step", e.step}, {"g", e.g}, {"op", e.op}};
    j["object"] = e.object.empty() ? json(nullptr) : json(e.object);
    if (!e.value.empty()) j["value"] = e.value;
    if (!e.flags.empty()) j["flags"] = e.flags;
    if (e.partner) j["partner"] = *e.partner;
    j["file"] = e.where.file;
    j["line"] = e.where.line;
    if (!e.where.function.empty()) j["function"] = e.where.function;
    events.push_back(std::move(j));
  }
  json blocked = json::array();
  for (const BlockedGoroutine& b : t.blocked) {
    json j = {{"g", b.g},
              {"op", b.op},
              {"reason", b.reason},
              {"holders", b.holders},
              {"file", b.where.file},
              {"line", b.where.line}};
    j["object"] = b.object.empty() ? json(nullptr) : json(b.object);
    if (!b.where.function.empty()) j["function"] = b.where.function;
    blocked.push_back(std::move(j));
  }
  json gs = json::array();
  for (const GoroutineRef& g : t.goroutines) {
    json j = {{"id", g.id}, {"file", g.created_at.file}, {"line", g.created_at.line}};
    j["parent"] = g.parent ? json(*g.parent) : json(nullptr);
    if (!g.created_at.function.empty()) j["function"] = g.created_at.function;
    gs.push_back(std::move(j));
  }
  return {{"steps", t.steps}, {"preemptions", t.preemptions}, {"schedule", schedule_json(t.schedule)},
          {"events", events}, {"blocked", blocked},           {"goroutines", gs}};
}

// --- reading, with a path for error messages ---

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw std::invalid_argument("bad report: " + path + ": " + what);
}

const json& field(const json& j, const std::string& path, const char* name) {
  if (!j.is_object()) bad(path, "expected an object");
  auto it = j.find(name);
  if (it == j.end()) bad(path, std::string("missing field '") + name + "'");
  return *it;
}

std::string str(const json& j, const std::string& path, const char* name) {
  const json& v = field(j, path, name);
  if (!v.is_string()) bad(path + "." + name, "expected a string");
  return v.get<std::string>();
}

std::string opt_str(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t uint(const json& j, const std::string& path, const char* name) {
  const json& v = field(j, path, name);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    bad(path + "." + name, "expected a non-negative integer");
  }
  return v.get<std::uint64_t>();
}

std::uint32_t u32(const json& j, const std::string& path, const char* name) {
  std::uint64_t v = uint(j, path, name);
  if (v > 0xffffffffULL) bad(path + "." + name, "value too large");
  return static_cast<std::uint32_t>(v);
}

const json& arr(const json& j, const std::string& path, const char* name) {
  const json& v = field(j, path, name);
  if (!v.is_array()) bad(path + "." + name, "expected an array");
  return v;
}

SourceRef ref_from(const json& j, const std::string& path) {
  SourceRef s;
  s.file = str(j, path, "file");
  s.line = u32(j, path, "line");
  s.function = opt_str(j, "function");
  s.role = opt_str(j, "role");
  return s;
}

std::vector<Decision> schedule_from(const json& a, const std::string& path) {
  std::vector<Decision> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const json& d = a[i];
    const std::string p = path + "[" + std::to_string(i) + "]";
    if (d.is_number_unsigned() || (d.is_number_integer() && d.get<std::int64_t>() >= 0)) {
      std::uint64_t v = d.get<std::uint64_t>();
      if (v > 0xffffffffULL) bad(p, "goroutine id too large");
      out.push_back({Decision::Kind::pick, static_cast<std::uint32_t>(v)});
    } else if (d.is_string()) {
      const std::string s = d.get<std::string>();
      if (s.size() < 2 || s[0] != 'c' || s.find_first_not_of("0123456789", 1) != std::string::npos ||
          s.size() > 11) {
        bad(p, "expected a goroutine id or a choice \"cN\", got \"" + s + "\"");
      }
      std::uint64_t v = std::stoull(s.substr(1));
      if (v > 0xffffffffULL) bad(p, "choice too large");
      out.push_back({Decision::Kind::choice, static_cast<std::uint32_t>(v)});
    } else {
      bad(p, "expected a goroutine id or a choice \"cN\"");
    }
  }
  return out;
}

Trace trace_from(const json& j, const std::string& path) {
  Trace t;
  t.steps = uint(j, path, "steps");
  t.preemptions = uint(j, path, "preemptions");
  t.schedule = schedule_from(arr(j, path, "schedule"), path + ".schedule");
  const json& evs = arr(j, path, "events");
  for (std::size_t i = 0; i < evs.size(); ++i) {
    const std::string p = path + ".events[" + std::to_string(i) + "]";
    const json& e = evs[i];
    TraceEvent te;
    te.step = uint(e, p, "step");
    te.g = u32(e, p, "g");
    te.op = str(e, p, "op");
    const json& obj = field(e, p, "object");
    if (obj.is_string()) {
      te.object = obj.get<std::string>();
    } else if (!obj.is_null()) {
      bad(p + ".object", "expected a string or null");
    }
    te.value = opt_str(e, "value");
    if (auto f = e.find("flags"); f != e.end()) {
      if (!f->is_array()) bad(p + ".flags", "expected an array");
      for (const json& s : *f) {
        if (!s.is_string()) bad(p + ".flags", "expected strings");
        te.flags.push_back(s.get<std::string>());
      }
    }
    if (auto pt = e.find("partner"); pt != e.end() && !pt->is_null()) te.partner = u32(e, p, "partner");
    te.where.file = str(e, p, "file");
    te.where.line = u32(e, p, "line");
    te.where.function = opt_str(e, "function");
    t.events.push_back(std::move(te));
  }
  if (auto b = j.find("blocked"); b != j.end()) {
    if (!b->is_array()) bad(path + ".blocked", "expected an array");
    for (std::size_t i = 0; i < b->size(); ++i) {
      const std::string p = path + ".blocked[" + std::to_string(i) + "]";
      const json& e = (*b)[i];
      BlockedGoroutine bg;
      bg.g = u32(e, p, "g");
      bg.op = str(e, p, "op");
      bg.object = opt_str(e, "object");
      bg.reason = str(e, p, "reason");
      for (const json& h : arr(e, p, "holders")) {
        if (!h.is_number_unsigned()) bad(p + ".holders", "expected goroutine ids");
        bg.holders.push_back(h.get<std::uint32_t>());
      }
      bg.where.file = str(e, p, "file");
      bg.where.line = u32(e, p, "line");
      bg.where.function = opt_str(e, "function");
      t.blocked.push_back(std::move(bg));
    }
  }
  if (auto gs = j.find("goroutines"); gs != j.end()) {
    if (!gs->is_array()) bad(path + ".goroutines", "expected an array");
    for (std::size_t i = 0; i < gs->size(); ++i) {
      const std::string p = path + ".goroutines[" + std::to_string(i) + "]";
      const json& e = (*gs)[i];
      GoroutineRef g;
      g.id = u32(e, p, "id");
      if (auto par = e.find("parent"); par != e.end() && !par->is_null()) g.parent = u32(e, p, "parent");
      g.created_at.file = str(e, p, "file");
      g.created_at.line = u32(e, p, "line");
      g.created_at.function = opt_str(e, "function");
      t.goroutines.push_back(std::move(g));
    }
  }
  return t;
}

}  // namespace

std::string report_to_json(const Report& r, bool timings) {
  json params = json::object();
  for (const auto& [k, v] : r.params) params[k] = v;
  json stats = {{"executions", r.stats.executions},
                {"blocked_executions", r.stats.blocked_executions},
                {"steps", r.stats.steps}};
  if (timings) stats["seconds"] = r.stats.seconds;
  if (r.stats.predictions > 0) {
    stats["predictions"] = r.stats.predictions;
    stats["unconfirmed_predictions"] = r.stats.unconfirmed_predictions;
  }
  json findings = json::array();
  for (const Finding& f : r.findings) {
    json locs = json::array();
    for (const SourceRef& s : f.locations) locs.push_back(ref_json(s));
    json j = {{"kind", finding_name(f.kind)}, {"message", f.message},     {"locations", locs},
              {"goroutines", f.goroutines},   {"execution", f.execution}, {"trace", trace_json(f.trace)}};
    if (!f.object.empty()) j["object"] = f.object;
    if (!f.key_steps.empty()) j["key_steps"] = f.key_steps;
    if (f.minimized.searched) {
      const Minimization& m = f.minimized;
      j["minimized"] = {{"fewest_preemptions", m.fewest_preemptions},
                        {"fewest_steps", m.fewest_steps},
                        {"executions", m.executions},
                        {"original_preemptions", m.original_preemptions},
                        {"original_steps", m.original_steps}};
    }
    findings.push_back(std::move(j));
  }
  json options = {{"max_executions", r.options.max_executions},
                  {"time_budget", r.options.time_budget},
                  {"all", r.options.all},
                  {"max_steps", r.options.max_steps},
                  {"max_goroutines", r.options.max_goroutines}};
  if (r.options.shard_count > 1)
    options["shard"] = {{"index", r.options.shard_index}, {"count", r.options.shard_count}};
  auto verdict = r.verdict();
  json doc = {{"format", "weft-report"},
              {"version", report_format_version},
              {"tool", {{"name", "weft"}, {"version", tool_version}}},
              {"model", r.model},
              {"params", params},
              {"strategy", r.strategy},
              {"seed", r.seed},
              {"options", options},
              {"stats", stats},
              {"complete", r.complete},
              {"verdict", verdict ? std::string(finding_name(*verdict)) : "ok"},
              {"findings", findings}};
  if (!r.incomplete_reason.empty()) doc["incomplete_reason"] = r.incomplete_reason;
  return doc.dump(2) + "\n";
}

Report report_from_json(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    // Syntax errors, and numbers too large for any type (out_of_range).
    throw std::invalid_argument(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) bad("$", "expected a JSON object");
  if (str(doc, "$", "format") != "weft-report") bad("$.format", "expected \"weft-report\"");
  const std::uint64_t version = uint(doc, "$", "version");
  if (version != static_cast<std::uint64_t>(report_format_version)) {
    bad("$.version", "this weft reads version " + std::to_string(report_format_version) +
                         ", the file is version " + std::to_string(version));
  }
  Report r;
  r.model = str(doc, "$", "model");
  const json& params = field(doc, "$", "params");
  if (!params.is_object()) bad("$.params", "expected an object");
  for (const auto& [k, v] : params.items()) {
    if (!v.is_number_integer()) bad("$.params." + k, "expected an integer");
    r.params[k] = v.get<std::int64_t>();
  }
  r.strategy = str(doc, "$", "strategy");
  r.seed = uint(doc, "$", "seed");
  if (auto o = doc.find("options"); o != doc.end() && o->is_object()) {
    if (o->contains("max_steps")) r.options.max_steps = uint(*o, "$.options", "max_steps");
    if (o->contains("max_goroutines")) r.options.max_goroutines = u32(*o, "$.options", "max_goroutines");
    if (o->contains("max_executions")) r.options.max_executions = uint(*o, "$.options", "max_executions");
    if (auto tb = o->find("time_budget"); tb != o->end() && tb->is_number())
      r.options.time_budget = tb->get<double>();
    if (auto a = o->find("all"); a != o->end() && a->is_boolean()) r.options.all = a->get<bool>();
    if (auto sh = o->find("shard"); sh != o->end()) {
      if (!sh->is_object()) bad("$.options.shard", "expected an object with index and count");
      r.options.shard_index = u32(*sh, "$.options.shard", "index");
      r.options.shard_count = u32(*sh, "$.options.shard", "count");
      if (r.options.shard_count == 0 || r.options.shard_index >= r.options.shard_count) {
        bad("$.options.shard", "expected 0 <= index < count");
      }
    }
  }
  r.options.strategy = r.strategy;
  r.options.seed = r.seed;
  const json& stats = field(doc, "$", "stats");
  r.stats.executions = uint(stats, "$.stats", "executions");
  r.stats.blocked_executions = uint(stats, "$.stats", "blocked_executions");
  r.stats.steps = uint(stats, "$.stats", "steps");
  if (auto s = stats.find("seconds"); s != stats.end() && s->is_number()) r.stats.seconds = s->get<double>();
  if (stats.contains("predictions")) {
    r.stats.predictions = uint(stats, "$.stats", "predictions");
    r.stats.unconfirmed_predictions = uint(stats, "$.stats", "unconfirmed_predictions");
  }
  const json& complete = field(doc, "$", "complete");
  if (!complete.is_boolean()) bad("$.complete", "expected true or false");
  r.complete = complete.get<bool>();
  r.incomplete_reason = opt_str(doc, "incomplete_reason");
  const json& findings = arr(doc, "$", "findings");
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const std::string p = "$.findings[" + std::to_string(i) + "]";
    const json& fj = findings[i];
    Finding f;
    const std::string kind = str(fj, p, "kind");
    auto k = finding_from_name(kind);
    if (!k) bad(p + ".kind", "unknown finding kind \"" + kind + "\"");
    f.kind = *k;
    f.message = str(fj, p, "message");
    const json& locs = arr(fj, p, "locations");
    for (std::size_t j = 0; j < locs.size(); ++j)
      f.locations.push_back(ref_from(locs[j], p + ".locations[" + std::to_string(j) + "]"));
    for (const json& g : arr(fj, p, "goroutines")) {
      if (!g.is_number_unsigned()) bad(p + ".goroutines", "expected goroutine ids");
      f.goroutines.push_back(g.get<std::uint32_t>());
    }
    f.object = opt_str(fj, "object");
    if (auto ks = fj.find("key_steps"); ks != fj.end()) {
      if (!ks->is_array()) bad(p + ".key_steps", "expected an array");
      for (const json& s : *ks) {
        if (!s.is_number_unsigned()) bad(p + ".key_steps", "expected step numbers");
        f.key_steps.push_back(s.get<std::uint64_t>());
      }
    }
    f.execution = uint(fj, p, "execution");
    if (auto mj = fj.find("minimized"); mj != fj.end()) {
      const std::string mp = p + ".minimized";
      if (!mj->is_object()) bad(mp, "expected an object");
      Minimization& m = f.minimized;
      m.searched = true;
      for (auto [name, flag] : {std::pair{"fewest_preemptions", &m.fewest_preemptions},
                                std::pair{"fewest_steps", &m.fewest_steps}}) {
        const json& b = field(*mj, mp, name);
        if (!b.is_boolean()) bad(mp + "." + name, "expected true or false");
        *flag = b.get<bool>();
      }
      m.executions = uint(*mj, mp, "executions");
      m.original_preemptions = uint(*mj, mp, "original_preemptions");
      m.original_steps = uint(*mj, mp, "original_steps");
    }
    f.trace = trace_from(field(fj, p, "trace"), p + ".trace");
    r.findings.push_back(std::move(f));
  }
  return r;
}

}  // namespace weft::check
