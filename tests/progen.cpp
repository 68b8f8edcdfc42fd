#include "progen.h"

#include <memory>

#include "weft/strategy.h"
#include "weft/weft.h"

namespace weft::progen {

namespace {

Instr leaf(check::Rng& rng, int depth) {
  Instr i;
  const std::size_t ops = depth > 0 ? Instr::count_ : Instr::locked;  // nested bodies stay simple
  i.op = static_cast<Instr::Op>(rng.below(ops));
  if (i.op == Instr::loop && depth > 0) i.op = Instr::inc;
  i.a = static_cast<int>(rng.below(2));
  i.b = static_cast<int>(rng.below(3));
  if (i.op == Instr::locked || i.op == Instr::loop) {
    const std::size_t n = 1 + rng.below(2);
    for (std::size_t k = 0; k < n; ++k) i.body.push_back(leaf(rng, 0));
  }
  return i;
}

const char* names[] = {"load",   "store",       "inc",          "atomic_add", "atomic_cas", "atomic_load",
                       "locked", "read_locked", "write_locked", "send",       "recv",       "close",
                       "select", "once",        "choice",       "loop",       "cond_wait",  "cond_signal"};

void print(const Instr& i, std::string& out, int indent) {
  out += std::string(static_cast<std::size_t>(indent), ' ') + names[i.op] + " a=" + std::to_string(i.a) +
         " b=" + std::to_string(i.b) + "\n";
  for (const Instr& j : i.body) print(j, out, indent + 2);
}

struct World {
  World(std::size_t cap)
      : s0("s0", 0),
        s1("s1", 0),
        flag("flag", 0),
        at("at", 0),
        mu("mu"),
        rw("rw"),
        ch("ch", cap),
        once("once"),
        cond(mu, "cond"),
        wg("wg") {}
  Shared<int> s0;
  Shared<int> s1;
  Shared<int> flag;
  Atomic<int> at;
  Mutex mu;
  RWMutex rw;
  Chan<int> ch;
  Once once;
  Cond cond;
  WaitGroup wg;
  const Shared<int>& s(int a) const { return a == 0 ? s0 : s1; }
};

void exec(const World& w, const Instr& i, int& acc) {
  switch (i.op) {
    case Instr::load:
      acc += w.s(i.a).load();
      break;
    case Instr::store:
      w.s(i.a).store(acc + i.b);
      break;
    case Instr::inc:
      w.s(i.a)++;
      break;
    case Instr::atomic_add:
      (void)w.at.fetch_add(i.b);
      break;
    case Instr::atomic_cas:
      (void)w.at.compare_and_swap(i.b, i.b + 1);
      break;
    case Instr::atomic_load:
      acc += w.at.load();
      break;
    case Instr::locked:
      w.mu.lock();
      for (const Instr& j : i.body) exec(w, j, acc);
      w.mu.unlock();
      break;
    case Instr::read_locked:
      w.rw.rlock();
      acc += w.s(i.a).load();
      w.rw.runlock();
      break;
    case Instr::write_locked:
      w.rw.lock();
      w.s(i.a).store(i.b);
      w.rw.unlock();
      break;
    case Instr::send:
      w.ch.send(i.b);
      break;
    case Instr::recv:
      acc += w.ch.recv();
      break;
    case Instr::close:
      w.ch.close();
      break;
    case Instr::select:
      if (i.a != 0) {
        weft::select(weft::recv_case(w.ch, [&](int v) { acc += v; }), weft::send_case(w.ch, i.b),
                     weft::default_case());
      } else {
        weft::select(weft::recv_case(w.ch, [&](int v) { acc += v; }), weft::send_case(w.ch, i.b));
      }
      break;
    case Instr::once:
      w.once.do_([&] { w.s(i.a).store(i.b); });
      break;
    case Instr::choice:
      w.s(i.a).store(static_cast<int>(weft::choose(2)));
      break;
    case Instr::loop:
      for (int k = 0; k < 2; ++k) {
        for (const Instr& j : i.body) exec(w, j, acc);
      }
      break;
    case Instr::cond_wait:
      w.mu.lock();
      if (w.flag.load() == 0) w.cond.wait();
      w.mu.unlock();
      break;
    case Instr::cond_signal:
      w.mu.lock();
      w.flag.store(1);
      if (i.a != 0) {
        w.cond.broadcast();
      } else {
        w.cond.signal();
      }
      w.mu.unlock();
      break;
    case Instr::count_:
      break;
  }
}

}  // namespace

Program generate(std::uint64_t seed) {
  check::Rng rng(seed);
  Program p;
  p.capacity = rng.below(3);
  p.join = rng.below(2) == 0;
  const std::size_t n = 2 + rng.below(3);
  for (std::size_t g = 0; g < n; ++g) {
    std::vector<Instr> body;
    const std::size_t len = 1 + rng.below(n > 2 ? 2 : 3);
    for (std::size_t k = 0; k < len; ++k) body.push_back(leaf(rng, 1));
    p.goroutines.push_back(std::move(body));
  }
  return p;
}

std::string to_string(const Program& p) {
  std::string out =
      "program: channel capacity " + std::to_string(p.capacity) + (p.join ? ", main joins\n" : "\n");
  for (std::size_t g = 0; g < p.goroutines.size(); ++g) {
    out += "goroutine " + std::to_string(g + 1) + ":\n";
    for (const Instr& i : p.goroutines[g]) print(i, out, 2);
  }
  return out;
}

void run(const Program& p) {
  auto w = std::make_shared<World>(p.capacity);
  if (p.join) w->wg.add(static_cast<int>(p.goroutines.size()));
  for (const auto& body : p.goroutines) {
    weft::go([w, body, join = p.join] {
      int acc = 0;
      for (const Instr& i : body) exec(*w, i, acc);
      if (join) w->wg.done();
    });
  }
  if (p.join) w->wg.wait();
}

}  // namespace weft::progen

#include <map>

#include "weft/detectors.h"
#include "weft/report.h"

namespace weft::progen {

namespace {

// The last value written to each variable, from the events.
class FinalValues final : public Observer {
 public:
  void on_event(Execution&, const Event& e) override {
    const bool write = e.op == OpKind::store || e.op == OpKind::atomic_store || e.op == OpKind::atomic_rmw ||
                       (e.op == OpKind::atomic_cas && !e.is(Event::not_ok));
    if (write && e.is(Event::has_value)) last_[e.obj] = e.value;
  }
  std::string text() const {
    std::string out;
    for (const auto& [obj, v] : last_) out += " o" + std::to_string(obj) + "=" + std::to_string(v);
    return out;
  }

 private:
  std::map<ObjectId, std::int64_t> last_;
};

}  // namespace

Outcomes explore(const Program& p, const std::string& strategy, std::uint64_t max_executions) {
  Outcomes out;
  check::CheckOptions o;
  o.strategy = strategy;
  std::unique_ptr<check::Strategy> s = check::make_strategy(o);
  detail::StackPool pool(256 * 1024);
  ExecutionOptions eo;
  eo.max_steps = 2000;
  while (true) {
    if (out.executions >= max_executions) return out;
    if (!s->next()) break;
    Execution x(*s, pool, eo);
    check::RaceDetector race;
    check::LostUpdateDetector lost;
    FinalValues values;
    x.add_observer(&race);
    x.add_observer(&lost);
    x.add_observer(&values);
    ExecutionResult r = x.run([&p] { run(p); });
    if (!s->error().empty()) throw std::runtime_error(s->error());
    if (s->blocked_last()) {
      ++out.blocked;
      continue;
    }
    ++out.executions;
    std::set<std::string> kinds;
    for (const auto* list : {&race.issues(), &lost.issues()}) {
      for (const check::DetectedIssue& i : *list) kinds.insert(std::string(finding_name(i.kind)));
    }
    if (r.end) kinds.insert(std::string(finding_name(*r.end)));
    std::string line = "findings:";
    for (const std::string& k : kinds) line += " " + k;
    line += " | values:" + values.text() + " | blocked:";
    for (const WaitInfo& w : r.blocked) line += " g" + std::to_string(w.g);
    out.seen.insert(line);
  }
  out.complete = true;
  return out;
}

}  // namespace weft::progen
