#include "weft/op.h"

#include <array>

namespace weft {
namespace {

constexpr std::array<std::string_view, 26> op_names = {
    "go",      "send",        "recv",         "close",       "select",      "lock",           "unlock",
    "rlock",   "runlock",     "wlock",        "wlock_wait",  "wunlock",     "wg_add",         "wg_wait",
    "once_do", "once_finish", "cond_wait",    "cond_relock", "cond_signal", "cond_broadcast", "load",
    "store",   "atomic_load", "atomic_store", "atomic_rmw",  "atomic_cas",
};

constexpr std::array<std::string_view, 9> finding_names = {
    "lost_update", "data_race",  "deadlock", "goroutine_leak", "panic",
    "assertion",   "step_limit", "crash",    "hang",
};

}  // namespace

std::string_view op_name(OpKind op) {
  return op_names.at(static_cast<std::size_t>(op));
}

std::optional<OpKind> op_from_name(std::string_view name) {
  for (std::size_t i = 0; i < op_names.size(); ++i) {
    if (op_names[i] == name) return static_cast<OpKind>(i);
  }
  return std::nullopt;
}

std::string_view finding_name(FindingKind kind) {
  return finding_names.at(static_cast<std::size_t>(kind));
}

std::optional<FindingKind> finding_from_name(std::string_view name) {
  for (std::size_t i = 0; i < finding_names.size(); ++i) {
    if (finding_names[i] == name) return static_cast<FindingKind>(i);
  }
  return std::nullopt;
}

}  // namespace weft
