// libFuzzer harness: model parameters from the command line. Each line of
// the input is one `--set` argument, taken through the same two calls as
// `weft check --set` (parse_set_args, then resolve_params): they must accept
// it or throw std::invalid_argument (the CLI's exit 2), and an accepted value
// must lie in its declared range. The params of a counterexample file go
// through resolve_params too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "weft/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const weft::Model model{
      "fuzzed",
      "",
      weft::Expect::ok(),
      {{"n", 2, "goroutines", 1, 8}, {"depth", 5, "depth", 0, 1000000}, {"neg", -3, "", -10, 10}},
      [] {},
      "fuzz",
      ""};
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  std::size_t at = 0;
  while (at < text.size()) {  // a final newline ends the last argument; it does not start another
    std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    args.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  try {
    const weft::Params p = weft::resolve_params(model, weft::parse_set_args(args));
    for (const weft::ParamSpec& s : model.params) {
      const auto it = p.find(s.name);
      if (it == p.end() || it->second < s.min || it->second > s.max) std::abort();
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
