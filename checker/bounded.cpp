#include "weft/dpor.h"

namespace weft::check {

bool BoundedDfsStrategy::next() {
  if (!started_) {
    started_ = true;
    return true;
  }
  while (!path_.empty() && path_.back().taken + 1 >= path_.back().options) path_.pop_back();
  if (path_.empty()) return false;
  ++path_.back().taken;
  return true;
}

void BoundedDfsStrategy::begin(Execution&) {
  pos_ = 0;
  used_ = 0;
  last_ = no_goroutine;
}

std::uint32_t BoundedDfsStrategy::decide(std::uint32_t n) {
  if (n < 2) return 0;
  if (pos_ < path_.size()) {
    const Node& node = path_[pos_++];
    if (node.options != n && error_.empty()) {
      error_ = "the model is not deterministic: decision " + std::to_string(pos_) + " had " +
               std::to_string(node.options) + " options in an earlier run and " + std::to_string(n) + " now";
    }
    return node.taken < n ? node.taken : 0;
  }
  path_.push_back({n, 0});
  ++pos_;
  return 0;
}

std::size_t BoundedDfsStrategy::pick(std::span<const Candidate> enabled) {
  std::size_t stay = enabled.size();
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    if (enabled[i].g == last_) stay = i;
  }
  std::size_t idx = 0;
  if (stay == enabled.size()) {
    // The last goroutine blocked or finished: any switch is free.
    idx = decide(static_cast<std::uint32_t>(enabled.size()));
  } else if (used_ >= bound_) {
    // The budget is spent: only the running goroutine may continue. Not a branch.
    if (enabled.size() > 1) pruned_ = true;
    idx = stay;
  } else {
    // Rank 0 continues the running goroutine; rank r > 0 preempts it for the
    // r-th other goroutine in order.
    const std::uint32_t rank = decide(static_cast<std::uint32_t>(enabled.size()));
    idx = rank == 0 ? stay : (rank - 1 < stay ? rank - 1 : rank);
    if (idx != stay) ++used_;
  }
  last_ = enabled[idx].g;
  return idx;
}

std::size_t BoundedDfsStrategy::choose(std::size_t n, ChoiceKind) {
  return decide(static_cast<std::uint32_t>(n));
}

}  // namespace weft::check
