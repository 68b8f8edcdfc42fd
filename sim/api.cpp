#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "weft/weft.h"

namespace weft {

namespace detail {

bool before_spawn(std::source_location loc) {
  return exec_for("go").point(OpKind::spawn, nullptr, loc);
}

void after_spawn(GoroutineId child, std::source_location loc) {
  Execution& x = *Execution::current();
  x.emit({.g = x.my_id(), .op = OpKind::spawn, .partner = child, .loc = loc});
}

}  // namespace detail

std::size_t choose(std::size_t n, std::source_location loc) {
  Execution& x = detail::exec_for("choose");
  if (n == 0) x.fail(FindingKind::panic, "panic: weft::choose(0): nothing to choose from", loc);
  return x.choose(n, ChoiceKind::choose);
}

void expect(bool cond, std::string_view message, std::source_location loc) {
  if (cond) return;
  Execution& x = detail::exec_for("expect");
  x.fail(FindingKind::assertion, "expectation failed: " + std::string(message), loc);
}

void panic(std::string_view message) {
  throw Panic("panic: " + std::string(message));
}

std::int64_t param(std::string_view name) {
  Execution& x = detail::exec_for("param");
  const Params& p = x.params();
  auto it = p.find(name);
  if (it == p.end()) {
    throw MisuseError("weft::param(\"" + std::string(name) + "\"): the model declares no such parameter");
  }
  return it->second;
}

GoroutineId self() {
  return detail::exec_for("self").my_id();
}

Registry& Registry::instance() {
  static Registry r;
  return r;
}

void Registry::add(Model m) {
  if (find(m.name) != nullptr) throw std::logic_error("weft: model registered twice: " + m.name);
  models_.push_back(std::move(m));
}

const Model* Registry::find(std::string_view name) const {
  auto it = std::find_if(models_.begin(), models_.end(), [&](const Model& m) { return m.name == name; });
  return it == models_.end() ? nullptr : &*it;
}

std::vector<std::pair<std::string, std::string>> parse_set_args(const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& s : args) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("--set expects name=value, got '" + s + "'");
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

Params resolve_params(const Model& m, const std::vector<std::pair<std::string, std::string>>& sets) {
  Params p;
  for (const ParamSpec& s : m.params) p[s.name] = s.default_value;
  for (const auto& [name, text] : sets) {
    // The binding is captured through an init-capture: clang 14 (the fuzz build) cannot capture it directly.
    auto spec = std::find_if(m.params.begin(), m.params.end(),
                             [&wanted = name](const ParamSpec& s) { return s.name == wanted; });
    if (spec == m.params.end()) {
      std::string known;
      for (const ParamSpec& s : m.params) known += (known.empty() ? "" : ", ") + s.name;
      throw std::invalid_argument("model " + m.name + " has no parameter '" + name + "'" +
                                  (known.empty() ? " (it takes none)" : " (it takes: " + known + ")"));
    }
    std::int64_t v = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (text.empty() || ec != std::errc() || ptr != last) {
      throw std::invalid_argument("parameter " + name + " needs an integer, got '" + text + "'");
    }
    if (v < spec->min || v > spec->max) {
      throw std::invalid_argument("parameter " + name + "=" + text + " is out of range [" +
                                  std::to_string(spec->min) + ", " + std::to_string(spec->max) + "]");
    }
    p[name] = v;
  }
  return p;
}

}  // namespace weft
