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
    for (std::size_t i = 0; i < o.t_.size(); ++i) t_[i] = std::max(t_[i], o.t_[i]);
  }
  // Every component <= the other's.
  bool leq(const VectorClock& o) const {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (t_[i] > o.get(static_cast<GoroutineId>(i))) return false;
    }
    return true;
  }
  void clear() { t_.clear(); }

 private:
  std::vector<std::uint32_t> t_;
};

}  // namespace weft
