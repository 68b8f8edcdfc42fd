#include <stdexcept>

#include "weft/dpor.h"
#include "weft/report.h"
#include "weft/strategy.h"

namespace weft::check {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& s : s_) s = splitmix64(seed);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::size_t Rng::below(std::size_t n) {
  // Rejection sampling keeps the draw uniform.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t r;
  do {
    r = next();
  } while (r >= limit);
  return static_cast<std::size_t>(r % n);
}

std::unique_ptr<Strategy> make_strategy(const std::string& name, std::uint64_t seed) {
  if (name == "dfs") return std::make_unique<DfsStrategy>();
  if (name == "random") return std::make_unique<RandomStrategy>(seed);
  if (name == "dpor") return std::make_unique<SourceDporStrategy>(/*optimal=*/true);
  if (name == "source-dpor") return std::make_unique<SourceDporStrategy>(/*optimal=*/false);
  if (name == "pct") return std::make_unique<PctStrategy>(seed, 3);
  throw std::invalid_argument("unknown strategy '" + name + "' (known: dpor, source-dpor, dfs, pct, random)");
}

std::unique_ptr<Strategy> make_strategy(const CheckOptions& options) {
  if (options.max_preemptions) {
    if (options.strategy != "dfs") {
      throw std::invalid_argument(
          "--max-preemptions bounds a depth-first search: it needs --strategy dfs, not " + options.strategy);
    }
    return std::make_unique<BoundedDfsStrategy>(*options.max_preemptions);
  }
  if (options.strategy == "pct") {
    if (options.pct_depth < 1) throw std::invalid_argument("--depth must be at least 1");
    return std::make_unique<PctStrategy>(options.seed, options.pct_depth);
  }
  return make_strategy(options.strategy, options.seed);
}

}  // namespace weft::check
