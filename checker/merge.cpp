#include "weft/merge.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace weft::check {

namespace {

std::string finding_identity(const Finding& f) {
  std::vector<std::string> sites;
  for (const SourceRef& s : f.locations) sites.push_back(s.file + ":" + std::to_string(s.line));
  std::sort(sites.begin(), sites.end());
  std::string k(finding_name(f.kind));
  for (const std::string& s : sites) k += "|" + s;
  return k;
}

}  // namespace

Report merge_reports(const std::vector<Report>& shards) {
  if (shards.empty()) throw std::invalid_argument("merge needs at least one report");
  std::vector<const Report*> order;
  for (const Report& r : shards) order.push_back(&r);
  std::sort(order.begin(), order.end(),
            [](const Report* a, const Report* b) { return a->options.shard_index < b->options.shard_index; });
  const Report& first = *order.front();
  const std::uint32_t count = std::max<std::uint32_t>(first.options.shard_count, 1);
  Report out;
  out.model = first.model;
  out.params = first.params;
  out.strategy = first.strategy;
  out.seed = first.seed;
  out.options = first.options;
  out.options.shard_index = 0;
  out.options.shard_count = 1;
  out.complete = true;
  std::set<std::uint32_t> present;
  std::set<std::string> seen;
  for (const Report* r : order) {
    const std::string which =
        "shard " + std::to_string(r->options.shard_index) + "/" + std::to_string(r->options.shard_count);
    if (r->model != first.model || r->params != first.params) {
      throw std::invalid_argument(which + " is a report for another model or other parameters");
    }
    if (r->strategy != first.strategy) throw std::invalid_argument(which + " used another strategy");
    if (std::max<std::uint32_t>(r->options.shard_count, 1) != count) {
      throw std::invalid_argument(which + " belongs to a split into another number of shards");
    }
    if (!present.insert(r->options.shard_index).second)
      throw std::invalid_argument(which + " is given twice");
    out.stats.executions += r->stats.executions;
    out.stats.blocked_executions += r->stats.blocked_executions;
    out.stats.steps += r->stats.steps;
    out.stats.predictions += r->stats.predictions;
    out.stats.unconfirmed_predictions += r->stats.unconfirmed_predictions;
    out.stats.seconds = std::max(out.stats.seconds, r->stats.seconds);
    if (!r->complete) {
      out.complete = false;
      if (out.incomplete_reason.empty()) out.incomplete_reason = which + ": " + r->incomplete_reason;
    }
    for (const Finding& f : r->findings) {
      if (seen.insert(finding_identity(f)).second) out.findings.push_back(f);
    }
  }
  if (present.size() != count) {
    std::string missing;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (!present.count(i))
        missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
    }
    out.complete = false;
    out.incomplete_reason = "shards missing: " + missing;
  }
  return out;
}

}  // namespace weft::check
