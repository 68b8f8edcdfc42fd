// Splitting one exhaustive search into disjoint parts: across CI machines
// (`--shard I/N`) and across threads (`--jobs N`).
//
// The DFS tree is cut at a split depth D, chosen from the first execution
// alone so that every part computes the same D: the first D branching
// decisions of an execution name its subtree, and subtrees are numbered in
// DFS order. A part explores the subtrees it owns and skips the others. To
// learn the shape of a subtree it does not own it may have to run that
// subtree's first execution (a probe); a probe is neither counted nor
// reported, so the owned executions of all parts are exactly the executions
// of one unsplit search, each in exactly one part.
//
//   CheckOptions o;
//   o.shard_index = 1;  // the second of
//   o.shard_count = 4;  // four CI jobs
//   Report r = run_check(model, params, o);  // later: merge_reports({r0, r1, r2, r3})
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "weft/report.h"
#include "weft/strategy.h"

namespace weft::check {

struct ShardSpec {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
};

// Parses "I/N" (0 <= I < N); throws std::invalid_argument with the reason.
ShardSpec parse_shard(const std::string& text);

// The subtrees a thread explored, in order, with their execution counts: a
// parallel search numbers its findings' executions as one search would.
struct SplitLog {
  std::function<bool(std::uint64_t subtree)> owns;  // claims a subtree for this thread
  struct Part {
    std::uint64_t subtree = 0;
    std::uint64_t executions = 0;
  };
  std::vector<Part> explored;
};

// DFS over the subtrees `owns` accepts (called once per subtree, in DFS order).
// The split depth is the first depth at which the first execution's path has
// at least `subtrees` leaves below it (the product of its branching factors).
class SplitDfsStrategy final : public Strategy {
 public:
  SplitDfsStrategy(std::function<bool(std::uint64_t)> owns, std::uint64_t subtrees, SplitLog* log = nullptr);
  bool next() override;
  bool exhaustive() const override { return true; }
  std::string name() const override { return "dfs"; }
  std::size_t pick(std::span<const Candidate> enabled) override { return decide(enabled.size()); }
  std::size_t choose(std::size_t n, ChoiceKind) override { return decide(n); }
  void begin(Execution&) override { pos_ = 0; }
  bool owns_last() override;
  std::size_t split_depth() const { return depth_; }

 private:
  std::size_t decide(std::size_t n);
  bool enter(std::uint64_t subtree);
  struct Node {
    std::uint32_t options;
    std::uint32_t taken;
  };
  std::function<bool(std::uint64_t)> owns_;
  std::uint64_t subtrees_;
  SplitLog* log_;
  std::vector<Node> path_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;  // 0 until the first execution has run
  std::uint64_t subtree_ = 0;
  bool owned_ = false;
  bool started_ = false;
};

// The strategy a search with these options uses: a SplitDfsStrategy when the
// search is a shard or a thread's part, else make_strategy(). Sharding needs
// an exhaustive DFS: throws std::invalid_argument for other strategies.
std::unique_ptr<Strategy> make_search_strategy(const CheckOptions& options);

// How many subtrees the split aims at: enough for every shard and thread to
// get many, and the same in every shard whatever its thread count.
std::uint64_t split_subtrees(const CheckOptions& options);

}  // namespace weft::check
