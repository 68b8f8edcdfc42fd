// Helpers of the tests that count executions: the exhaustive search they
// count against, and the closed forms they compare with.
#pragma once

#include <cstdint>

#include "weft/check.h"

namespace weft::testing_support {

// An exhaustive depth-first search: every interleaving and every choice.
inline check::CheckOptions dfs_options() {
  check::CheckOptions o;
  o.strategy = "dfs";
  return o;
}

inline std::uint64_t factorial(std::uint64_t n) {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

// n choose k, exact for the small n the tests use.
inline std::uint64_t binomial(std::uint64_t n, std::uint64_t k) {
  std::uint64_t r = 1;
  for (std::uint64_t i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

}  // namespace weft::testing_support
