// A vector clock: one logical time per goroutine. A small value type.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "weft/op.h"

namespace weft {

class VectorClock {
 public:
  std::uint32_t get(GoroutineId g) const { return g < t_.size() ? t_[g] : 0; }
  void set(GoroutineId g, std::uint32_t v) {
    if (g >= t_.size()) t_.resize(g + 1, 0);
    t_[g] = v;
  }
  void tick(GoroutineId g) { set(g, get(g) + 1); }
  void join(const VectorClock& o) {
    if (o.t_.size() > t_.size()) t_.resize(o.t_.size(), 0);
    std::uint32_t* to = t_.data();
    const std::uint32_t* from = o.t_.data();
    for (std::size_t i = 0, n = o.t_.size(); i < n; ++i) to[i] = std::max(to[i], from[i]);
  }
  // Every component <= the other's.
  bool leq(const VectorClock& o) const {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (t_[i] > o.get(static_cast<GoroutineId>(i))) return false;
    }
    return true;
  }
  // Back to all zeros. The size stays: a clock that is cleared and used again
  // run after run (the detectors keep theirs) stops growing after the first.
  void clear() { std::fill(t_.begin(), t_.end(), 0); }

 private:
  std::vector<std::uint32_t> t_;
};

}  // namespace weft
