// Turns a return address into a source line, for operations whose line the
// API cannot capture (operators such as x++). Uses the binary's debug
// information through addr2line; results are cached. Only report building
// calls this, never the search.
#pragma once

#include <cstdint>
#include <string>

namespace weft::check {

struct Symbol {
  std::string file;
  std::uint32_t line = 0;
  std::string function;
};

Symbol symbolize(const void* pc);

}  // namespace weft::check
