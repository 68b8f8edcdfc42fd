// Go semantics, one focused program each. Every program is checked
// exhaustively (DFS), so "ok" means no interleaving breaks it, and a finding
// means some interleaving does. Where a property could hold by accident, a
// sibling program that differs only in the property shows the test can fail.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "weft/check.h"
#include "weft/report_text.h"
#include "weft/weft.h"

namespace {

using weft::Chan;
using weft::FindingKind;
using weft::check::CheckOptions;
using weft::check::Finding;
using weft::check::Report;

Report check(const std::function<void()>& body, CheckOptions o = {}) {
  return weft::check::run_check("inline", body, {}, o);
}

// Explores every execution and collects every distinct finding.
Report check_all(const std::function<void()>& body) {
  CheckOptions o;
  o.all = true;
  return check(body, o);
}

const Finding* find(const Report& r, FindingKind k) {
  for (const Finding& f : r.findings) {
    if (f.kind == k) return &f;
  }
  return nullptr;
}

std::string kinds(const Report& r) {
  std::string out;
  for (const Finding& f : r.findings)
    out += std::string(weft::finding_name(f.kind)) + ": " + f.message + "\n";
  return out.empty() ? "no findings" : out;
}

// Clean: no finding in any interleaving, and every interleaving was explored.
void expect_clean(const Report& r) {
  EXPECT_TRUE(r.findings.empty()) << kinds(r);
  EXPECT_TRUE(r.complete) << r.incomplete_reason;
}

void expect_verdict(const Report& r, FindingKind k) {
  ASSERT_TRUE(r.verdict().has_value()) << "expected " << weft::finding_name(k) << ", got no finding";
  EXPECT_EQ(*r.verdict(), k) << kinds(r);
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// --- channels ---

// The sender publishes "sent" right after its send returns. On an unbuffered
// channel the send cannot return before main receives, so main never sees it
// early; with a buffer of one, it can.
std::function<void()> rendezvous_program(std::size_t capacity) {
  return [capacity] {
    Chan<int> ch{"ch", capacity};
    weft::Atomic<int> sent{"sent", 0};
    weft::go([=] {
      ch.send(1);
      sent.store(1);
    });
    weft::expect(sent.load() == 0, "the send completed before anyone received");
    weft::expect(ch.recv() == 1, "the value arrives");
  };
}

TEST(Channels, UnbufferedSendCompletesOnlyWhenReceived) {
  expect_clean(check_all(rendezvous_program(0)));
}

TEST(Channels, BufferedSendCompletesWithoutReceiver) {
  expect_verdict(check(rendezvous_program(1)), FindingKind::assertion);
}

TEST(Channels, BufferIsFifo) {
  expect_clean(check_all([] {
    Chan<int> ch{"ch", 2};
    weft::go([=] {
      for (int i = 1; i <= 4; ++i) ch.send(i);
    });
    for (int i = 1; i <= 4; ++i) weft::expect(ch.recv() == i, "first in, first out");
  }));
}

TEST(Channels, CloseDrainsBufferThenZeroValueAndNotOk) {
  expect_clean(check_all([] {
    Chan<int> ch{"ch", 2};
    ch.send(1);
    ch.send(2);
    ch.close();
    weft::expect(ch.recv_ok() == std::pair(1, true), "first buffered value");
    weft::expect(ch.recv_ok() == std::pair(2, true), "second buffered value");
    weft::expect(ch.recv_ok() == std::pair(0, false), "drained: zero value, not ok");
    weft::expect(ch.recv_ok() == std::pair(0, false), "stays closed");
  }));
}

TEST(Channels, CloseWakesParkedReceiver) {
  expect_clean(check_all([] {
    Chan<int> ch{"ch"};
    weft::go([=] { ch.close(); });
    weft::expect(ch.recv_ok() == std::pair(0, false), "a receive on a closed channel returns at once");
  }));
}

TEST(Channels, RangeEndsAtClose) {
  int runs = 0;
  expect_clean(check_all([&runs] {
    Chan<int> ch{"ch"};
    weft::go([=] {
      for (int i = 1; i <= 3; ++i) ch.send(i);
      ch.close();
    });
    int sum = 0;
    int count = 0;
    for (int v : ch) {
      sum += v;
      ++count;
    }
    weft::expect(sum == 6 && count == 3, "every value, then the loop ends");
    ++runs;
  }));
  EXPECT_GT(runs, 0);
}

TEST(Channels, NilChannelBlocksForever) {
  Report r = check([] {
    auto nil = Chan<int>::nil();
    nil.recv();
  });
  expect_verdict(r, FindingKind::deadlock);
  const Finding* f = find(r, FindingKind::deadlock);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->trace.blocked.size(), 1u);
  EXPECT_EQ(f->trace.blocked[0].op, "recv");
}

TEST(Channels, SendOnClosedPanics) {
  Report r = check([] {
    Chan<int> ch{"ch", 1};
    ch.close();
    ch.send(1);
  });
  expect_verdict(r, FindingKind::panic);
  EXPECT_TRUE(contains(r.findings.back().message, "send on closed channel")) << r.findings.back().message;
}

TEST(Channels, ParkedSenderPanicsWhenChannelCloses) {
  // Either the sender parks and close wakes it, or it finds the channel
  // closed: both end in the same panic.
  Report r = check_all([] {
    Chan<int> ch{"ch"};
    weft::WaitGroup wg{"wg"};
    wg.add(1);
    weft::go([=] {
      ch.send(1);
      wg.done();
    });
    ch.close();
    wg.wait();
  });
  expect_verdict(r, FindingKind::panic);
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.kind, FindingKind::panic);
    EXPECT_TRUE(contains(f.message, "send on closed channel")) << f.message;
  }
}

TEST(Channels, CloseOfClosedPanics) {
  Report r = check([] {
    Chan<int> ch{"ch"};
    ch.close();
    ch.close();
  });
  expect_verdict(r, FindingKind::panic);
  EXPECT_TRUE(contains(r.findings.back().message, "close of closed channel")) << r.findings.back().message;
}

TEST(Channels, CloseOfNilPanics) {
  Report r = check([] { Chan<int>::nil().close(); });
  expect_verdict(r, FindingKind::panic);
  EXPECT_TRUE(contains(r.findings.back().message, "close of nil channel")) << r.findings.back().message;
}

// --- select ---

TEST(Select, EveryReadyCaseIsExplored) {
  std::set<int> fired;
  Report r = check_all([&fired] {
    Chan<int> a{"a", 1};
    Chan<int> b{"b", 1};
    a.send(10);
    b.send(20);
    weft::select(weft::recv_case(a, [&](int v) { fired.insert(v); }),
                 weft::recv_case(b, [&](int v) { fired.insert(v); }));
  });
  expect_clean(r);
  EXPECT_EQ(fired, (std::set<int>{10, 20}));
  EXPECT_EQ(r.stats.executions, 2u);
}

TEST(Select, DefaultRunsWhenNothingIsReady) {
  int defaults = 0;
  int received = 0;
  Report r = check_all([&] {
    Chan<int> ch{"ch"};
    weft::select(weft::recv_case(ch, [&] { ++received; }), weft::default_case([&] { ++defaults; }));
  });
  expect_clean(r);
  EXPECT_EQ(received, 0);
  EXPECT_EQ(defaults, 1);
}

TEST(Select, DefaultIsNotTakenWhenACaseIsReady) {
  int defaults = 0;
  Report r = check_all([&] {
    Chan<int> ch{"ch", 1};
    ch.send(5);
    int got = 0;
    weft::select(weft::recv_case(ch, [&](int v) { got = v; }), weft::default_case([&] { ++defaults; }));
    weft::expect(got == 5, "the ready case fired");
  });
  expect_clean(r);
  EXPECT_EQ(defaults, 0);
}

TEST(Select, ParksUntilAPartnerArrives) {
  expect_clean(check_all([] {
    Chan<int> a{"a"};
    Chan<int> b{"b"};
    weft::go([=] { b.send(7); });
    int got = 0;
    weft::select(weft::recv_case(a, [&](int v) { got = v; }),
                 weft::recv_case(b, [&](int v) { got = v + 100; }));
    weft::expect(got == 107, "the case whose partner came fired");
  }));
}

TEST(Select, OnlyNilCasesBlockForever) {
  Report r = check([] {
    auto nil = Chan<int>::nil();
    weft::select(weft::recv_case(nil));
  });
  expect_verdict(r, FindingKind::deadlock);
}

TEST(Select, WithNoCasesBlocksForeverAndSaysSo) {
  Report r = check([] { weft::select_forever(); });
  expect_verdict(r, FindingKind::deadlock);
  const Finding* f = find(r, FindingKind::deadlock);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->trace.blocked.size(), 1u);
  EXPECT_TRUE(contains(f->trace.blocked[0].reason, "no cases")) << f->trace.blocked[0].reason;
  EXPECT_EQ(weft::check::go_wait_reason(f->trace.blocked[0]), "select (no cases)");
  // A select whose cases are all nil channels is an ordinary select in Go's dump.
  Report nil_cases = check([] { weft::select(weft::recv_case(Chan<int>::nil())); });
  const Finding* g = find(nil_cases, FindingKind::deadlock);
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(g->trace.blocked.size(), 1u);
  EXPECT_EQ(weft::check::go_wait_reason(g->trace.blocked[0]), "select");
}

// --- mutexes ---

TEST(Mutex, IsNotReentrant) {
  Report r = check([] {
    weft::Mutex mu{"mu"};
    mu.lock();
    mu.lock();
  });
  expect_verdict(r, FindingKind::deadlock);
  const Finding* f = find(r, FindingKind::deadlock);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->trace.blocked.size(), 1u);
  EXPECT_TRUE(contains(f->trace.blocked[0].reason, "not reentrant")) << f->trace.blocked[0].reason;
}

TEST(Mutex, UnlockOfUnlockedIsFatal) {
  Report r = check([] {
    weft::Mutex mu{"mu"};
    mu.unlock();
  });
  expect_verdict(r, FindingKind::panic);
  EXPECT_TRUE(contains(r.findings.back().message, "unlock of unlocked mutex")) << r.findings.back().message;
}

TEST(Mutex, DeadlockNamesTheHolder) {
  Report r = check([] {
    weft::Mutex mu{"mu"};
    mu.lock();
    weft::go([=] { mu.lock(); });
    Chan<int>::nil().recv();
  });
  expect_verdict(r, FindingKind::deadlock);
  const Finding* f = find(r, FindingKind::deadlock);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->trace.blocked.size(), 2u);
  const auto& child = f->trace.blocked[1];
  EXPECT_EQ(child.g, 1u);
  EXPECT_EQ(child.holders, std::vector<weft::GoroutineId>{0});
  EXPECT_TRUE(contains(child.reason, "held by goroutine 0")) << child.reason;
}

// A reader takes RLock twice. Alone that is fine; with a writer whose Lock
// arrives between the two RLocks, the writer waits for the first read lock
// and the second RLock waits for the writer.
std::function<void()> nested_rlock_program(bool with_writer) {
  return [with_writer] {
    weft::RWMutex rw{"rw"};
    weft::WaitGroup wg{"wg"};
    wg.add(with_writer ? 2 : 1);
    weft::go([=] {
      rw.rlock();
      rw.rlock();
      rw.runlock();
      rw.runlock();
      wg.done();
    });
    if (with_writer) {
      weft::go([=] {
        rw.lock();
        rw.unlock();
        wg.done();
      });
    }
    wg.wait();
  };
}

TEST(RWMutex, NestedRLockAloneIsFine) {
  expect_clean(check_all(nested_rlock_program(false)));
}

TEST(RWMutex, PendingWriterBlocksNewReaders) {
  Report r = check(nested_rlock_program(true));
  expect_verdict(r, FindingKind::deadlock);
  const Finding* f = find(r, FindingKind::deadlock);
  ASSERT_NE(f, nullptr);
  // The writer announced itself (a blocked rw_lock) between the reader's two RLocks.
  std::vector<std::string> order;
  for (const auto& e : f->trace.events) {
    if (e.op == "rlock" || e.op == "wlock") order.push_back(std::to_string(e.g) + e.op);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"1rlock", "2wlock"})) << "then the second RLock never happens";
  bool nested = false;
  for (const auto& b : f->trace.blocked) nested = nested || contains(b.reason, "nested RLock");
  EXPECT_TRUE(nested);
}

TEST(RWMutex, ReadersShareWritersExclude) {
  expect_clean(check_all([] {
    weft::RWMutex rw{"rw"};
    weft::Shared<int> x{"x", 0};
    weft::WaitGroup wg{"wg"};
    wg.add(3);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        rw.rlock();
        x.load();
        rw.runlock();
        wg.done();
      });
    }
    weft::go([=] {
      rw.lock();
      x.store(x.load() + 1);
      rw.unlock();
      wg.done();
    });
    wg.wait();
    weft::expect(x.load() == 1, "one write");
  }));
}

// --- Cond ---

// The waiter checks its predicate in a loop under the lock, as Go's docs ask.
std::function<void()> cond_program(int waiters, bool broadcast) {
  return [=] {
    weft::Mutex mu{"mu"};
    weft::Cond cond{mu, "cond"};
    weft::Shared<bool> ready{"ready", false};
    weft::WaitGroup wg{"wg"};
    wg.add(waiters);
    for (int i = 0; i < waiters; ++i) {
      weft::go([=] {
        mu.lock();
        while (!ready.load()) cond.wait();
        mu.unlock();
        wg.done();
      });
    }
    mu.lock();
    ready.store(true);
    if (broadcast) {
      cond.broadcast();
    } else {
      cond.signal();
    }
    mu.unlock();
    wg.wait();
  };
}

TEST(Cond, SignalWakesTheWaiter) {
  expect_clean(check_all(cond_program(1, false)));
}

TEST(Cond, BroadcastWakesEveryWaiter) {
  expect_clean(check_all(cond_program(2, true)));
}

TEST(Cond, OneSignalLeavesTheSecondWaiterAsleep) {
  Report r = check(cond_program(2, false));
  expect_verdict(r, FindingKind::deadlock);
}

TEST(Cond, SignalIsNotRemembered) {
  // The waiter waits without checking a predicate: if the signal comes first,
  // nobody is there to receive it and the waiter sleeps forever.
  Report r = check([] {
    weft::Mutex mu{"mu"};
    weft::Cond cond{mu, "cond"};
    weft::WaitGroup wg{"wg"};
    wg.add(1);
    weft::go([=] {
      mu.lock();
      cond.wait();
      mu.unlock();
      wg.done();
    });
    cond.signal();
    wg.wait();
  });
  expect_verdict(r, FindingKind::deadlock);
}

TEST(Cond, WorksOverAnRLocker) {
  expect_clean(check_all([] {
    weft::RWMutex rw{"rw"};
    weft::RLocker reader = rw.rlocker();
    weft::Cond cond{reader, "cond"};
    weft::Shared<bool> ready{"ready", false};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        reader.lock();
        while (!ready.load()) cond.wait();
        reader.unlock();
        wg.done();
      });
    }
    rw.lock();
    ready.store(true);
    rw.unlock();
    cond.broadcast();
    wg.wait();
  }));
}

// --- Once and WaitGroup ---

TEST(Once, RunsItsFunctionOnce) {
  expect_clean(check_all([] {
    weft::Once once{"once"};
    weft::Shared<int> inits{"inits", 0};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        once.do_([=] { inits.store(inits.load() + 1); });
        // Do returns only after the function finished, in every caller.
        weft::expect(inits.load() == 1, "initialised exactly once, before Do returns");
        wg.done();
      });
    }
    wg.wait();
    weft::expect(inits.load() == 1, "initialised exactly once");
  }));
}

TEST(WaitGroup, NegativeCounterPanics) {
  Report r = check([] {
    weft::WaitGroup wg{"wg"};
    wg.done();
  });
  expect_verdict(r, FindingKind::panic);
  EXPECT_TRUE(contains(r.findings.back().message, "negative WaitGroup counter")) << r.findings.back().message;
}

TEST(WaitGroup, WaitBlocksUntilZero) {
  expect_clean(check_all([] {
    weft::WaitGroup wg{"wg"};
    weft::Atomic<int> finished{"finished", 0};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        finished.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
    weft::expect(finished.load() == 2, "both finished before Wait returned");
  }));
}

// --- endings ---

TEST(Endings, GoroutineLeftBlockedAfterMainReturnsLeaks) {
  Report r = check([] {
    Chan<int> ch{"ch"};
    weft::go([=] { ch.recv(); });
  });
  expect_verdict(r, FindingKind::goroutine_leak);
  const Finding* f = find(r, FindingKind::goroutine_leak);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->trace.blocked.size(), 1u);
  EXPECT_EQ(f->trace.blocked[0].g, 1u);
  EXPECT_EQ(f->trace.blocked[0].op, "recv");
}

TEST(Endings, GoroutineFinishingAfterMainReturnsIsNoLeak) {
  expect_clean(check_all([] {
    weft::Atomic<int> x{"x", 0};
    weft::go([=] { x.store(1); });
  }));
}

TEST(Endings, EndlessLoopHitsTheStepLimit) {
  CheckOptions o;
  o.max_steps = 500;
  Report r = check(
      [] {
        weft::Atomic<int> flag{"flag", 0};
        while (flag.load() == 0) {
        }
      },
      o);
  expect_verdict(r, FindingKind::step_limit);
  EXPECT_TRUE(contains(r.findings.back().message, "--max-steps")) << r.findings.back().message;
  EXPECT_EQ(r.findings.back().trace.steps, 500u);
}

TEST(Endings, FailedExpectIsAnAssertion) {
  Report r = check([] { weft::expect(weft::choose(2) == 0, "took the first branch"); });
  expect_verdict(r, FindingKind::assertion);
  EXPECT_EQ(r.findings.back().message, "expectation failed: took the first branch");
}

TEST(Endings, EscapingExceptionIsAPanic) {
  Report r = check([] { weft::go([] { throw std::runtime_error("boom"); }); });
  expect_verdict(r, FindingKind::panic);
  EXPECT_TRUE(contains(r.findings.back().message, "boom")) << r.findings.back().message;
}

// --- weft::make ---

// Counts the T's that weft::make built and destroyed (outside any execution).
struct Tally {
  static inline int made = 0;
  static inline int destroyed = 0;
  explicit Tally(int v) : value(v) { ++made; }
  ~Tally() { ++destroyed; }
  int value;
};

TEST(Make, LivesUntilTheLastGoroutineIsDone) {
  // The goroutine reads the value after main has returned, in some
  // interleavings; one destroyed too early would read freed memory (the
  // ASan build) or a wrong value.
  Tally::made = Tally::destroyed = 0;
  const Report r = check_all([] {
    auto* t = weft::make<Tally>(7);
    weft::Atomic<int> seen{"seen", 0};
    weft::go([=] {
      seen.store(1);
      weft::expect(t->value == 7, "the value is still there");
      weft::expect(Tally::destroyed == Tally::made - 1, "not destroyed while a goroutine can use it");
    });
  });
  expect_clean(r);
  EXPECT_GE(r.stats.executions, 1u);
  EXPECT_EQ(Tally::made, static_cast<int>(r.stats.executions));
  EXPECT_EQ(Tally::destroyed, Tally::made) << "each execution's value is destroyed when it ends";
}

TEST(Make, EachExecutionStartsFromANewValue) {
  const Report r = check_all([] {
    auto* v = weft::make<std::vector<int>>(std::size_t{2}, 0);
    weft::Mutex mu{"mu"};
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        mu.lock();
        (*v)[static_cast<std::size_t>(i)] += 1;
        weft::expect((*v)[static_cast<std::size_t>(i)] == 1, "starts at zero in every execution");
        mu.unlock();
      });
    }
  });
  expect_clean(r);
  EXPECT_GT(r.stats.executions, 1u);
}

TEST(Make, OutsideAnExecutionIsRefused) {
  try {
    (void)weft::make<int>(1);
    FAIL() << "weft::make outside an execution was accepted";
  } catch (const std::exception& e) {
    EXPECT_TRUE(contains(e.what(), "weft::make used outside a running execution")) << e.what();
  }
}

// --- lost updates and data races ---

TEST(LostUpdate, TwoCriticalSectionsLoseAnUpdateWithoutADataRace) {
  Report r = check_all([] {
    weft::Shared<int> balance{"balance", 100};
    weft::Mutex mu{"mu"};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        mu.lock();
        int b = balance.load();
        mu.unlock();
        mu.lock();
        balance.store(b + 10);
        mu.unlock();
        wg.done();
      });
    }
    wg.wait();
  });
  EXPECT_TRUE(r.complete);
  EXPECT_NE(find(r, FindingKind::lost_update), nullptr) << kinds(r);
  EXPECT_EQ(find(r, FindingKind::data_race), nullptr) << kinds(r);
}

TEST(LostUpdate, OneCriticalSectionLosesNothing) {
  expect_clean(check_all([] {
    weft::Shared<int> balance{"balance", 100};
    weft::Mutex mu{"mu"};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        mu.lock();
        balance += 10;
        mu.unlock();
        wg.done();
      });
    }
    wg.wait();
    weft::expect(balance.load() == 120, "both deposits");
  }));
}

TEST(DataRace, UnorderedStoreAndLoadRace) {
  Report r = check([] {
    weft::Shared<int> x{"x", 0};
    weft::go([=] { x.store(1); });
    x.load();
  });
  expect_verdict(r, FindingKind::data_race);
  const Finding* f = find(r, FindingKind::data_race);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->object, "x");
  EXPECT_EQ(f->locations.size(), 2u);
}

TEST(DataRace, StoreAfterTheSendIsNotOrdered) {
  Report r = check([] {
    weft::Shared<int> x{"x", 0};
    Chan<int> ch{"ch"};
    weft::go([=] {
      ch.send(0);
      x.store(1);
    });
    ch.recv();
    x.load();
  });
  expect_verdict(r, FindingKind::data_race);
}

TEST(DataRace, NotReportedWhenOrderedByUnbufferedChannel) {
  expect_clean(check_all([] {
    weft::Shared<int> x{"x", 0};
    Chan<int> ch{"ch"};
    weft::go([=] {
      x.store(1);
      ch.send(0);
    });
    ch.recv();
    weft::expect(x.load() == 1, "published before the send");
  }));
}

TEST(DataRace, NotReportedWhenOrderedByBufferedChannel) {
  expect_clean(check_all([] {
    weft::Shared<int> x{"x", 0};
    Chan<int> ch{"ch", 1};
    weft::go([=] {
      x.store(1);
      ch.send(0);
    });
    ch.recv();
    weft::expect(x.load() == 1, "published before the send");
  }));
}

TEST(DataRace, NotReportedWhenOrderedByClose) {
  expect_clean(check_all([] {
    weft::Shared<int> x{"x", 0};
    Chan<int> done{"done"};
    weft::go([=] {
      x.store(1);
      done.close();
    });
    done.recv_ok();
    x.load();
  }));
}

TEST(DataRace, NotReportedWhenOrderedByMutex) {
  expect_clean(check_all([] {
    weft::Shared<int> x{"x", 0};
    weft::Mutex mu{"mu"};
    weft::WaitGroup wg{"wg"};
    wg.add(1);
    weft::go([=] {
      mu.lock();
      x.store(1);
      mu.unlock();
      wg.done();
    });
    mu.lock();
    x.load();
    mu.unlock();
    wg.wait();
  }));
}

TEST(DataRace, NotReportedWhenOrderedByWaitGroup) {
  expect_clean(check_all([] {
    weft::Shared<int> x{"x", 0};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        if (i == 0) x.store(1);
        wg.done();
      });
    }
    wg.wait();
    x.load();
  }));
}

TEST(DataRace, NotReportedWhenOrderedBySpawn) {
  expect_clean(check_all([] {
    weft::Shared<int> x{"x", 0};
    x.store(1);
    weft::go([=] { weft::expect(x.load() == 1, "the child sees its parent's write"); });
  }));
}

TEST(DataRace, NotReportedWhenOrderedByAtomics) {
  expect_clean(check_all([] {
    weft::Shared<int> x{"x", 0};
    weft::Atomic<int> flag{"flag", 0};
    weft::go([=] {
      x.store(1);
      flag.store(1);
    });
    if (flag.load() == 1) weft::expect(x.load() == 1, "published before the flag");
  }));
}

TEST(DataRace, AtomicsNeverRace) {
  expect_clean(check_all([] {
    weft::Atomic<int> n{"n", 0};
    weft::WaitGroup wg{"wg"};
    wg.add(2);
    for (int i = 0; i < 2; ++i) {
      weft::go([=] {
        n.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
    weft::expect(n.load() == 2, "atomic increments are not lost");
  }));
}

}  // namespace
