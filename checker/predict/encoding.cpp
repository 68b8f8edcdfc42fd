#include "encoding.h"

#include <algorithm>
#include <map>
#include <set>

#include "weft/vector_clock.h"

namespace weft::predict {

FindingKind Query::finding() const {
  switch (kind) {
    case Kind::lost_update:
      return FindingKind::lost_update;
    case Kind::deadlock:
      return FindingKind::deadlock;
    case Kind::leak:
      return FindingKind::goroutine_leak;
  }
  return FindingKind::deadlock;
}

namespace {

bool is_store(const TEvent& e) {
  return e.op == OpKind::store;
}
bool is_load(const TEvent& e) {
  return e.op == OpKind::load;
}

// Orders that every reordering keeps: program order, spawn, and the message
// a receive got (its send, or the close it saw). Mutex order is not among
// them: critical sections may swap.
std::vector<VectorClock> must_happen_before(const TraceModel& t) {
  std::vector<VectorClock> vc(t.picks);
  std::vector<VectorClock> gc(t.by_g.size());
  std::vector<std::size_t> send_of(t.picks, none);
  for (const ChannelInfo& c : t.channels) {
    for (const Message& m : c.messages) {
      if (m.recv != none && m.send != none && m.recv < t.picks) send_of[m.recv] = m.send;
    }
  }
  // Completions: a parked goroutine's later events come after its completion.
  std::vector<std::vector<std::size_t>> completes(t.picks);
  for (std::size_t i = 0; i < t.picks; ++i) {
    const TEvent& e = t.events[i];
    if (e.parked && e.completion != none && e.completion < t.picks) completes[e.completion].push_back(i);
  }
  for (std::size_t i = 0; i < t.picks; ++i) {
    const TEvent& e = t.events[i];
    VectorClock& g = gc[e.g];
    if (e.pos == 0 && t.spawned_by[e.g] != none) g.join(vc[t.spawned_by[e.g]]);
    if (send_of[i] != none && send_of[i] < i) g.join(vc[send_of[i]]);
    if (e.close != none && e.close < i) g.join(vc[e.close]);
    g.tick(e.g);
    vc[i] = g;
    for (std::size_t p : completes[i]) gc[t.events[p].g].join(vc[i]);
  }
  return vc;
}

bool hb(const std::vector<VectorClock>& vc, const TraceModel& t, std::size_t a, std::size_t b) {
  const GoroutineId g = t.events[a].g;
  return vc[a].get(g) <= vc[b].get(g);
}

// The locks held (write mode) around both events of a pair, by one goroutine.
std::set<ObjectId> locks_around(const TraceModel& t, std::size_t r, std::size_t w) {
  std::set<ObjectId> out;
  const GoroutineId g = t.events[r].g;
  for (const Section& s : t.sections) {
    if (s.g != g || !s.write || s.acquire > r) continue;
    if (s.release != none && s.release < w) continue;
    out.insert(s.obj);
  }
  return out;
}

}  // namespace

std::vector<Query> make_queries(const TraceModel& t, std::size_t begin, std::size_t end, std::size_t per_site,
                                std::uint64_t& candidates) {
  std::vector<Query> out;
  auto in_window = [&](std::size_t e) { return e >= begin && e < end && e < t.picks && !t.events[e].tail; };

  // (a) Lost updates: a load, then a store to the same variable as the
  // goroutine's next access to it.
  struct Pair {
    std::size_t r, w;
  };
  std::map<ObjectId, std::vector<Pair>> pairs;
  for (const auto& seq : t.by_g) {
    for (std::size_t k = 0; k < seq.size(); ++k) {
      const TEvent& r = t.events[seq[k]];
      if (!is_load(r) || !in_window(r.index) || t.frozen_obj[r.obj]) continue;
      for (std::size_t j = k + 1; j < seq.size() && j < k + 64; ++j) {
        const TEvent& w = t.events[seq[j]];
        if (w.obj != r.obj) continue;
        if (is_store(w) && in_window(w.index)) pairs[r.obj].push_back({r.index, w.index});
        break;
      }
    }
  }
  std::vector<VectorClock> vc;
  if (!pairs.empty()) vc = must_happen_before(t);
  std::vector<Query> lost;
  for (auto& [obj, ps] : pairs) {
    for (std::size_t i = 0; i < ps.size(); ++i) {
      for (std::size_t j = i + 1; j < ps.size(); ++j) {
        const Pair& a = ps[i];
        const Pair& b = ps[j];
        if (t.events[a.r].g == t.events[b.r].g) continue;
        ++candidates;
        if (hb(vc, t, a.w, b.r) || hb(vc, t, b.w, a.r)) continue;
        std::set<ObjectId> la = locks_around(t, a.r, a.w);
        std::set<ObjectId> lb = locks_around(t, b.r, b.w);
        bool common = false;
        for (ObjectId m : la) common = common || lb.count(m) > 0;
        if (common) continue;
        Query q;
        q.kind = Query::Kind::lost_update;
        q.r1 = a.r;
        q.w1 = a.w;
        q.r2 = b.r;
        q.w2 = b.w;
        std::string sa = t.events[a.r].site + ">" + t.events[a.w].site;
        std::string sb = t.events[b.r].site + ">" + t.events[b.w].site;
        if (sb < sa) std::swap(sa, sb);
        q.key = "lost_update|" + std::to_string(obj) + "|" + sa + "|" + sb;
        lost.push_back(q);
      }
    }
  }
  // Closest pairs first: the fewest events to move.
  std::stable_sort(lost.begin(), lost.end(), [](const Query& a, const Query& b) {
    auto d = [](const Query& q) { return q.r1 > q.r2 ? q.r1 - q.r2 : q.r2 - q.r1; };
    return d(a) < d(b);
  });
  std::map<std::string, std::size_t> per_key;
  for (Query& q : lost) {
    if (per_key[q.key]++ < per_site) out.push_back(std::move(q));
  }

  // (b) Deadlocks from lock-order cycles: goroutine g takes m2 while holding
  // m1, goroutine h takes m1 while holding m2.
  struct Edge {
    ObjectId from, to;
    GoroutineId g;
    std::size_t at;  // the acquire of `to`
  };
  std::vector<Edge> edges;
  for (const Section& inner : t.sections) {
    if (inner.acquire == none || !in_window(inner.acquire)) continue;
    for (const Section& outer : t.sections) {
      if (outer.g != inner.g || outer.obj == inner.obj || outer.acquire >= inner.acquire) continue;
      if (outer.release != none && outer.release < inner.acquire) continue;
      edges.push_back({outer.obj, inner.obj, inner.g, inner.acquire});
    }
  }
  // Pending lock operations at the end count as acquires too.
  for (const auto& seq : t.by_g) {
    if (seq.empty()) continue;
    const TEvent& last = t.events[seq.back()];
    if (!last.tail || (last.op != OpKind::mutex_lock && last.op != OpKind::rw_lock)) continue;
    for (const Section& outer : t.sections) {
      if (outer.g == last.g && outer.obj != last.obj && outer.release == none) {
        edges.push_back({outer.obj, last.obj, last.g, last.index});
      }
    }
  }
  std::set<std::string> cycle_keys;
  std::size_t cycles = 0;
  for (std::size_t i = 0; i < edges.size() && cycles < 64; ++i) {
    for (std::size_t j = i + 1; j < edges.size() && cycles < 64; ++j) {
      const Edge& a = edges[i];
      const Edge& b = edges[j];
      if (a.g == b.g || a.from != b.to || a.to != b.from) continue;
      ++candidates;
      std::string sa = t.events[a.at].site;
      std::string sb = t.events[b.at].site;
      if (sb < sa) std::swap(sa, sb);
      Query q;
      q.kind = Query::Kind::deadlock;
      q.blocked_at = {a.at, b.at};
      q.key = "deadlock|cycle|" + sa + "|" + sb;
      if (!cycle_keys.insert(q.key).second) continue;
      ++cycles;
      out.push_back(q);
    }
  }

  // (c) Deadlock and leak with no hint, when the window has an operation
  // that can block on something other than a lock.
  bool can_block = false;
  for (std::size_t e = begin; e < std::min(end, t.picks) && !can_block; ++e) {
    const TEvent& ev = t.events[e];
    if (ev.op == OpKind::wg_wait) can_block = true;
    if ((ev.op == OpKind::chan_send || ev.op == OpKind::chan_recv) && ev.obj != no_object &&
        !t.frozen_obj[ev.obj]) {
      can_block = true;
    }
  }
  if (can_block && end >= t.picks) {
    candidates += 2;
    Query d;
    d.kind = Query::Kind::deadlock;
    d.key = "deadlock|any";
    out.push_back(d);
    Query l;
    l.kind = Query::Kind::leak;
    l.key = "leak|any";
    out.push_back(l);
  }
  return out;
}

// --- the encoding ---

WindowEncoding::WindowEncoding(z3::context& c, const TraceModel& t, std::size_t begin, std::size_t end,
                               const std::vector<Query>& queries)
    : c_(c), t_(t), begin_(begin), end_(std::min(end, t.picks)) {
  const std::size_t n = t.events.size();
  scope_.assign(n, Scope::out);
  var_of_.assign(n, -1);
  keep_of_.assign(n, -1);
  for (std::size_t e = 0; e < n; ++e) {
    const TEvent& ev = t.events[e];
    if (ev.tail || e >= t.picks) continue;
    if (e < begin_) {
      scope_[e] = Scope::fixed;
    } else if (e < end_) {
      scope_[e] = Scope::var;
      var_of_[e] = static_cast<int>(order_.size());
      order_.push_back(c_.int_const(("o" + std::to_string(e)).c_str()));
      ++vars_;
    }
  }
  const std::size_t n_g = t.by_g.size();
  lo_.assign(n_g, 0);
  hi_.assign(n_g, 0);
  for (std::size_t g = 0; g < n_g; ++g) {
    std::uint32_t lo = 0, hi = 0;
    for (std::size_t e : t.by_g[g]) {
      if (scope_[e] == Scope::fixed) {
        ++lo;
        ++hi;
      } else if (scope_[e] == Scope::var) {
        ++hi;
      }
    }
    lo_[g] = lo;
    hi_[g] = hi;
    count_.push_back(c_.int_const(("c" + std::to_string(g)).c_str()));
  }
  for (std::size_t ch = 0; ch < t.channels.size(); ++ch) {
    sent_.push_back(c_.int_const(("sent" + std::to_string(ch)).c_str()));
    received_.push_back(c_.int_const(("received" + std::to_string(ch)).c_str()));
  }
  for (const Query& q : queries) {
    if (q.kind != Query::Kind::lost_update) continue;
    for (std::size_t r : {q.r1, q.r2}) {
      if (keep_of_[r] >= 0) continue;
      keep_of_[r] = static_cast<int>(keep_.size());
      keep_.push_back(c_.bool_const(("keep" + std::to_string(r)).c_str()));
      guarded_reads_.push_back(r);
    }
  }
}

z3::expr WindowEncoding::X(std::size_t e) {
  switch (scope(e)) {
    case Scope::fixed:
      return c_.bool_val(true);
    case Scope::out:
      return c_.bool_val(false);
    case Scope::var:
      break;
  }
  const TEvent& ev = t_.events[e];
  return count_[ev.g] > static_cast<int>(ev.pos);
}

z3::expr WindowEncoding::O(std::size_t e) {
  switch (scope(e)) {
    case Scope::fixed:
      return c_.int_val(static_cast<std::int64_t>(e));
    case Scope::out:
      return c_.int_val(static_cast<std::int64_t>(t_.events.size() + 1000000));
    case Scope::var:
      break;
  }
  return order_[static_cast<std::size_t>(var_of_[e])];
}

z3::expr WindowEncoding::at(std::size_t e) {
  const TEvent& ev = t_.events[e];
  if (ev.pos < lo_[ev.g] || ev.pos > hi_[ev.g]) return c_.bool_val(false);
  return count_[ev.g] == static_cast<int>(ev.pos);
}

z3::expr WindowEncoding::exists(GoroutineId g) {
  if (g == 0) return c_.bool_val(true);
  if (t_.spawned_by[g] == none) return c_.bool_val(false);
  return X(t_.spawned_by[g]);
}

z3::expr WindowEncoding::done(GoroutineId g) {
  const auto& seq = t_.by_g[g];
  if (!t_.done[g]) return c_.bool_val(false);
  if (hi_[g] != seq.size()) return c_.bool_val(false);
  return count_[g] == static_cast<int>(seq.size());
}

z3::expr WindowEncoding::held(ObjectId m, bool write) {
  z3::expr_vector any(c_);
  for (const Section& s : t_.sections) {
    if (s.obj != m || s.write != write || s.acquire == none) continue;
    if (scope(s.acquire) == Scope::out) continue;
    if (s.release != none && scope(s.release) == Scope::fixed) continue;
    any.push_back(X(s.acquire) && (s.release == none ? c_.bool_val(true) : !X(s.release)));
  }
  return any.empty() ? c_.bool_val(false) : z3::mk_or(any);
}

z3::expr WindowEncoding::wg_counter(ObjectId m) {
  std::int64_t fixed = 0;
  z3::expr sum = c_.int_val(0);
  for (std::size_t e : t_.obj_events[m]) {
    const TEvent& ev = t_.events[e];
    if (ev.op != OpKind::wg_add) continue;
    if (scope(e) == Scope::fixed) {
      fixed += ev.value;
    } else if (scope(e) == Scope::var) {
      sum = sum + z3::ite(X(e), c_.int_val(ev.value), c_.int_val(0));
    }
  }
  return sum + c_.int_val(fixed);
}

z3::expr WindowEncoding::closed(std::size_t ch) {
  z3::expr_vector any(c_);
  for (std::size_t cl : t_.channels[ch].closes) any.push_back(X(cl));
  return any.empty() ? c_.bool_val(false) : z3::mk_or(any);
}

z3::expr WindowEncoding::in_buffer(std::size_t ch) {
  return sent_[ch] - received_[ch];
}

z3::expr WindowEncoding::partner_waiting(std::size_t ch, GoroutineId g, OpKind op) {
  z3::expr_vector any(c_);
  for (std::size_t e : t_.obj_events[t_.channels[ch].obj]) {
    const TEvent& ev = t_.events[e];
    if (ev.g == g || ev.op != op) continue;
    any.push_back(at(e) && exists(ev.g));
  }
  // Tails from the end of the run are not in obj_events.
  for (std::size_t e = t_.picks; e < t_.events.size(); ++e) {
    const TEvent& ev = t_.events[e];
    if (ev.obj == t_.channels[ch].obj && ev.g != g && ev.op == op) any.push_back(at(e) && exists(ev.g));
  }
  return any.empty() ? c_.bool_val(false) : z3::mk_or(any);
}

z3::expr WindowEncoding::blocked_at(std::size_t e) {
  const TEvent& ev = t_.events[e];
  if (ev.obj == no_object || t_.frozen_obj[ev.obj]) return c_.bool_val(false);
  switch (ev.op) {
    case OpKind::mutex_lock:
      return held(ev.obj, true);
    case OpKind::rw_lock:
    case OpKind::rw_lock_wait:
      return held(ev.obj, true) || held(ev.obj, false);
    case OpKind::rw_rlock:
      return held(ev.obj, true);
    case OpKind::wg_wait:
      return wg_counter(ev.obj) != 0;
    case OpKind::chan_send:
    case OpKind::chan_recv: {
      const std::size_t ch = t_.channel_of[ev.obj];
      if (ch == none) return c_.bool_val(false);
      const ChannelInfo& info = t_.channels[ch];
      if (ev.op == OpKind::chan_send) {
        if (info.capacity == 0) return !closed(ch) && !partner_waiting(ch, ev.g, OpKind::chan_recv);
        return !closed(ch) && in_buffer(ch) >= static_cast<int>(info.capacity);
      }
      if (info.capacity == 0) return !closed(ch) && !partner_waiting(ch, ev.g, OpKind::chan_send);
      return !closed(ch) && in_buffer(ch) == 0;
    }
    default:
      return c_.bool_val(false);
  }
}

z3::expr WindowEncoding::blocked(GoroutineId g) {
  z3::expr_vector any(c_);
  const auto& seq = t_.by_g[g];
  for (std::uint32_t k = lo_[g]; k <= hi_[g] && k < seq.size(); ++k) {
    z3::expr b = blocked_at(seq[k]);
    if (b.is_false()) continue;
    any.push_back(count_[g] == static_cast<int>(k) && b);
  }
  return any.empty() ? c_.bool_val(false) : z3::mk_or(any);
}

z3::expr WindowEncoding::quiescent() {
  z3::expr_vector all(c_);
  for (GoroutineId g = 0; g < t_.by_g.size(); ++g) all.push_back(!exists(g) || done(g) || blocked(g));
  return z3::mk_and(all);
}

void WindowEncoding::add_base(z3::solver& s) {
  const int lower = static_cast<int>(begin_);
  for (std::size_t i = 0; i < order_.size(); ++i) s.add(order_[i] >= lower);
  for (std::size_t g = 0; g < count_.size(); ++g) {
    s.add(count_[g] >= static_cast<int>(lo_[g]) && count_[g] <= static_cast<int>(hi_[g]));
    // program order
    const auto& seq = t_.by_g[g];
    for (std::size_t k = 0; k + 1 < seq.size(); ++k) {
      if (scope(seq[k]) == Scope::var && scope(seq[k + 1]) == Scope::var) s.add(O(seq[k]) < O(seq[k + 1]));
    }
    // spawn before the child's first event
    if (t_.spawned_by[g] != none && !seq.empty() && scope(seq.front()) == Scope::var) {
      s.add(z3::implies(X(seq.front()), X(t_.spawned_by[g]) && O(t_.spawned_by[g]) < O(seq.front())));
    }
  }
  find_runs();
  add_reads(s);
  add_sections(s);
  add_channels(s);
  add_waitgroups(s);
  add_frozen(s);
}

void WindowEncoding::find_runs() {
  const std::size_t n_sec = t_.sections.size();
  run_of_.assign(n_sec, none);
  run_pos_.assign(n_sec, 0);
  link_.assign(n_sec, none);
  sections_of_.assign(t_.events.size(), {});
  for (std::size_t k = 0; k < n_sec; ++k) {
    const Section& sec = t_.sections[k];
    if (sec.acquire == none) continue;
    const auto& seq = t_.by_g[sec.g];
    const std::uint32_t from = t_.events[sec.acquire].pos + 1;
    const std::uint32_t to =
        sec.release == none ? static_cast<std::uint32_t>(seq.size()) : t_.events[sec.release].pos;
    for (std::uint32_t p = from; p < to && p < seq.size(); ++p) sections_of_[seq[p]].push_back(k);
  }
  std::map<ObjectId, std::vector<std::size_t>> by_obj;  // write sections per lock, recorded order
  for (std::size_t k = 0; k < n_sec; ++k) {
    if (t_.sections[k].write && t_.sections[k].acquire != none) by_obj[t_.sections[k].obj].push_back(k);
  }
  std::size_t runs = 0;
  for (auto& [obj, list] : by_obj) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::size_t cur = list[i];
      bool linked = false;
      std::size_t link = none;
      if (i > 0) {
        const std::size_t prev = list[i - 1];
        const Section& b = t_.sections[cur];
        const auto& seq = t_.by_g[b.g];
        const std::uint32_t to =
            b.release == none ? static_cast<std::uint32_t>(seq.size()) : t_.events[b.release].pos;
        for (std::uint32_t p = t_.events[b.acquire].pos + 1; p < to && p < seq.size() && !linked; ++p) {
          const TEvent& r = t_.events[seq[p]];
          if (!is_load(r) || r.rf == none || keep_of_[r.index] >= 0) continue;
          const auto& in = sections_of_[r.rf];
          linked = std::find(in.begin(), in.end(), prev) != in.end();
          if (linked) link = r.index;
        }
      }
      if (linked) {
        link_[cur] = link;
        run_of_[cur] = run_of_[list[i - 1]];
        run_pos_[cur] = run_pos_[list[i - 1]] + 1;
      } else {
        run_of_[cur] = runs++;
      }
    }
  }
}

// Do events a, b and c (b may be none) all lie in sections of one run?
bool WindowEncoding::same_run(std::size_t a, std::size_t b, std::size_t c) const {
  for (std::size_t sa : sections_of_[a]) {
    const std::size_t run = run_of_[sa];
    if (run == none) continue;
    auto in = [&](std::size_t e) {
      if (e == none) return true;
      for (std::size_t se : sections_of_[e]) {
        if (run_of_[se] == run) return true;
      }
      return false;
    };
    if (in(b) && in(c)) return true;
  }
  return false;
}

void WindowEncoding::add_reads(z3::solver& s) {
  for (std::size_t r = begin_; r < end_; ++r) {
    const TEvent& rd = t_.events[r];
    if (scope(r) != Scope::var || !is_load(rd) || rd.obj == no_object || t_.object_kinds[rd.obj] != "shared")
      continue;
    const std::size_t w = rd.rf;
    z3::expr_vector keep(c_);
    if (w != none && scope(w) == Scope::var) keep.push_back(X(w) && O(w) < O(r));
    for (std::size_t w2 : t_.obj_events[rd.obj]) {
      if (w2 == w || scope(w2) != Scope::var || !is_store(t_.events[w2])) continue;
      if (same_run(r, w, w2)) continue;  // the run's order already keeps w2 out of the way
      if (w != none && scope(w) == Scope::var) {
        keep.push_back(z3::implies(X(w2), O(w2) < O(w) || O(w2) > O(r)));
      } else {
        keep.push_back(z3::implies(X(w2), O(w2) > O(r)));
      }
    }
    if (keep.empty()) continue;
    z3::expr body = z3::implies(X(r), z3::mk_and(keep));
    if (keep_of_[r] >= 0) {
      s.add(z3::implies(keep_[static_cast<std::size_t>(keep_of_[r])], body));
    } else {
      s.add(body);
    }
  }
}

void WindowEncoding::add_sections(z3::solver& s) {
  std::map<ObjectId, std::vector<const Section*>> by_obj;
  for (const Section& sec : t_.sections) {
    if (sec.acquire == none || scope(sec.acquire) == Scope::out) continue;
    by_obj[sec.obj].push_back(&sec);
  }
  auto rel_fixed = [&](const Section* x) { return x->release != none && scope(x->release) == Scope::fixed; };
  auto id = [&](const Section* x) { return static_cast<std::size_t>(x - t_.sections.data()); };
  // A run keeps its order once its data has passed: a section whose read
  // of the previous section's write happens comes after that section. (The
  // read keeps its write anyway; this says it in terms of the sections.)
  std::map<std::size_t, const Section*> last_of_run;
  for (auto& [obj, list] : by_obj) {
    for (const Section* b : list) {
      const std::size_t k = id(b);
      if (!b->write || run_of_[k] == none) continue;
      const std::size_t r = link_[k];
      if (r != none && last_of_run.count(run_of_[k]) && scope(r) == Scope::var) {
        const Section* a = last_of_run[run_of_[k]];
        s.add(z3::implies(
            X(r), a->release == none ? c_.bool_val(false) : X(a->release) && O(a->release) < O(b->acquire)));
      }
      last_of_run[run_of_[k]] = b;
    }
  }
  for (auto& [obj, list] : by_obj) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        const Section* a = list[i];
        const Section* b = list[j];
        if (a->g == b->g || (!a->write && !b->write)) continue;
        // Inside a run only neighbours need the exclusion spelled out: the
        // links order the rest once their reads happen.
        if (a->write && b->write && run_of_[id(a)] != none && run_of_[id(a)] == run_of_[id(b)] &&
            run_pos_[id(b)] > run_pos_[id(a)] + 1) {
          continue;
        }
        if (rel_fixed(a) && rel_fixed(b)) continue;
        if (rel_fixed(a) && scope(b->acquire) != Scope::fixed) continue;
        if (rel_fixed(b) && scope(a->acquire) != Scope::fixed) continue;
        auto before = [&](const Section* x, const Section* y) {
          if (x->release == none) return c_.bool_val(false);
          return X(x->release) && O(x->release) < O(y->acquire);
        };
        s.add(z3::implies(X(a->acquire) && X(b->acquire), before(a, b) || before(b, a)));
      }
    }
  }
}

void WindowEncoding::add_channels(z3::solver& s) {
  for (std::size_t ch = 0; ch < t_.channels.size(); ++ch) {
    const ChannelInfo& c = t_.channels[ch];
    if (c.frozen) continue;
    const auto& ms = c.messages;
    for (std::size_t k = 0; k < ms.size(); ++k) {
      const Message& m = ms[k];
      if (c.capacity == 0) {
        if (m.recv == none) continue;
        const Scope ss = scope(m.send), rs = scope(m.recv);
        if (ss == Scope::fixed && rs == Scope::fixed) continue;
        if (ss == Scope::fixed || rs == Scope::fixed) {
          // a park begun before the window completes in it
          if (ss == Scope::var) s.add(X(m.send));
          if (rs == Scope::var) s.add(X(m.recv));
          continue;
        }
        s.add(X(m.send) == X(m.recv));
        if (ss == Scope::var && rs == Scope::var) s.add(O(m.send) == O(m.recv));
        continue;
      }
      // buffered: FIFO, matching, capacity
      if (k + 1 < ms.size()) {
        const std::size_t a = m.send, b = ms[k + 1].send;
        if (scope(b) == Scope::var) s.add(z3::implies(X(b), X(a) && O(a) < O(b)));
        if (m.recv != none && ms[k + 1].recv != none && scope(ms[k + 1].recv) == Scope::var) {
          s.add(z3::implies(X(ms[k + 1].recv), X(m.recv) && O(m.recv) < O(ms[k + 1].recv)));
        }
      }
      if (m.recv != none && scope(m.recv) == Scope::var) {
        s.add(z3::implies(X(m.recv), X(m.send) && O(m.send) <= O(m.recv)));
      }
      if (m.recv != none && scope(m.recv) == Scope::fixed && t_.events[m.recv].parked &&
          scope(m.send) == Scope::var) {
        s.add(X(m.send));
      }
      if (k >= c.capacity && scope(m.send) == Scope::var) {
        const std::size_t freed = ms[k - c.capacity].recv;
        if (freed == none) {
          s.add(!X(m.send));
        } else {
          s.add(z3::implies(X(m.send), X(freed) && O(freed) <= O(m.send)));
        }
      }
      if (t_.events[m.send].parked && scope(m.send) == Scope::fixed && t_.events[m.send].completion != none &&
          scope(t_.events[m.send].completion) == Scope::var) {
        s.add(X(t_.events[m.send].completion));
      }
    }
    if (c.capacity > 0) {
      for (std::size_t k = 0; k < ms.size(); ++k) {
        const int kk = static_cast<int>(k);
        s.add(X(ms[k].send) == (sent_[ch] > kk));
        s.add((ms[k].recv == none ? c_.bool_val(false) : X(ms[k].recv)) == (received_[ch] > kk));
      }
      s.add(sent_[ch] >= 0 && received_[ch] >= 0 && sent_[ch] <= static_cast<int>(ms.size()) &&
            received_[ch] <= static_cast<int>(ms.size()));
    }
    // close: after every executed send; before the receives that saw it,
    // which come after every message was received.
    for (std::size_t cl : c.closes) {
      if (scope(cl) != Scope::var) continue;
      for (const Message& m : ms) {
        if (scope(m.send) == Scope::var) s.add(z3::implies(X(m.send) && X(cl), O(m.send) < O(cl)));
      }
    }
    for (std::size_t r : c.closed_recvs) {
      if (scope(r) != Scope::var) continue;
      const std::size_t cl = t_.events[r].close;
      z3::expr_vector need(c_);
      if (cl == none) {
        need.push_back(c_.bool_val(false));
      } else {
        need.push_back(X(cl) && O(cl) < O(r));
      }
      for (const Message& m : ms) {
        if (scope(m.send) == Scope::fixed && m.recv != none && scope(m.recv) == Scope::fixed) continue;
        if (m.recv == none) {
          need.push_back(!X(m.send));
        } else {
          need.push_back(z3::implies(X(m.send), X(m.recv) && O(m.recv) < O(r)));
        }
      }
      s.add(z3::implies(X(r), z3::mk_and(need)));
    }
  }
}

void WindowEncoding::add_waitgroups(z3::solver& s) {
  for (ObjectId o = 0; o < t_.object_kinds.size(); ++o) {
    if (t_.object_kinds[o] != "waitgroup") continue;
    for (std::size_t w : t_.obj_events[o]) {
      if (t_.events[w].op != OpKind::wg_wait || scope(w) != Scope::var) continue;
      std::int64_t fixed = 0;
      z3::expr sum = c_.int_val(0);
      for (std::size_t a : t_.obj_events[o]) {
        const TEvent& ev = t_.events[a];
        if (ev.op != OpKind::wg_add) continue;
        if (scope(a) == Scope::fixed) {
          fixed += ev.value;
        } else if (scope(a) == Scope::var) {
          sum = sum + z3::ite(X(a) && O(a) < O(w), c_.int_val(ev.value), c_.int_val(0));
        }
      }
      s.add(z3::implies(X(w), sum + c_.int_val(fixed) == 0));
    }
  }
}

void WindowEncoding::add_frozen(z3::solver& s) {
  for (ObjectId o = 0; o < t_.object_kinds.size(); ++o) {
    if (!t_.frozen_obj[o]) continue;
    std::size_t prev = none;
    for (std::size_t e : t_.obj_events[o]) {
      if (scope(e) == Scope::out) continue;
      if (prev != none && scope(e) == Scope::var) s.add(z3::implies(X(e), X(prev) && O(prev) < O(e)));
      prev = e;
    }
  }
  // Parks on frozen channels and selects: the completion comes after the
  // park, and the parked goroutine moves on only after the completion.
  for (std::size_t p = 0; p < t_.picks; ++p) {
    const TEvent& ev = t_.events[p];
    if (!ev.parked || ev.tail || ev.completion == none) continue;
    const bool frozen =
        ev.op == OpKind::select || (ev.obj != no_object && t_.frozen_obj[ev.obj]) || ev.close != none;
    if (!frozen) continue;
    const std::size_t c = ev.completion;
    if (scope(c) == Scope::var) s.add(z3::implies(X(c), X(p) && O(p) < O(c)));
    if (scope(p) == Scope::fixed && scope(c) == Scope::var) s.add(X(c));
    const auto& seq = t_.by_g[ev.g];
    if (ev.pos + 1 < seq.size()) {
      const std::size_t next = seq[ev.pos + 1];
      if (scope(next) == Scope::var) s.add(z3::implies(X(next), X(c) && O(c) < O(next)));
    }
  }
}

z3::expr WindowEncoding::formula(const Query& q) {
  switch (q.kind) {
    case Query::Kind::lost_update:
      return X(q.w1) && X(q.w2) && O(q.r1) < O(q.w2) && O(q.r2) < O(q.w1);
    case Query::Kind::deadlock: {
      if (!q.blocked_at.empty()) {
        z3::expr f = c_.bool_val(true);
        for (std::size_t e : q.blocked_at) f = f && exists(t_.events[e].g) && at(e) && blocked_at(e);
        return f;
      }
      return quiescent() && blocked(0);
    }
    case Query::Kind::leak: {
      z3::expr_vector some(c_);
      for (GoroutineId g = 1; g < t_.by_g.size(); ++g) some.push_back(exists(g) && blocked(g));
      return quiescent() && done(0) && (some.empty() ? c_.bool_val(false) : z3::mk_or(some));
    }
  }
  return c_.bool_val(false);
}

void WindowEncoding::keep_literals(const Query& q, z3::expr_vector& out) const {
  for (std::size_t i = 0; i < guarded_reads_.size(); ++i) {
    const std::size_t r = guarded_reads_[i];
    if (q.kind == Query::Kind::lost_update && (r == q.r1 || r == q.r2)) continue;
    out.push_back(keep_[i]);
  }
}

std::vector<std::size_t> WindowEncoding::order(const z3::model& m, const Query& q) const {
  std::vector<std::pair<std::int64_t, std::size_t>> ev;
  std::vector<std::int64_t> count(count_.size());
  for (std::size_t g = 0; g < count_.size(); ++g) count[g] = m.eval(count_[g], true).get_numeral_int64();
  for (std::size_t e = 0; e < t_.picks; ++e) {
    if (scope_[e] == Scope::fixed) {
      ev.emplace_back(static_cast<std::int64_t>(e), e);
    } else if (scope_[e] == Scope::var &&
               static_cast<std::int64_t>(t_.events[e].pos) < count[t_.events[e].g]) {
      ev.emplace_back(m.eval(order_[static_cast<std::size_t>(var_of_[e])], true).get_numeral_int64(), e);
    }
  }
  std::sort(ev.begin(), ev.end());
  std::vector<std::size_t> out;
  for (auto& [o, e] : ev) out.push_back(e);
  if (q.kind == Query::Kind::lost_update) {
    std::size_t last = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == q.w1 || out[i] == q.w2) last = i;
    }
    out.resize(std::min(out.size(), last + 1));
  }
  return out;
}

}  // namespace weft::predict
