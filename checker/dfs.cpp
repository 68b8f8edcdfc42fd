#include "weft/strategy.h"

namespace weft::check {

bool DfsStrategy::next() {
  if (!started_) {
    started_ = true;
    return true;
  }
  // Backtrack: drop exhausted decisions from the end, then take the next
  // option of the deepest one that has any left.
  while (!path_.empty() && path_.back().taken + 1 >= path_.back().options) path_.pop_back();
  if (path_.empty()) return false;
  ++path_.back().taken;
  return true;
}

std::size_t DfsStrategy::decide(std::size_t n) {
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

std::size_t DfsStrategy::pick(std::span<const Candidate> enabled) {
  return decide(enabled.size());
}

std::size_t DfsStrategy::choose(std::size_t n, ChoiceKind) {
  return decide(n);
}

}  // namespace weft::check
