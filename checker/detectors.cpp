#include "weft/detectors.h"

#include <algorithm>
#include <cstdio>

namespace weft::check {

namespace {

std::string site_of(const std::source_location& loc, const void* pc) {
  if (loc.line() > 0) {
    std::string file = loc.file_name();
    return file + ":" + std::to_string(loc.line());
  }
  if (pc != nullptr) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "pc:%p", pc);
    return buf;
  }
  return "?";
}

}  // namespace

std::string site_of(const Event& e) {
  return site_of(e.loc, e.pc);
}

std::string DetectedIssue::key() const {
  std::vector<std::string> wheres;
  for (const AccessSite& a : accesses) wheres.push_back(std::string(op_name(a.op)) + "@" + a.where);
  if (kind == FindingKind::data_race) std::sort(wheres.begin(), wheres.end());
  std::string k(finding_name(kind));
  for (const auto& w : wheres) k += "|" + w;
  return k;
}

namespace {

RawSite raw_site(const Event& e) {
  return {e.step, e.g, e.op, e.loc, e.pc};
}
AccessSite make_site(const RawSite& r) {
  return {r.step, r.g, r.op, site_of(r.loc, r.pc)};
}
AccessSite make_site(const Event& e) {
  return make_site(raw_site(e));
}

// Clears every entry but keeps the memory of the table and of its entries.
void clear_each(std::vector<VectorClock>& table) {
  for (VectorClock& c : table) c.clear();
}

template <class T>
[[gnu::noinline]] T& grow_slow(std::vector<T>& v, std::size_t i) {
  v.resize(i + 1);
  return v[i];
}

template <class T>
inline T& grow(std::vector<T>& v, std::size_t i) {
  return i < v.size() ? v[i] : grow_slow(v, i);
}

}  // namespace

// --- RaceDetector ---

void RaceDetector::begin(Execution&) {
  // Reset in place: a cleared entry reads as a fresh one (every clock 0, no
  // access recorded), and a detector that lives across executions (the
  // search loop keeps one) then allocates nothing once it has seen the
  // largest execution.
  clear_each(goroutines_);
  clear_each(objects_);
  clear_each(read_side_);
  for (ChanClocks& c : chans_) {
    clear_each(c.sent);
    clear_each(c.received);
    c.closed.clear();
  }
  for (Var& v : vars_) {
    v.written = false;
    v.write = {};
    v.reads.clear();
  }
  issues_.clear();
  seen_.clear();
  vc(0).set(0, 1);
  active_ = false;
  deferred_.clear();
}

VectorClock& RaceDetector::vc(GoroutineId g) {
  return grow(goroutines_, g);
}
VectorClock& RaceDetector::obj_clock(ObjectId id) {
  return grow(objects_, id);
}
RaceDetector::ChanClocks& RaceDetector::chan(ObjectId id) {
  return grow(chans_, id);
}
RaceDetector::Var& RaceDetector::var(ObjectId id) {
  return grow(vars_, id);
}

void RaceDetector::report(ObjectId obj, const Access& earlier, const Event& e) {
  DetectedIssue issue{FindingKind::data_race, obj, {make_site(earlier.site), make_site(e)}};
  std::string k = issue.key();
  if (std::find(seen_.begin(), seen_.end(), k) != seen_.end()) return;
  seen_.push_back(std::move(k));
  issues_.push_back(std::move(issue));
}

void RaceDetector::access(Execution&, const Event& e, bool write) {
  Var& v = var(e.obj);
  const GoroutineId g = e.g;
  const VectorClock& me = vc(g);
  if (v.written && v.write.g != g && v.write.clock > me.get(v.write.g)) report(e.obj, v.write, e);
  if (write) {
    for (const Access& r : v.reads) {
      if (r.g != g && r.clock > me.get(r.g)) report(e.obj, r, e);
    }
    v.reads.clear();
    v.written = true;
    v.write = {me.get(g), g, raw_site(e)};
  } else {
    // Kept in goroutine order: a write that races with several reads reports them in that order.
    const Access a{me.get(g), g, raw_site(e)};
    auto it = std::find_if(v.reads.begin(), v.reads.end(), [g](const Access& r) { return r.g >= g; });
    if (it != v.reads.end() && it->g == g) {
      *it = a;
    } else {
      v.reads.insert(it, a);
    }
  }
}

void RaceDetector::channel(Execution& x, const Event& e) {
  if (e.is(Event::blocked)) return;
  const auto cap = static_cast<std::uint64_t>(x.object_aux(e.obj));
  const GoroutineId g = e.g;
  switch (e.op) {
    case OpKind::chan_close:
      if (!e.is(Event::not_ok)) chan(e.obj).closed = vc(g);
      return;
    case OpKind::chan_send: {
      if (e.is(Event::not_ok)) return;
      const std::uint64_t m = e.msg;
      grow(chan(e.obj).sent, m) = vc(g);
      if (e.partner != no_goroutine) {  // handed to a parked receiver
        vc(e.partner).join(chan(e.obj).sent[m]);
        grow(chan(e.obj).received, m) = vc(e.partner);
      }
      if (m > cap && m - cap < chan(e.obj).received.size()) {
        vc(g).join(chan(e.obj).received[m - cap]);
      }
      return;
    }
    case OpKind::chan_recv: {
      if (e.is(Event::not_ok)) {
        vc(g).join(chan(e.obj).closed);
        return;
      }
      const std::uint64_t h = e.msg;
      if (e.partner != no_goroutine && cap == 0) {  // took straight from a parked sender
        grow(chan(e.obj).sent, h) = vc(e.partner);
      }
      if (h < chan(e.obj).sent.size()) vc(g).join(chan(e.obj).sent[h]);
      grow(chan(e.obj).received, h) = vc(g);
      if (e.partner != no_goroutine) {
        if (cap > 0) grow(chan(e.obj).sent, h + cap) = vc(e.partner);  // its value moved into the buffer
        vc(e.partner).join(chan(e.obj).received[h]);
      }
      return;
    }
    default:
      return;
  }
}

void RaceDetector::on_event(Execution& x, const Event& e) {
  if (!active_) {
    // A long execution without plain accesses stops deferring at a bound
    // (the log would grow with the execution otherwise).
    if (e.op != OpKind::load && e.op != OpKind::store && deferred_.size() < max_deferred) {
      deferred_.push_back(e);
      return;
    }
    active_ = true;
    for (const Event& d : deferred_) handle(x, d);
    deferred_.clear();
  }
  handle(x, e);
}

void RaceDetector::handle(Execution& x, const Event& e) {
  const GoroutineId g = e.g;
  const ObjectId o = e.obj;
  switch (e.op) {
    case OpKind::spawn:
      if (e.partner != no_goroutine) {
        VectorClock& child = vc(e.partner);  // first: it may grow the table
        child = vc(g);
        child.set(e.partner, 1);
      }
      break;
    case OpKind::chan_send:
    case OpKind::chan_recv:
    case OpKind::chan_close:
      channel(x, e);
      break;
    case OpKind::mutex_lock:
    case OpKind::rw_rlock:
      vc(g).join(obj_clock(o));
      break;
    case OpKind::rw_lock:
    case OpKind::rw_lock_wait:
      if (e.is(Event::blocked)) break;
      vc(g).join(obj_clock(o));
      vc(g).join(grow(read_side_, o));
      break;
    case OpKind::mutex_unlock:
    case OpKind::rw_unlock:
    case OpKind::once_finish:
      obj_clock(o) = vc(g);
      break;
    case OpKind::rw_runlock:
      grow(read_side_, o).join(vc(g));
      break;
    case OpKind::wg_add:
      if (e.value < 0) obj_clock(o).join(vc(g));
      break;
    case OpKind::wg_wait:
      vc(g).join(obj_clock(o));
      break;
    case OpKind::once_do:
      if (e.is(Event::repeat)) vc(g).join(obj_clock(o));
      break;
    case OpKind::cond_wait:
    case OpKind::cond_relock: {
      const std::int64_t aux = x.object_aux(o);
      const auto lock = static_cast<ObjectId>(aux / 2);
      const bool read = (aux % 2) != 0;
      const bool is_rw = x.object_kind(lock) == "rwmutex";
      if (e.op == OpKind::cond_wait) {
        if (is_rw && read) {
          grow(read_side_, lock).join(vc(g));
        } else {
          obj_clock(lock) = vc(g);
        }
      } else {
        vc(g).join(obj_clock(lock));
        if (is_rw && !read) vc(g).join(grow(read_side_, lock));
      }
      break;
    }
    case OpKind::load:
      access(x, e, false);
      break;
    case OpKind::store:
      access(x, e, true);
      break;
    case OpKind::atomic_load:
      vc(g).join(obj_clock(o));
      break;
    case OpKind::atomic_store:
    case OpKind::atomic_rmw:
    case OpKind::atomic_cas:
      vc(g).join(obj_clock(o));
      if (!e.is(Event::not_ok)) obj_clock(o).join(vc(g));
      break;
    default:
      break;
  }
  if (!e.is(Event::wake)) vc(g).tick(g);
}

// --- LostUpdateDetector ---

void LostUpdateDetector::begin(Execution&) {
  for (Var& v : vars_) {  // in place, as RaceDetector::begin does
    v.writes = 0;
    v.last_write = {};
    std::fill(v.last.begin(), v.last.end(), Last{});
  }
  issues_.clear();
}

void LostUpdateDetector::on_event(Execution&, const Event& e) {
  if (e.op != OpKind::load && e.op != OpKind::store) return;
  Var& v = grow(vars_, e.obj);
  Last& mine = grow(v.last, e.g);
  if (e.op == OpKind::load) {
    mine = {true, v.writes, raw_site(e)};
    return;
  }
  if (mine.read && v.writes != mine.writes_seen && v.last_write.g != e.g) {
    DetectedIssue issue{
        FindingKind::lost_update, e.obj, {make_site(mine.site), make_site(v.last_write), make_site(e)}};
    const std::string k = issue.key();
    bool seen = false;
    for (const auto& i : issues_) seen = seen || i.key() == k;
    if (!seen) issues_.push_back(std::move(issue));
  }
  ++v.writes;
  v.last_write = raw_site(e);
  mine = Last{};
}

}  // namespace weft::check
