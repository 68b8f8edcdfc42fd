// libFuzzer harness: model parameters from the command line (--set
// name=value, and the params of a counterexample file). Each line of the
// input is one name=value; resolve_params must accept it or throw
// std::invalid_argument, and an accepted value must lie in its declared range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "weft/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const weft::Model model{"fuzzed", "", weft::Expect::ok(),
                                 {{"n", 2, "goroutines", 1, 8}, {"depth", 5, "depth", 0, 1000000}, {"neg", -3, "", -10, 10}},
                                 [] {}, "fuzz", ""};
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> sets;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(at, nl - at);
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos) sets.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    at = nl + 1;
  }
  try {
    const weft::Params p = weft::resolve_params(model, sets);
    for (const weft::ParamSpec& s : model.params) {
      const auto it = p.find(s.name);
      if (it == p.end() || it->second < s.min || it->second > s.max) std::abort();
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
