// weft_soak N [FIRST_SEED] [STRATEGY]: compares a reduction (default: dpor;
// or source-dpor) with exhaustive DFS on N generated programs and prints the
// number of disagreements; each disagreement prints its program.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "progen.h"

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
  const std::uint64_t first = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  const std::string strategy = argc > 3 ? argv[3] : "dpor";
  std::uint64_t compared = 0, skipped = 0, disagreements = 0, dfs_execs = 0, dpor_execs = 0;
  for (std::uint64_t seed = first; seed < first + n; ++seed) {
    const weft::progen::Program p = weft::progen::generate(seed);
    const auto dfs = weft::progen::explore(p, "dfs", 20000);
    if (!dfs.complete) {
      ++skipped;
      continue;
    }
    const auto dpor = weft::progen::explore(p, strategy, 20000);
    ++compared;
    dfs_execs += dfs.executions;
    dpor_execs += dpor.executions;
    if (dfs.seen != dpor.seen) {
      ++disagreements;
      std::printf("disagreement at seed %llu\n%s", static_cast<unsigned long long>(seed),
                  weft::progen::to_string(p).c_str());
      for (const auto& s : dfs.seen) {
        if (!dpor.seen.count(s)) std::printf("  only dfs:  %s\n", s.c_str());
      }
      for (const auto& s : dpor.seen) {
        if (!dfs.seen.count(s)) std::printf("  only dpor: %s\n", s.c_str());
      }
    }
  }
  std::printf("programs compared: %llu, skipped (dfs over 20000 executions): %llu, disagreements: %llu\n",
              static_cast<unsigned long long>(compared), static_cast<unsigned long long>(skipped),
              static_cast<unsigned long long>(disagreements));
  std::printf("executions: dfs %llu, %s %llu\n", static_cast<unsigned long long>(dfs_execs), strategy.c_str(),
              static_cast<unsigned long long>(dpor_execs));
  return disagreements == 0 ? 0 : 1;
}
