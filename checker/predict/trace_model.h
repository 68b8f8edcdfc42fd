// The recorded execution as the encoding sees it: one event per scheduling
// step (each step is one pick of one goroutine), in program order per
// goroutine, with the links a reordering must keep (the write each read saw,
// the message each receive got, the unlock that ends each critical section).
// No solver here: this is plain bookkeeping over ExecutionResult.events.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "weft/execution.h"

namespace weft::predict {

inline constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

struct TEvent {
  std::size_t index = 0;   // pick number in the recorded run (0-based); tails come after every pick
  std::uint64_t step = 0;  // the recorded step (0 for tails)
  GoroutineId g = no_goroutine;
  std::uint32_t pos = 0;  // position in its goroutine's program order
  OpKind op = OpKind::spawn;
  ObjectId obj = no_object;
  std::uint8_t flags = 0;
  std::int64_t value = 0;
  // Never completed in the recorded run: the operation a goroutine was left
  // waiting on at the end, or a park nobody completed. Never executed.
  bool tail = false;
  bool parked = false;             // the operation parked; `completion` finished it
  std::size_t completion = none;   // the partner's event that completed a park
  std::size_t rf = none;           // load: the store it read (none: the initial value)
  std::size_t close = none;        // receive that saw the channel closed: the close
  std::size_t child_first = none;  // spawn: the child's first event
  std::string site;                // source site ("file:line"), to tell repeated pairs apart
};

// A critical section of a mutex or of one side of an RWMutex.
struct Section {
  ObjectId obj = no_object;
  GoroutineId g = no_goroutine;
  bool write = true;           // mutex or RWMutex write side; false: a read lock
  std::size_t acquire = none;  // the event that took the lock
  std::size_t release = none;  // the event that gave it back (none: never released)
};

// One message through a channel, in the order values entered it.
struct Message {
  std::size_t send = none;
  std::size_t recv = none;  // none: still buffered at the end
};

struct ChannelInfo {
  ObjectId obj = no_object;
  std::size_t capacity = 0;
  bool frozen = false;  // select or misuse involved: keep every event on it in the recorded order
  std::vector<Message> messages;
  std::vector<std::size_t> closes;
  std::vector<std::size_t> closed_recvs;  // receives that saw the channel closed
};

struct TraceModel {
  std::vector<TEvent> events;                  // picks in recorded order, then tails
  std::size_t picks = 0;                       // events[0, picks) are the recorded steps
  std::vector<std::vector<std::size_t>> by_g;  // program order per goroutine (tails last)
  std::vector<std::size_t> spawned_by;         // the spawn event of each goroutine (none: main)
  std::vector<bool> done;                      // the goroutine returned in the recorded run
  std::vector<Section> sections;
  std::vector<ChannelInfo> channels;    // by channel, not by object id
  std::vector<std::size_t> channel_of;  // object id -> index into channels (none)
  std::vector<std::string> object_kinds;
  std::vector<bool> frozen_obj;                      // objects whose events keep their recorded order
  std::vector<std::vector<std::size_t>> obj_events;  // every event on each object, recorded order
};

// Builds the model. Returns false with `error` set when the execution does
// not fit the model (a step without exactly one event of the goroutine that
// was picked, for instance).
bool build_trace_model(const ExecutionResult& r, TraceModel& out, std::string& error);

}  // namespace weft::predict
