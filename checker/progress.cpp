#include "weft/progress.h"

#include <unistd.h>

#include <cmath>
#include <iomanip>
#include <sstream>

namespace weft::check {

namespace {

// A uniform random walk that multiplies the branching factors it meets.
class ProbeStrategy final : public Strategy {
 public:
  explicit ProbeStrategy(Rng& rng) : rng_(rng) {}
  bool next() override { return true; }
  bool exhaustive() const override { return false; }
  std::string name() const override { return "probe"; }
  void begin(Execution&) override { product_ = 1; }
  std::size_t pick(std::span<const Candidate> enabled) override { return draw(enabled.size()); }
  std::size_t choose(std::size_t n, ChoiceKind) override { return draw(n); }
  double product() const { return product_; }

 private:
  std::size_t draw(std::size_t n) {
    product_ *= static_cast<double>(n);
    return n < 2 ? 0 : rng_.below(n);
  }
  Rng& rng_;
  double product_ = 1;
};

std::string count(double n) {
  std::ostringstream os;
  if (n >= 1e9) {
    os << std::setprecision(3) << n;  // scientific for huge trees
  } else {
    os << static_cast<std::uint64_t>(std::llround(n));
  }
  return os.str();
}

}  // namespace

TreeSizeEstimator::TreeSizeEstimator(std::function<void()> body, Params params, CheckOptions options,
                                     std::uint64_t seed)
    : body_(std::move(body)), params_(std::move(params)), options_(std::move(options)), rng_(seed) {
  options_.on_progress = nullptr;
}

void TreeSizeEstimator::probe(std::size_t walks) {
  detail::StackPool pool(options_.stack_size);
  ExecutionOptions eo;
  eo.max_steps = options_.max_steps;
  eo.max_goroutines = options_.max_goroutines;
  eo.params = &params_;
  ProbeStrategy s(rng_);
  for (std::size_t i = 0; i < walks; ++i) {
    Execution x(s, pool, eo);
    x.run(body_);
    sum_ += s.product();
    ++walks_;
  }
}

bool progress_wanted(int fd, bool quiet) {
  return !quiet && isatty(fd) == 1;
}

ProgressDisplay::ProgressDisplay(std::ostream& os, bool enabled, TreeSizeEstimator* estimator)
    : os_(os), enabled_(enabled), estimator_(estimator) {}

std::string ProgressDisplay::line(const Stats& stats, std::size_t findings, double elapsed, double estimate,
                                  bool reduced) {
  std::ostringstream os;
  const double rate = elapsed > 0 ? static_cast<double>(stats.executions) / elapsed : 0;
  os << stats.executions << (stats.executions == 1 ? " execution, " : " executions, ") << count(rate)
     << "/s, " << std::fixed << std::setprecision(1) << elapsed << " s, " << findings
     << (findings == 1 ? " finding" : " findings");
  if (estimate > 0 && reduced) {
    os << ", unreduced tree ~" << count(estimate) << " executions (an upper bound)";
  } else if (estimate > 0) {
    const double pct = std::min(100.0, 100.0 * static_cast<double>(stats.executions) / estimate);
    os << ", tree ~" << count(estimate) << " executions (" << std::setprecision(pct < 1 ? 2 : 0) << pct
       << "% explored)";
  }
  return os.str();
}

void ProgressDisplay::update(const Stats& stats, std::size_t findings) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  if (estimator_ != nullptr) {
    // A few walks per redraw, a small share of the time: the estimate sharpens as the run goes on.
    const auto until = now + std::chrono::milliseconds(5);
    do {
      estimator_->probe(1);
    } while (Clock::now() < until && estimator_->walks() % 64 != 0);
  }
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  os_ << "\r" << line(stats, findings, elapsed, estimator_ != nullptr ? estimator_->estimate() : 0, reduced_)
      << "\x1b[K" << std::flush;
  drawn_ = true;
}

void ProgressDisplay::finish() {
  if (!enabled_ || !drawn_) return;
  os_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

}  // namespace weft::check
