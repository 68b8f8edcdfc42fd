#include "weft/symbolize.h"

#include <dlfcn.h>
#include <elf.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>

namespace weft::check {

namespace {

bool is_position_independent(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h)) return true;
  return h.e_type == ET_DYN;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Symbol resolve(const void* pc) {
  Symbol sym;
  Dl_info info{};
  if (dladdr(pc, &info) == 0 || info.dli_fname == nullptr) return sym;
  std::string file = info.dli_fname;
  if (file.empty() || file.find('/') == std::string::npos) file = "/proc/self/exe";
  auto addr = reinterpret_cast<std::uintptr_t>(pc) - 1;  // inside the call instruction
  if (is_position_independent(file)) addr -= reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(addr));
  const std::string cmd = "addr2line -C -f -e " + shell_quote(file) + " " + hex + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return sym;
  char fn[1024] = {0};
  char loc[4096] = {0};
  if (std::fgets(fn, sizeof fn, p) != nullptr && std::fgets(loc, sizeof loc, p) != nullptr) {
    fn[std::strcspn(fn, "\n")] = 0;
    loc[std::strcspn(loc, "\n")] = 0;
    std::string l = loc;
    if (auto sp = l.find(" ("); sp != std::string::npos) l = l.substr(0, sp);
    if (auto colon = l.rfind(':'); colon != std::string::npos && l.substr(0, 2) != "??") {
      sym.file = l.substr(0, colon);
      sym.line = static_cast<std::uint32_t>(std::strtoul(l.c_str() + colon + 1, nullptr, 10));
      sym.function = fn;
    }
  }
  pclose(p);
  return sym;
}

}  // namespace

Symbol symbolize(const void* pc) {
  static std::mutex mu;
  static std::map<const void*, Symbol> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(pc);
  if (it != cache.end()) return it->second;
  Symbol s = resolve(pc);
  cache.emplace(pc, s);
  return s;
}

}  // namespace weft::check
