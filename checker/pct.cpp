#include <algorithm>

#include "weft/dpor.h"

namespace weft::check {

PctStrategy::PctStrategy(std::uint64_t seed, std::uint32_t depth) : rng_(seed), depth_(depth) {}

void PctStrategy::begin(Execution&) {
  step_ = 0;
  priorities_.clear();
  // Priorities d, d+1, ... are drawn lazily for goroutines as they appear;
  // change points lower a goroutine to 1 .. d-1, below all of them.
  low_ = depth_ > 0 ? depth_ - 1 : 0;
  change_points_.clear();
  for (std::uint32_t i = 1; i < depth_; ++i) change_points_.push_back(1 + rng_.below(estimate_));
  std::sort(change_points_.begin(), change_points_.end());
}

std::uint64_t PctStrategy::priority(GoroutineId g) {
  while (priorities_.size() <= g) {
    // A new goroutine gets a random rank among the initial priorities: draw
    // from a wide range so that ties are vanishingly rare.
    priorities_.push_back(depth_ + 1 + (rng_.next() >> 8));
  }
  return priorities_[g];
}

std::size_t PctStrategy::pick(std::span<const Candidate> enabled) {
  ++step_;
  std::size_t best = 0;
  for (std::size_t i = 1; i < enabled.size(); ++i) {
    if (priority(enabled[i].g) > priority(enabled[best].g)) best = i;
  }
  (void)priority(enabled[best].g);
  // At a change point the goroutine about to run drops below every other
  // and the highest one among the rest runs instead.
  while (std::find(change_points_.begin(), change_points_.end(), step_) != change_points_.end() && low_ > 0) {
    priorities_[enabled[best].g] = low_--;
    change_points_.erase(std::find(change_points_.begin(), change_points_.end(), step_));
    best = 0;
    for (std::size_t i = 1; i < enabled.size(); ++i) {
      if (priority(enabled[i].g) > priority(enabled[best].g)) best = i;
    }
  }
  return best;
}

void PctStrategy::end(std::span<const Candidate>) {
  estimate_ = std::max(estimate_, step_);
}

}  // namespace weft::check
