// Combining the reports of the shards of one search (`weft merge`): the
// counts add up, each finding appears once, and the result is complete only
// when every shard is present and complete.
//
//   Report whole = merge_reports({shard0, shard1, shard2});
#pragma once

#include <vector>

#include "weft/report.h"

namespace weft::check {

// Throws std::invalid_argument when the reports do not belong together
// (another model, parameters, strategy or shard count, or a shard twice).
// A finding is identified by its kind and source locations; of several
// shards' copies, the lowest shard's is kept. Seconds are the longest
// shard's (the shards run side by side).
Report merge_reports(const std::vector<Report>& shards);

}  // namespace weft::check
