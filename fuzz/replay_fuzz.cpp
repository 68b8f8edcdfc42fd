// libFuzzer harness: replay of arbitrary schedules against the real models
// (what `weft replay` does with a counterexample file a user hands it, in
// weft's own process). Two input forms:
//   - a weft-report JSON document (first byte '{'): each finding's schedule
//     is replayed against the report's model with the report's params;
//   - anything else: the first byte picks a model (the registered models
//     without the deliberately crashing fault group, by name), every further
//     byte is a decision: below 0x80 a pick of that goroutine, else the
//     choice (byte - 0x80).
// Every input must replay to a result or be refused with
// std::invalid_argument; and the schedule an execution actually took must
// replay to the same trace and findings, which must survive a JSON round
// trip byte for byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "weft/check.h"
#include "weft/model.h"
#include "weft/report_json.h"

namespace {

using weft::check::CheckOptions;
using weft::check::Finding;
using weft::check::ReplayOutcome;
using weft::check::Report;

// Bounds of the harness (not of weft): a file may ask for any number of
// steps, goroutines or workers, and replaying it would take as long as asked.
constexpr std::uint64_t max_steps = 2000;
constexpr std::uint32_t max_goroutines = 64;
constexpr std::int64_t max_param = 64;
constexpr std::size_t max_findings = 4;

std::vector<const weft::Model*> fuzzable_models() {
  std::vector<const weft::Model*> out;
  for (const weft::Model& m : weft::Registry::instance().all()) {
    if (m.group != "fault") out.push_back(&m);
  }
  std::sort(out.begin(), out.end(),
            [](const weft::Model* a, const weft::Model* b) { return a->name < b->name; });
  return out;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "replay_fuzz: %s\n", what);
  std::abort();
}

// Replays `schedule`, then checks that what the execution did can be done
// again and written down.
void replay_and_check(const weft::Model& m, const weft::Params& params, const CheckOptions& opts,
                      const std::vector<weft::Decision>& schedule) {
  const ReplayOutcome first = weft::check::replay_schedule(m.body, params, opts, schedule);
  const ReplayOutcome again = weft::check::replay_schedule(m.body, params, opts, first.trace.schedule);
  if (!again.divergence.empty()) fail("the schedule an execution took does not replay");
  if (!(again.trace == first.trace)) fail("replaying an execution's own schedule gave another trace");
  if (!(again.findings == first.findings)) fail("replaying an execution's own schedule gave other findings");

  Report r;
  r.model = m.name;
  r.params = params;
  r.strategy = opts.strategy;
  r.seed = opts.seed;
  r.options = opts;
  r.findings = first.findings;
  const std::string text = weft::check::report_to_json(r, false);
  Report back;
  try {
    back = weft::check::report_from_json(text);
  } catch (const std::invalid_argument&) {
    fail("a report weft wrote does not read back");
  }
  if (weft::check::report_to_json(back, false) != text) fail("a report weft wrote reads back to other bytes");
  if (back.findings.size() != first.findings.size()) fail("a report lost findings in its round trip");
  for (std::size_t i = 0; i < back.findings.size(); ++i) {
    if (!(back.findings[i].trace == first.findings[i].trace)) fail("a trace changed in its JSON round trip");
  }
}

void replay_report(const std::string& text) {
  const Report rep = weft::check::report_from_json(text);
  const weft::Model* m = weft::Registry::instance().find(rep.model);
  if (m == nullptr || m->group == "fault") return;
  std::vector<std::pair<std::string, std::string>> sets;
  for (const auto& [k, v] : rep.params) {
    if (v > max_param || v < -max_param) return;
    sets.emplace_back(k, std::to_string(v));
  }
  const weft::Params params = weft::resolve_params(*m, sets);
  CheckOptions opts = rep.options;
  opts.max_steps = std::min(opts.max_steps, max_steps);
  opts.max_goroutines = std::min(opts.max_goroutines, max_goroutines);
  for (std::size_t i = 0; i < rep.findings.size() && i < max_findings; ++i) {
    replay_and_check(*m, params, opts, rep.findings[i].trace.schedule);
  }
}

void replay_bytes(const std::uint8_t* data, std::size_t size) {
  static const std::vector<const weft::Model*> models = fuzzable_models();
  if (size == 0 || models.empty()) return;
  const weft::Model& m = *models[data[0] % models.size()];
  std::vector<weft::Decision> schedule;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] < 0x80) {
      schedule.push_back({weft::Decision::Kind::pick, data[i]});
    } else {
      schedule.push_back({weft::Decision::Kind::choice, static_cast<std::uint32_t>(data[i] - 0x80)});
    }
  }
  CheckOptions opts;
  opts.max_steps = max_steps;
  opts.max_goroutines = max_goroutines;
  replay_and_check(m, weft::resolve_params(m, {}), opts, schedule);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    if (size > 0 && data[0] == '{') {
      replay_report(std::string(reinterpret_cast<const char*>(data), size));
    } else {
      replay_bytes(data, size);
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
