// The vocabulary shared by the runtime and the checker: operation kinds,
// finding kinds and identifiers. Every name here has a stable spelling that
// appears in reports and counterexample files.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace weft {

using GoroutineId = std::uint32_t;
using ObjectId = std::uint32_t;
inline constexpr GoroutineId no_goroutine = std::numeric_limits<GoroutineId>::max();
inline constexpr ObjectId no_object = std::numeric_limits<ObjectId>::max();

// Every visible operation a goroutine can perform. A scheduling point precedes
// each of them.
enum class OpKind : std::uint8_t {
  spawn,
  chan_send,
  chan_recv,
  chan_close,
  select,
  mutex_lock,
  mutex_unlock,
  rw_rlock,
  rw_runlock,
  rw_lock,
  rw_lock_wait,  // a writer that announced itself waits for readers to leave
  rw_unlock,
  wg_add,
  wg_wait,
  once_do,
  once_finish,
  cond_wait,    // release the lock and join the notify list
  cond_relock,  // after a signal: take the lock again
  cond_signal,
  cond_broadcast,
  load,
  store,
  atomic_load,
  atomic_store,
  atomic_rmw,
  atomic_cas,
};

std::string_view op_name(OpKind op);
std::optional<OpKind> op_from_name(std::string_view name);

// What a check can find. The names are stable: they appear in the JSON
// report (findings[].kind), the text report and the docs.
enum class FindingKind : std::uint8_t {
  lost_update,
  data_race,
  deadlock,
  goroutine_leak,
  panic,
  assertion,
  step_limit,
  crash,
  hang,
};

std::string_view finding_name(FindingKind kind);
std::optional<FindingKind> finding_from_name(std::string_view name);

}  // namespace weft
