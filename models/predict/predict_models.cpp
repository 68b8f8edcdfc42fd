// Programs whose bug hides in a narrow window of a long execution: random
// testing meets it by luck, exhaustive search drowns in the interleavings of
// the unrelated traffic, and prediction from one ordinary execution finds it
// (docs/prediction.md).
#define WEFT_MODEL_GROUP "predict"
#include <string>
#include <vector>

#include "weft/weft.h"

using weft::Expect;
using weft::FindingKind;

namespace {

// Unrelated work: `steps` visible operations on a variable nobody else touches.
void busy(const weft::Shared<int>& own, std::int64_t steps) {
  for (std::int64_t i = 0; i < steps; ++i) own.store(static_cast<int>(i));
}

}  // namespace

// source -> stage 1 -> ... -> stage n -> main, over buffered channels. Stage
// 1 counts the batch as started once it has passed its first item on; the
// last stage counts it once its first item arrives. Both do an unlocked
// count++, but the item has to cross every stage in between first, so the
// two increments overlap only if stage 1 is held up between its load and its
// store for the whole trip.
WEFT_MODEL(pipeline_count, "a long pipeline; two far-apart stages do an unlocked count++",
           Expect::finds(FindingKind::lost_update), {"stages", 8, "pipeline stages", 3, 64},
           {"items", 20, "items through the pipeline", 1, 10000}) {
  const auto stages = static_cast<std::size_t>(weft::param("stages"));
  const auto items = weft::param("items");
  const auto cap = static_cast<std::size_t>(items);
  weft::Shared<int> count{"count", 0};
  std::vector<weft::Chan<int>> ch;
  ch.reserve(stages + 1);
  for (std::size_t i = 0; i <= stages; ++i) ch.emplace_back("c" + std::to_string(i), cap);
  weft::go([=] {
    for (std::int64_t v = 0; v < items; ++v) ch[0].send(static_cast<int>(v));
    ch[0].close();
  });
  for (std::size_t s = 1; s <= stages; ++s) {
    weft::go([=] {
      bool first = true;
      for (int v : ch[s - 1]) {
        if (first && s == stages) count++;  // the batch reached the end
        ch[s].send(v + 1);
        if (first && s == 1) count++;  // the batch left the first stage
        first = false;
      }
      ch[s].close();
    });
  }
  int received = 0;
  for (int v : ch[stages]) received += v > 0 ? 1 : 0;
  weft::expect(received == items, "every item arrives");
}

// Goroutine `early` takes a then b right away; goroutine `late` takes b then
// a, but only after a long stretch of unrelated work. They deadlock only if
// `early` stalls between its two locks for that whole stretch.
WEFT_MODEL(lock_inversion_far, "a lock-order inversion between two goroutines, far apart in time",
           Expect::finds(FindingKind::deadlock),
           {"gap", 8, "unrelated steps before the second order", 0, 100000},
           {"workers", 3, "goroutines doing unrelated work", 0, 64},
           {"work", 60, "unrelated steps per worker", 0, 100000}) {
  const auto gap = weft::param("gap");
  const auto workers = weft::param("workers");
  const auto work = weft::param("work");
  weft::Mutex a{"a"};
  weft::Mutex b{"b"};
  weft::WaitGroup wg{"wg"};
  wg.add(static_cast<int>(2 + workers));
  for (std::int64_t w = 0; w < workers; ++w) {
    weft::go([=] {
      weft::Shared<int> own{"work" + std::to_string(w), 0};
      busy(own, work);
      wg.done();
    });
  }
  weft::go([=] {  // early
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
    wg.done();
  });
  weft::go([=] {  // late
    weft::Shared<int> own{"late_work", 0};
    busy(own, gap);
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
    wg.done();
  });
  wg.wait();
}

namespace {

struct Account {
  weft::Mutex mu;
  weft::Shared<int> balance;
  Account(const std::string& name, int initial) : mu(name + ".mu"), balance(name, initial) {}
};

// Locks the two accounts in argument order: from, then to.
void transfer(std::vector<Account>& acct, std::size_t from, std::size_t to, int amount) {
  acct[from].mu.lock();
  acct[to].mu.lock();
  acct[from].balance.store(acct[from].balance.load() - amount);
  acct[to].balance.store(acct[to].balance.load() + amount);
  acct[to].mu.unlock();
  acct[from].mu.unlock();
}

}  // namespace

// n accounts. Teller 0 moves money from account 0 to account 1 right away;
// the other tellers move money between accounts 2..n-1, always lower to
// higher; the auditor first checks its ledger for a while, then refunds from
// account 1 to account 0. Each transfer locks its two accounts in argument
// order, so the refund takes them against teller 0's order: they deadlock
// only if teller 0 sits between its two locks for the whole audit.
WEFT_MODEL(bank_transfer, "transfers lock the two accounts in argument order; one refund goes the other way",
           Expect::finds(FindingKind::deadlock), {"n", 6, "accounts", 3, 64},
           {"audit", 8, "ledger steps before the refund", 0, 100000},
           {"rounds", 4, "transfers per teller", 1, 1000}) {
  const auto n = static_cast<std::size_t>(weft::param("n"));
  const auto audit = weft::param("audit");
  const auto rounds = weft::param("rounds");
  auto* accounts = weft::make<std::vector<Account>>();  // shared by every goroutine of this execution
  accounts->reserve(n);
  for (std::size_t i = 0; i < n; ++i) accounts->emplace_back("acct" + std::to_string(i), 100);
  weft::WaitGroup wg{"wg"};
  wg.add(static_cast<int>(n - 1));
  weft::go([=] {  // teller 0
    transfer(*accounts, 0, 1, 5);
    wg.done();
  });
  for (std::size_t i = 2; i + 1 < n; ++i) {
    weft::go([=] {
      for (std::int64_t r = 0; r < rounds; ++r)
        transfer(*accounts, i, i + 1 + static_cast<std::size_t>(r) % (n - i - 1), 1);
      wg.done();
    });
  }
  weft::go([=] {  // the auditor: a refund after the audit
    weft::Shared<int> ledger{"ledger", 0};
    busy(ledger, audit);
    transfer(*accounts, 1, 0, 5);
    wg.done();
  });
  wg.wait();
  int total = 0;
  for (std::size_t i = 0; i < n; ++i) total += (*accounts)[i].balance.load();
  weft::expect(total == static_cast<int>(100 * n), "money is neither made nor lost");
}
