#include "trace_model.h"

#include <map>

#include "weft/detectors.h"

namespace weft::predict {

namespace {

bool is_lock_kind(const std::string& kind) {
  return kind == "mutex" || kind == "rwmutex";
}

}  // namespace

bool build_trace_model(const ExecutionResult& r, TraceModel& t, std::string& error) {
  t = TraceModel{};
  const std::size_t n_obj = r.object_kinds.size();
  t.object_kinds = r.object_kinds;
  t.frozen_obj.assign(n_obj, false);
  t.obj_events.assign(n_obj, {});
  t.channel_of.assign(n_obj, none);
  for (ObjectId o = 0; o < n_obj; ++o) {
    const std::string& k = r.object_kinds[o];
    if (k == "chan") {
      t.channel_of[o] = t.channels.size();
      ChannelInfo c;
      c.obj = o;
      c.capacity = static_cast<std::size_t>(r.object_aux[o]);
      t.channels.push_back(c);
    } else if (k != "shared" && !is_lock_kind(k) && k != "waitgroup") {
      t.frozen_obj[o] = true;  // once, cond, atomic: keep their recorded order
    }
  }
  const std::size_t n_g = r.goroutines.size();
  t.by_g.assign(n_g, {});
  t.spawned_by.assign(n_g, none);
  t.done.assign(n_g, false);
  for (const GoroutineInfo& gi : r.goroutines) {
    if (gi.id < n_g) t.done[gi.id] = gi.done;
  }

  // One event per step: the non-wake events, which are exactly the picks.
  std::size_t picks_in_schedule = 0;
  for (const Decision& d : r.schedule) picks_in_schedule += d.kind == Decision::Kind::pick ? 1 : 0;
  std::vector<std::size_t> of_raw(r.events.size(), none);  // raw event -> model event (non-wake only)
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    if (e.is(Event::wake)) continue;
    if (e.g >= n_g) {
      error = "an event names goroutine " + std::to_string(e.g) + " that the execution does not list";
      return false;
    }
    TEvent te;
    te.index = t.events.size();
    te.step = e.step;
    te.g = e.g;
    te.pos = static_cast<std::uint32_t>(t.by_g[e.g].size());
    te.op = e.op;
    te.obj = e.obj;
    te.flags = e.flags;
    te.value = e.value;
    te.site = check::site_of(e);
    if (!t.events.empty() && t.events.back().step == e.step) {
      error = "step " + std::to_string(e.step) + " has more than one event of its own";
      return false;
    }
    of_raw[i] = te.index;
    t.by_g[e.g].push_back(te.index);
    t.events.push_back(te);
  }
  t.picks = t.events.size();
  if (t.picks != picks_in_schedule) {
    error = "the execution has " + std::to_string(t.picks) + " events of its own but " +
            std::to_string(picks_in_schedule) + " steps";
    return false;
  }

  // Parks and their completions; spawn; reads-from; channels; sections.
  std::vector<std::size_t> parked(n_g, none);  // a goroutine's uncompleted park
  std::vector<std::size_t> last_store(n_obj, none);
  std::map<std::pair<ObjectId, GoroutineId>, std::size_t> open_read;  // rwmutex read sections
  std::vector<std::size_t> open_write(n_obj, none);                   // mutex / rwmutex write sections
  std::vector<std::uint64_t> next_msg(t.channels.size(), 0);
  auto ensure_msg = [&](ChannelInfo& c, std::uint64_t m) -> Message& {
    if (c.messages.size() < m) c.messages.resize(m);
    return c.messages[m - 1];
  };
  auto open = [&](ObjectId o, GoroutineId g, bool write, std::size_t ev) {
    Section s{o, g, write, ev, none};
    if (write) {
      open_write[o] = t.sections.size();
    } else {
      open_read[{o, g}] = t.sections.size();
    }
    t.sections.push_back(s);
  };
  auto close_section = [&](ObjectId o, GoroutineId g, bool write, std::size_t ev) {
    if (write) {
      if (open_write[o] != none) t.sections[open_write[o]].release = ev;
      open_write[o] = none;
      return;
    }
    auto it = open_read.find({o, g});
    if (it == open_read.end()) {
      for (auto j = open_read.begin(); j != open_read.end(); ++j) {
        if (j->first.first == o) {
          it = j;
          break;
        }
      }
    }
    if (it != open_read.end()) {
      t.sections[it->second].release = ev;
      open_read.erase(it);
    }
  };

  for (std::size_t i = 0; i < r.events.size(); ++i) {
    const Event& e = r.events[i];
    const ObjectId o = e.obj;
    if (e.is(Event::wake)) {
      // close woke a parked receiver: its receive saw the channel closed.
      if (e.g < n_g && parked[e.g] != none) {
        TEvent& p = t.events[parked[e.g]];
        // the close is this step's own event, the most recent non-wake one
        for (std::size_t k = i; k-- > 0;) {
          if (of_raw[k] != none) {
            p.completion = of_raw[k];
            p.close = of_raw[k];
            break;
          }
        }
        if (o != no_object && t.channel_of[o] != none) {
          ChannelInfo& c = t.channels[t.channel_of[o]];
          if (p.op == OpKind::chan_recv) {
            c.closed_recvs.push_back(p.index);
          } else {
            c.frozen = true;
          }
        }
        parked[e.g] = none;
      }
      continue;
    }
    const std::size_t idx = of_raw[i];
    TEvent& te = t.events[idx];
    if (o != no_object && o < n_obj) t.obj_events[o].push_back(idx);
    if (e.is(Event::blocked) &&
        (e.op == OpKind::chan_send || e.op == OpKind::chan_recv || e.op == OpKind::select)) {
      te.parked = true;
      parked[e.g] = idx;
      if (o == no_object && e.op != OpKind::select) te.tail = true;  // nil channel: blocks forever
      continue;
    }
    switch (e.op) {
      case OpKind::spawn:
        if (e.partner < n_g) t.spawned_by[e.partner] = idx;
        break;
      case OpKind::load:
        if (o < n_obj && t.object_kinds[o] == "shared") te.rf = last_store[o];
        break;
      case OpKind::store:
        if (o < n_obj) last_store[o] = idx;
        break;
      case OpKind::mutex_lock:
        open(o, e.g, true, idx);
        break;
      case OpKind::mutex_unlock:
        close_section(o, e.g, true, idx);
        break;
      case OpKind::rw_lock:
        if (!e.is(Event::blocked)) open(o, e.g, true, idx);
        break;
      case OpKind::rw_lock_wait:
        open(o, e.g, true, idx);
        break;
      case OpKind::rw_unlock:
        close_section(o, e.g, true, idx);
        break;
      case OpKind::rw_rlock:
        open(o, e.g, false, idx);
        break;
      case OpKind::rw_runlock:
        close_section(o, e.g, false, idx);
        break;
      case OpKind::cond_wait:
      case OpKind::cond_relock: {
        const auto aux = o < n_obj ? r.object_aux[o] : 0;
        const auto lock = static_cast<ObjectId>(aux / 2);
        const bool read = (aux % 2) != 0;
        if (lock < n_obj) {
          if (e.op == OpKind::cond_wait) {
            close_section(lock, e.g, !read, idx);
          } else {
            open(lock, e.g, !read, idx);
          }
        }
        break;
      }
      case OpKind::chan_send:
      case OpKind::chan_recv: {
        if (o == no_object || t.channel_of[o] == none) break;
        const std::size_t ci = t.channel_of[o];
        ChannelInfo& c = t.channels[ci];
        if (e.is(Event::via_select)) c.frozen = true;
        if (e.is(Event::not_ok)) {
          if (e.op == OpKind::chan_send) {
            c.frozen = true;  // send on a closed channel: a panic
          } else {
            c.closed_recvs.push_back(idx);
            if (!c.closes.empty()) te.close = c.closes.back();
          }
          break;
        }
        // The goroutine whose park this event completes, if any.
        std::size_t completed = none;
        if (e.partner != no_goroutine && e.partner < n_g && parked[e.partner] != none) {
          completed = parked[e.partner];
          TEvent& p = t.events[completed];
          p.completion = idx;
          if (p.op == OpKind::select) c.frozen = true;
          parked[e.partner] = none;
        }
        if (e.op == OpKind::chan_send) {
          next_msg[ci] = e.msg;
          Message& m = ensure_msg(c, e.msg);
          m.send = idx;
          if (completed != none) m.recv = completed;
        } else {
          if (e.msg == 0) {
            c.frozen = true;
            break;
          }
          Message& m = ensure_msg(c, e.msg);
          m.recv = idx;
          if (completed != none) {
            if (c.capacity == 0) {
              next_msg[ci] = e.msg;
              m.send = completed;
            } else {
              // the parked sender's value moved into the freed slot
              ensure_msg(c, ++next_msg[ci]).send = completed;
            }
          }
        }
        break;
      }
      case OpKind::chan_close:
        if (o != no_object && t.channel_of[o] != none) {
          ChannelInfo& c = t.channels[t.channel_of[o]];
          if (e.is(Event::not_ok)) {
            c.frozen = true;
          } else {
            c.closes.push_back(idx);
          }
        }
        break;
      case OpKind::atomic_load:
      case OpKind::atomic_store:
      case OpKind::atomic_rmw:
      case OpKind::atomic_cas:
        if (o < n_obj) t.frozen_obj[o] = true;
        break;
      default:
        break;
    }
  }
  // Parks nobody completed are never executed in any prediction.
  for (std::size_t g = 0; g < n_g; ++g) {
    if (parked[g] != none) t.events[parked[g]].tail = true;
  }
  // What each goroutine was left waiting on at the end (never happened).
  for (const WaitInfo& w : r.blocked) {
    if (w.g >= n_g) continue;
    if (!t.by_g[w.g].empty() && t.events[t.by_g[w.g].back()].tail) continue;  // already a parked tail
    TEvent te;
    te.index = t.events.size();
    te.g = w.g;
    te.pos = static_cast<std::uint32_t>(t.by_g[w.g].size());
    te.op = w.op;
    te.obj = w.obj;
    te.tail = true;
    te.site = std::string(w.loc.file_name()) + ":" + std::to_string(w.loc.line());
    t.by_g[w.g].push_back(te.index);
    t.events.push_back(te);
  }
  for (std::size_t g = 0; g < n_g; ++g) {
    if (t.spawned_by[g] != none && !t.by_g[g].empty())
      t.events[t.spawned_by[g]].child_first = t.by_g[g].front();
  }
  for (ChannelInfo& c : t.channels) {
    for (const Message& m : c.messages) {
      if (m.send == none) c.frozen = true;  // a message we could not attribute
    }
    if (c.frozen) t.frozen_obj[c.obj] = true;
  }
  return true;
}

}  // namespace weft::predict
