#include "prefix_strategy.h"

#include <algorithm>

#include "weft/execution.h"

namespace weft::predict {

void ChoiceTap::begin(Execution& x) {
  x_ = &x;
  choices_.clear();
  inner_.begin(x);
}

std::size_t ChoiceTap::choose(std::size_t n, ChoiceKind why) {
  const std::size_t c = inner_.choose(n, why);
  choices_.push_back({x_ != nullptr ? x_->my_id() : no_goroutine, static_cast<std::uint32_t>(c)});
  return c;
}

PrefixStrategy::PrefixStrategy(std::vector<GoroutineId> prefix, const std::vector<ChoiceRecord>& choices,
                               std::uint64_t seed)
    : prefix_(std::move(prefix)), rng_(seed) {
  for (const ChoiceRecord& c : choices) {
    if (c.g == no_goroutine) continue;
    if (choices_.size() <= c.g) choices_.resize(c.g + 1);
    choices_[c.g].push_back(c.value);
  }
}

bool PrefixStrategy::next() {
  if (ran_) return false;
  ran_ = true;
  return true;
}

void PrefixStrategy::begin(Execution& x) {
  x_ = &x;
  pos_ = 0;
  followed_ = 0;
  skipped_ = 0;
  last_ = no_goroutine;
  left_ = choices_;
}

std::size_t PrefixStrategy::pick(std::span<const Candidate> enabled) {
  auto find = [&](GoroutineId g) {
    return std::find_if(enabled.begin(), enabled.end(), [&](const Candidate& c) { return c.g == g; });
  };
  // Follow the prefix; if its next goroutine cannot move (the prediction was
  // slightly off), take the nearest later entry that can.
  constexpr std::size_t lookahead = 8;
  for (std::size_t k = pos_; k < prefix_.size() && k < pos_ + lookahead; ++k) {
    auto it = find(prefix_[k]);
    if (it == enabled.end()) continue;
    if (k == pos_) {
      ++followed_;
    } else {
      ++skipped_;
      prefix_.erase(prefix_.begin() + static_cast<std::ptrdiff_t>(k));
      prefix_.insert(prefix_.begin() + static_cast<std::ptrdiff_t>(pos_), it->g);
    }
    ++pos_;
    last_ = it->g;
    return static_cast<std::size_t>(it - enabled.begin());
  }
  if (pos_ < prefix_.size()) {
    skipped_ += prefix_.size() - pos_;
    pos_ = prefix_.size();
  }
  // After the prefix: keep running the same goroutine while it can move, so
  // the counterexample has few preemptions; otherwise a seeded random pick.
  // (At most 64 picks in a row: a goroutine that polls must not starve the rest.)
  if (auto it = find(last_); it != enabled.end() && ++streak_ < 64) {
    return static_cast<std::size_t>(it - enabled.begin());
  }
  const std::size_t k = rng_.below(enabled.size());
  last_ = enabled[k].g;
  streak_ = 0;
  return k;
}

std::size_t PrefixStrategy::choose(std::size_t n, ChoiceKind) {
  const GoroutineId g = x_ != nullptr ? x_->my_id() : no_goroutine;
  if (g < left_.size() && !left_[g].empty()) {
    const std::uint32_t v = left_[g].front();
    left_[g].pop_front();
    if (v < n) return v;
  }
  return rng_.below(n);
}

}  // namespace weft::predict
