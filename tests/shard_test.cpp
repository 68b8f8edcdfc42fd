// Sharding: the parts of a split search are disjoint and together explore
// exactly what one search explores; merging their reports gives the counts
// and findings of the unsplit search.
#include "weft/shard.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/check.h"
#include "weft/merge.h"
#include "weft/model.h"
#include "weft/report_json.h"

namespace {

using weft::check::CheckOptions;
using weft::check::Report;

struct Case {
  const char* model;
  std::int64_t n;  // 0: the model's default
};

Report check_model(const Case& c, CheckOptions o) {
  const weft::Model* m = weft::Registry::instance().find(c.model);
  EXPECT_NE(m, nullptr) << c.model;
  std::vector<std::pair<std::string, std::string>> sets;
  if (c.n > 0) sets.emplace_back("n", std::to_string(c.n));
  const weft::Params params = weft::resolve_params(*m, sets);
  o.strategy = "dfs";  // shards split the depth-first tree
  o.all = true;
  o.minimize = false;
  return weft::check::run_check(*m, params, o);
}

std::set<std::string> identities(const Report& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) {
    std::set<std::string> sites;
    for (const auto& s : f.locations) sites.insert(s.file + ":" + std::to_string(s.line));
    std::string k(weft::finding_name(f.kind));
    for (const auto& s : sites) k += "|" + s;
    out.insert(k);
  }
  return out;
}

const Case cases[] = {
    {"counter_mutex", 2}, {"counter_race", 2},     {"philosophers", 2},       {"philosophers_fixed", 2},
    {"lock_order", 0},    {"leak_two_senders", 0}, {"locked_lost_update", 0},
};

TEST(Shard, ParseAcceptsIOverNAndRejectsTheRest) {
  const auto s = weft::check::parse_shard("2/5");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  for (const char* bad : {"5/5", "1", "/3", "a/3", "1/0", "-1/3", "1/3/4"}) {
    EXPECT_THROW(weft::check::parse_shard(bad), std::invalid_argument) << bad;
  }
}

TEST(Shard, ShardsSumToTheUnsplitSearchOnEveryModel) {
  for (const Case& c : cases) {
    const Report whole = check_model(c, {});
    ASSERT_TRUE(whole.complete) << c.model;
    for (std::uint32_t n : {2u, 3u, 7u}) {
      std::uint64_t executions = 0;
      std::uint64_t steps = 0;
      std::vector<Report> parts;
      for (std::uint32_t i = 0; i < n; ++i) {
        CheckOptions o;
        o.strategy = "dfs";
        o.shard_index = i;
        o.shard_count = n;
        parts.push_back(check_model(c, o));
        EXPECT_TRUE(parts.back().complete) << c.model << " shard " << i << "/" << n;
        executions += parts.back().stats.executions;
        steps += parts.back().stats.steps;
      }
      EXPECT_EQ(executions, whole.stats.executions) << c.model << " in " << n << " shards";
      EXPECT_EQ(steps, whole.stats.steps) << c.model << " in " << n << " shards";
      const Report merged = weft::check::merge_reports(parts);
      EXPECT_EQ(merged.stats.executions, whole.stats.executions) << c.model;
      EXPECT_EQ(merged.stats.steps, whole.stats.steps) << c.model;
      EXPECT_EQ(merged.stats.blocked_executions, whole.stats.blocked_executions) << c.model;
      EXPECT_TRUE(merged.complete) << c.model;
      EXPECT_EQ(identities(merged), identities(whole)) << c.model << " in " << n << " shards";
    }
  }
}

TEST(Shard, EveryShardGetsWorkOnALargerTree) {
  // counter_race n=3 has 16,016 executions: a split into 4 must not leave a
  // shard nearly empty or give one nearly everything.
  const Case c{"counter_race", 3};
  const Report whole = check_model(c, {});
  for (std::uint32_t i = 0; i < 4; ++i) {
    CheckOptions o;
    o.strategy = "dfs";
    o.shard_index = i;
    o.shard_count = 4;
    const Report r = check_model(c, o);
    EXPECT_GT(r.stats.executions, whole.stats.executions / 16) << "shard " << i;
    EXPECT_LT(r.stats.executions, whole.stats.executions / 2) << "shard " << i;
  }
}

TEST(Shard, MergeOfJsonReportsSaysWhatIsMissing) {
  const Case c{"philosophers", 2};
  std::vector<Report> parts;
  for (std::uint32_t i = 0; i < 3; ++i) {
    CheckOptions o;
    o.strategy = "dfs";
    o.shard_index = i;
    o.shard_count = 3;
    // Through JSON, as `weft merge` reads them.
    parts.push_back(weft::check::report_from_json(weft::check::report_to_json(check_model(c, o))));
    EXPECT_EQ(parts.back().options.shard_index, i);
    EXPECT_EQ(parts.back().options.shard_count, 3u);
  }
  const Report all3 = weft::check::merge_reports(parts);
  EXPECT_TRUE(all3.complete);
  EXPECT_EQ(all3.stats.executions, check_model(c, {}).stats.executions);

  const Report two = weft::check::merge_reports({parts[0], parts[2]});
  EXPECT_FALSE(two.complete);
  EXPECT_NE(two.incomplete_reason.find("1/3"), std::string::npos) << two.incomplete_reason;

  EXPECT_THROW(weft::check::merge_reports({parts[0], parts[0]}), std::invalid_argument);
  Report other = parts[1];
  other.model = "counter_race";
  EXPECT_THROW(weft::check::merge_reports({parts[0], other}), std::invalid_argument);
}

TEST(Shard, OnlyAnExhaustiveSearchCanBeSplit) {
  CheckOptions o;
  o.strategy = "dfs";
  o.strategy = "random";
  o.shard_index = 0;
  o.shard_count = 2;
  EXPECT_THROW(weft::check::make_search_strategy(o), std::invalid_argument);
}

}  // namespace
