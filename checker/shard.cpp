#include "weft/shard.h"

#include <stdexcept>

namespace weft::check {

ShardSpec parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto number = [&](const std::string& s) -> std::uint32_t {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) {
      throw std::invalid_argument("--shard expects I/N with 0 <= I < N (e.g. 0/4), got '" + text + "'");
    }
    return static_cast<std::uint32_t>(std::stoul(s));
  };
  if (slash == std::string::npos) number("");
  ShardSpec s{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (s.count == 0 || s.index >= s.count) {
    throw std::invalid_argument("--shard expects I/N with 0 <= I < N (e.g. 0/4), got '" + text + "'");
  }
  return s;
}

SplitDfsStrategy::SplitDfsStrategy(std::function<bool(std::uint64_t)> owns, std::uint64_t subtrees,
                                   SplitLog* log)
    : owns_(std::move(owns)), subtrees_(subtrees), log_(log) {}

bool SplitDfsStrategy::enter(std::uint64_t subtree) {
  const bool mine = owns_(subtree);
  if (mine && log_ != nullptr) log_->explored.push_back({subtree, 0});
  return mine;
}

bool SplitDfsStrategy::owns_last() {
  if (owned_ && log_ != nullptr) ++log_->explored.back().executions;
  return owned_;
}

bool SplitDfsStrategy::next() {
  if (!started_) {
    started_ = true;
    subtree_ = 0;
    owned_ = enter(0);
    return true;
  }
  if (depth_ == 0) {
    // The first execution fixes the split depth; every part sees the same one.
    std::uint64_t leaves = 1;
    depth_ = path_.size();
    for (std::size_t i = 0; i < path_.size(); ++i) {
      leaves *= path_[i].options;
      if (leaves >= subtrees_) {
        depth_ = i + 1;
        break;
      }
    }
    if (depth_ == 0) depth_ = 1;
  }
  // A probed subtree is left at once: backtrack from its root.
  if (!owned_ && path_.size() > depth_) path_.resize(depth_);
  while (true) {
    while (!path_.empty() && path_.back().taken + 1 >= path_.back().options) path_.pop_back();
    if (path_.empty()) return false;
    ++path_.back().taken;
    const std::size_t changed = path_.size() - 1;
    if (changed >= depth_) return true;  // still inside the current (owned) subtree
    owned_ = enter(++subtree_);
    // Run it when it is ours, or when its root is not known yet (a probe).
    if (owned_ || changed + 1 < depth_) return true;
    // Not ours and its whole prefix is known: skip it without running anything.
  }
}

std::size_t SplitDfsStrategy::decide(std::size_t n) {
  if (n < 2) return 0;  // not a branch: keep it out of the path
  if (pos_ < path_.size()) {
    Node& node = path_[pos_];
    if (node.options != n && error_.empty()) {
      error_ = "the model is not deterministic: decision " + std::to_string(pos_ + 1) + " had " +
               std::to_string(node.options) + " options in an earlier run and " + std::to_string(n) +
               " now (does it use rand(), the clock, or state kept between runs?)";
    }
    ++pos_;
    return node.taken < n ? node.taken : 0;
  }
  path_.push_back({static_cast<std::uint32_t>(n), 0});
  ++pos_;
  return 0;
}

std::uint64_t split_subtrees(const CheckOptions& options) {
  // Per shard, 64 subtrees: enough to balance threads pulling them one by one.
  const std::uint64_t per = 64;
  if (options.shard_count > 1) return per * options.shard_count;
  return per * std::max<std::uint32_t>(options.jobs, 1);
}

std::unique_ptr<Strategy> make_search_strategy(const CheckOptions& options) {
  const bool split = options.split != nullptr || options.shard_count > 1;
  if (!split) return make_strategy(options);
  if (options.strategy != "dfs") {
    throw std::invalid_argument(
        "--shard and --jobs split an exhaustive search: they need --strategy dfs, not " + options.strategy);
  }
  if (options.split != nullptr) {
    return std::make_unique<SplitDfsStrategy>(options.split->owns, split_subtrees(options), options.split);
  }
  const std::uint32_t index = options.shard_index;
  const std::uint32_t count = options.shard_count;
  return std::make_unique<SplitDfsStrategy>([index, count](std::uint64_t t) { return t % count == index; },
                                            split_subtrees(options));
}

}  // namespace weft::check
