// libFuzzer harness: the counterexample reader (weft replay, weft merge and
// weft view read files a user hands them). Every input must parse or throw
// std::invalid_argument; a parsed report must serialise and parse again.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "weft/report_json.h"

// The harness links only the reader and writer; Report::verdict lives in
// checker/check.cpp with the whole search, so it is repeated here.
std::optional<weft::FindingKind> weft::check::Report::verdict() const {
  for (const Finding& f : findings) {
    if (f.kind != FindingKind::data_race) return f.kind;
  }
  if (!findings.empty()) return FindingKind::data_race;
  return std::nullopt;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const weft::check::Report r = weft::check::report_from_json(text);
    const std::string again = weft::check::report_to_json(r, false);
    (void)weft::check::report_from_json(again);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
