#include <algorithm>

#include "weft/strategy.h"

namespace weft::check {

bool ReplayStrategy::next() {
  if (ran_) return false;
  ran_ = true;
  return true;
}

void ReplayStrategy::begin(Execution&) {
  pos_ = 0;
  steps_ = 0;
  preemptions_ = 0;
  last_ = no_goroutine;
}

void ReplayStrategy::diverge(std::string what) {
  if (error_.empty()) error_ = std::move(what);
}

std::size_t ReplayStrategy::pick(std::span<const Candidate> enabled) {
  ++steps_;
  // On a divergence the execution goes on with the first enabled goroutine;
  // the trace then describes the schedule that ran, preemptions included.
  std::size_t index = 0;
  if (pos_ >= schedule_.size() || schedule_[pos_].kind != Decision::Kind::pick) {
    diverge("diverged at step " + std::to_string(steps_) +
            ": the schedule has no goroutine to run here (it ended or expected a choice)");
  } else {
    const GoroutineId want = schedule_[pos_++].value;
    auto it = std::find_if(enabled.begin(), enabled.end(), [&](const Candidate& c) { return c.g == want; });
    if (it == enabled.end()) {
      std::string can;
      for (const Candidate& c : enabled) can += (can.empty() ? "" : ", ") + std::to_string(c.g);
      diverge("diverged at step " + std::to_string(steps_) + ": expected goroutine " + std::to_string(want) +
              " to run, but it cannot move here (enabled: " + can + ")");
    } else {
      index = static_cast<std::size_t>(it - enabled.begin());
    }
  }
  const GoroutineId ran = enabled[index].g;
  const bool last_enabled =
      std::any_of(enabled.begin(), enabled.end(), [&](const Candidate& c) { return c.g == last_; });
  if (last_enabled && ran != last_) ++preemptions_;
  last_ = ran;
  return index;
}

std::size_t ReplayStrategy::choose(std::size_t n, ChoiceKind) {
  if (pos_ >= schedule_.size() || schedule_[pos_].kind != Decision::Kind::choice) {
    diverge("diverged after step " + std::to_string(steps_) +
            ": the program made a choice the schedule does not have");
    return 0;
  }
  const std::uint32_t c = schedule_[pos_++].value;
  if (c >= n) {
    diverge("diverged after step " + std::to_string(steps_) + ": the schedule chooses option " +
            std::to_string(c) + " of only " + std::to_string(n));
    return 0;
  }
  return c;
}

}  // namespace weft::check
