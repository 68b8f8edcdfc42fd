// Source-set DPOR with sleep sets over weft's steps.
//
// A step is what happens between two picks: the picked goroutine's
// operation, including its choices and the completions it hands to parked
// partners. Each step is summarised by the objects it accessed (the
// dependency table, weft/dependency.h) and gets a vector clock: the steps it
// depends on, transitively. Two steps race when they conflict, belong to
// different goroutines and nothing between them orders them. For every race
// the state before the earlier step must also try one goroutine that can
// start the reversed order (a "source set" element); a goroutine that waits
// at a disabled operation (a Lock of a held mutex) races like an executed
// step, so operations that enable or disable each other are never missed.
// Sleep sets keep any two complete executions from being equivalent.
//
// Optimal mode (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014 and JACM 2017)
// replaces the backtrack set by a wakeup tree per scheduling point: for a race
// it records not one goroutine but the whole sequence v that reverses it (the
// steps after the earlier one that do not depend on it, then the racing
// operation), unless a sequence already in the tree or a sleeping goroutine
// covers v. Exploring the tree's sequences before anything else is what
// keeps an execution from ending with every goroutine asleep.
#include "weft/dpor.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <thread>
#include <utility>

namespace weft::check {

namespace {

// A vector clock: per goroutine, 1 + the index of its latest step that
// happened before. Every step copies one (its goroutine's, into its node)
// and most programs have a few goroutines, so up to `inline_n` entries live
// in the object itself: a copy is then a fixed-size move of its bytes, not
// a vector assignment and a memmove call (3-4% of a DPOR search's
// instructions went to those). Larger clocks live on the heap.
class Clock {
 public:
  static constexpr std::uint32_t inline_n = 24;
  std::size_t size() const { return n_; }
  std::uint32_t* data() { return n_ <= inline_n ? small_.data() : big_.data(); }
  const std::uint32_t* data() const { return n_ <= inline_n ? small_.data() : big_.data(); }
  std::uint32_t& operator[](std::size_t i) { return data()[i]; }
  std::uint32_t operator[](std::size_t i) const { return data()[i]; }
  std::uint32_t* begin() { return data(); }
  std::uint32_t* end() { return data() + n_; }
  void clear() { n_ = 0; }
  // Grows to n entries, the new ones zero (a clock only ever grows, until clear()).
  void grow(std::size_t n) {
    const auto m = static_cast<std::uint32_t>(n);
    if (m <= n_) return;
    if (m <= inline_n) {
      std::fill(small_.begin() + n_, small_.begin() + m, 0);
    } else if (n_ <= inline_n) {
      big_.assign(small_.begin(), small_.begin() + n_);
      big_.resize(m, 0);
    } else {
      big_.resize(m, 0);
    }
    n_ = m;
  }
  Clock() = default;
  Clock(const Clock& o) { *this = o; }
  Clock& operator=(const Clock& o) {
    if (o.n_ <= inline_n) {
      small_ = o.small_;  // the entries past n_ too: a fixed size copies fastest
    } else {
      big_.assign(o.big_.begin(), o.big_.end());
    }
    n_ = o.n_;
    return *this;
  }
  Clock(Clock&& o) noexcept { *this = std::move(o); }
  Clock& operator=(Clock&& o) noexcept {  // leaves o empty
    if (o.n_ <= inline_n) {
      small_ = o.small_;
    } else {
      big_ = std::move(o.big_);
    }
    n_ = std::exchange(o.n_, 0);
    return *this;
  }

 private:
  std::uint32_t n_ = 0;
  std::array<std::uint32_t, inline_n> small_{};
  std::vector<std::uint32_t> big_;  // the entries when n_ > inline_n
};

void join(Clock& into, const Clock& from) {
  into.grow(from.size());
  std::uint32_t* to = into.data();
  const std::uint32_t* f = from.data();
  for (std::size_t i = 0, n = from.size(); i < n; ++i) to[i] = std::max(to[i], f[i]);
}

std::uint32_t at(const Clock& c, GoroutineId g) {
  return g < c.size() ? c[g] : 0;
}

bool contains(const std::vector<GoroutineId>& v, GoroutineId g) {
  return std::find(v.begin(), v.end(), g) != v.end();
}

struct Sleeper {
  GoroutineId g;
  StepAccesses acc;  // the step it takes from here (all its variants)
};

bool asleep(const std::vector<Sleeper>& sleep, GoroutineId g) {
  return std::any_of(sleep.begin(), sleep.end(), [g](const Sleeper& s) { return s.g == g; });
}

struct Choice {
  std::uint32_t n;
  std::uint32_t taken;
};

// A wakeup tree: the sequences still to explore from a scheduling point,
// leftmost first, sharing prefixes. A node is one step: a goroutine and what
// that step accessed when the sequence was recorded.
//
// The nodes of all the trees of a search live in one pool (Wuts) and link to
// each other by index: a tree is the index of its first branch, siblings are
// chained left to right. Sequences are recorded, taken apart and handed
// down the path a step at a time, hundreds of thousands of times; as nested
// vectors each of those moves was an allocation.
inline constexpr std::uint32_t nil = std::numeric_limits<std::uint32_t>::max();

// Half a cache line: the trees of a search hold up to hundreds of
// thousands of nodes, and walking them is mostly waiting for memory. A
// node names its step's accesses by index into its pool's AccessTable.
struct alignas(32) Wut {
  GoroutineId g = no_goroutine;
  std::uint32_t child = nil;  // first branch below this step
  std::uint32_t next = nil;   // next sibling to the right
  // The execution that last added to this branch (its low 30 bits: only
  // compared to recent executions, for when to hand the branch out).
  std::uint32_t grown : 30 = 0;
  std::uint32_t handed : 1 = 0;  // the branch has a task (Wuts::task)
  // acc is all the step can access: it was recorded from a run of the step
  // that made no choice (one variant), not from a waiting operation.
  std::uint32_t exact : 1 = 0;
  std::uint32_t acc = 0;  // the step's accesses, in its pool's AccessTable (0: none)
};
static_assert(sizeof(Wut) == 32);

// The distinct access lists of a pool's nodes, each kept once. A model's
// steps touch few distinct sets of objects (lastzero n=15: 311,235 nodes,
// 31 sets; fib_bench 4), and a set inline in every node made the node
// twice as large. Entry 0 is the empty list. A moved-from table is fresh.
class AccessTable {
 public:
  const StepAccesses& operator[](std::uint32_t i) const { return i == 0 ? none_ : list_[i - 1]; }
  bool fresh() const { return list_.empty(); }

  // The index of a list equal to `a`, added if there is none.
  std::uint32_t intern(const StepAccesses& a) {
    if (a.empty()) return 0;
    if (slots_.empty()) slots_.assign(16, 0);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = hash(a) & mask;; at = (at + 1) & mask) {
      const std::uint32_t i = slots_[at];
      if (i == 0) break;
      if (list_[i - 1] == a) return i;
    }
    list_.push_back(a);
    const auto i = static_cast<std::uint32_t>(list_.size());
    if (2 * list_.size() > slots_.size()) {
      slots_.assign(2 * slots_.size(), 0);
      for (std::uint32_t k = 1; k <= list_.size(); ++k) place(k);
    } else {
      place(i);
    }
    return i;
  }

 private:
  static std::size_t hash(const StepAccesses& a) {
    std::uint64_t h = a.mask() ^ a.size();
    for (const Access& x : a) {
      h ^= x.obj | std::uint64_t{x.kind} << 32 | std::uint64_t{x.channel} << 33;
      h *= 0x9e3779b97f4a7c15u;
      h ^= h >> 29;
    }
    return static_cast<std::size_t>(h);
  }
  void place(std::uint32_t i) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = hash(list_[i - 1]) & mask;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = i;
  }
  static inline const StepAccesses none_{};
  std::vector<StepAccesses> list_;    // entry i is list_[i - 1]
  std::vector<std::uint32_t> slots_;  // open addressing: an entry's index, 0 for a free slot
};

// The pool grows by blocks that never move, so a node stays where it is
// (no copy of the whole pool when it grows) and a reference to it stays good.
//
// Blocks come from regions of 2 MiB asked to be backed by huge pages
// (madvise; transparent huge pages in their "madvise" mode): a search's
// trees fill tens of megabytes, and in 4 KiB pages each page was a fault
// on first touch (lastzero n=15: about 4,500 with one thread, 7,200 with
// two) and the tree walks missed the TLB. A finished pool's blocks are kept
// for this thread's next pool (a parallel search's tasks each start one),
// up to 64 MiB; the rest, and all of them when the thread ends, go back to
// a list every thread takes from. Blocks are never given back to the
// system: the memory stays at the largest the trees ever took.
class WutBlocks {
 public:
  static constexpr std::size_t nodes = 1024;  // per block
  static Wut* take() {
    std::vector<Wut*>& mine = spare_.list;
    if (!mine.empty()) {
      Wut* b = mine.back();
      mine.pop_back();
      return b;
    }
    Shared& sh = shared();
    std::lock_guard<std::mutex> lock(sh.mu);
    if (!sh.free.empty()) {
      Wut* b = sh.free.back();
      sh.free.pop_back();
      return b;
    }
    if (sh.left == 0) {
      void* r = std::aligned_alloc(region_bytes, region_bytes);
      if (r == nullptr) throw std::bad_alloc();
      madvise(r, region_bytes, MADV_HUGEPAGE);  // a hint: without huge pages it is plain memory
      sh.regions.push_back(r);
      sh.next = static_cast<Wut*>(r);
      sh.left = region_bytes / sizeof(Wut) / nodes;
    }
    Wut* b = sh.next;
    sh.next += nodes;
    --sh.left;
    std::uninitialized_default_construct_n(b, nodes);
    return b;
  }
  static void give(Wut* b) {
    if (spare_.list.size() < kept) {
      spare_.list.push_back(b);
      return;
    }
    Shared& sh = shared();
    std::lock_guard<std::mutex> lock(sh.mu);
    sh.free.push_back(b);
  }

 private:
  static constexpr std::size_t region_bytes = std::size_t{2} << 20;
  static constexpr std::size_t kept = (std::size_t{64} << 20) / (nodes * sizeof(Wut));
  static_assert(region_bytes % (nodes * sizeof(Wut)) == 0);
  struct Shared {
    std::mutex mu;
    std::vector<Wut*> free;
    std::vector<void*> regions;  // every region, kept reachable (for leak checkers) until exit
    Wut* next = nullptr;
    std::size_t left = 0;  // blocks of the newest region not handed out yet
  };
  // Made once and never destroyed: blocks outlive the threads that used
  // them, and a thread ending during exit still gives its blocks back here.
  static Shared& shared() {
    static Shared* sh = new Shared;
    return *sh;
  }
  struct Spare {
    std::vector<Wut*> list;
    ~Spare() {
      Shared& sh = shared();
      std::lock_guard<std::mutex> lock(sh.mu);
      sh.free.insert(sh.free.end(), list.begin(), list.end());
    }
  };
  static thread_local Spare spare_;
};
thread_local WutBlocks::Spare WutBlocks::spare_;

// Before the search that handed a branch out changes or frees the
// branch's subtree, or the pool it is in: a task that has not begun to
// copy the subtree never will (it is void: its search ends before its first
// execution), and one that is copying it is waited for (a few
// milliseconds at most).
void withdraw(DporTask& t) {
  t.cancelled = true;
  int expected = DporTask::not_copied;
  if (t.copy.compare_exchange_strong(expected, DporTask::withdrawn, std::memory_order_acq_rel)) return;
  while (t.copy.load(std::memory_order_acquire) != DporTask::copied) std::this_thread::yield();
}

// A pool's nodes as a task's search reads them on its own thread, while
// the search that handed the task out goes on: the pool's blocks and
// access table as they were then. Blocks never move, and the nodes below
// a branch that was handed out are not written or reused until the task
// has copied them (withdraw()).
struct WutView {
  static constexpr std::uint32_t block_bits = 10;
  static_assert((1u << block_bits) == WutBlocks::nodes);
  std::vector<Wut*> blocks;
  AccessTable accs;
  const Wut& operator[](std::uint32_t i) const { return blocks[i >> block_bits][i & (WutBlocks::nodes - 1)]; }
  const StepAccesses& acc(const Wut& w) const { return accs[w.acc]; }
  // No branch below one that was handed out has a task of its own.
  static const std::shared_ptr<DporTask>* task(std::uint32_t) { return nullptr; }
};

class Wuts {
 public:
  Wuts() = default;
  Wuts(Wuts&&) = default;
  Wuts& operator=(Wuts&& o) noexcept {
    withdraw_tasks();
    release_blocks();
    blocks_ = std::move(o.blocks_);
    size_ = std::exchange(o.size_, 0);
    free_ = std::move(o.free_);
    dropped_ = std::move(o.dropped_);
    tasks_ = std::move(o.tasks_);
    accs_ = std::move(o.accs_);
    return *this;
  }
  ~Wuts() {
    withdraw_tasks();
    release_blocks();
  }
  void withdraw_tasks() {
    for (auto& entry : tasks_) withdraw(*entry.second);
  }
  void release_blocks() {
    for (Wut* b : blocks_) WutBlocks::give(b);
    blocks_.clear();
  }
  Wut& operator[](std::uint32_t i) { return blocks_[i >> block_bits][i & block_mask]; }
  const Wut& operator[](std::uint32_t i) const { return blocks_[i >> block_bits][i & block_mask]; }
  // The accesses of node w's step (a reference into the table: good until
  // the next make()).
  const StepAccesses& acc(const Wut& w) const { return accs_[w.acc]; }

  std::uint32_t make(GoroutineId g, const StepAccesses* acc, std::uint64_t grown, bool exact = false) {
    return make_with(g, acc == nullptr ? 0 : accs_.intern(*acc), grown, exact && acc != nullptr);
  }
  // The same with the accesses given by their index in this pool's table.
  std::uint32_t make_with(GoroutineId g, std::uint32_t acc, std::uint64_t grown, bool exact) {
    const auto low = static_cast<std::uint32_t>(grown);
    std::uint32_t i;
    if (!free_.empty()) {
      i = free_.back();
      free_.pop_back();
    } else if (!dropped_.empty()) {
      // The first node of a dropped list: what hangs off it is dropped in turn.
      i = dropped_.back();
      dropped_.pop_back();
      const Wut& d = (*this)[i];
      if (d.next != nil) dropped_.push_back(d.next);
      if (d.child != nil) dropped_.push_back(d.child);
      if (d.handed) {
        if (auto t = take_task(i)) withdraw(*t);
      }
    } else {
      if ((size_ & block_mask) == 0) blocks_.push_back(WutBlocks::take());
      i = size_++;
    }
    Wut& w = (*this)[i];
    w.g = g;
    w.child = nil;
    w.next = nil;
    w.grown = low & grown_mask;
    w.handed = 0;
    w.exact = exact ? 1 : 0;
    w.acc = acc;
    return i;
  }

  static constexpr std::uint32_t grown_mask = (1u << 30) - 1;
  // Executions since the last one that added to branch i (modulo 2^30).
  std::uint32_t since_grown(std::uint32_t i, std::uint64_t executions) const {
    return (static_cast<std::uint32_t>(executions) - (*this)[i].grown) & grown_mask;
  }

  // The task a branch was handed to, if any. Few branches have one at a
  // time (none without threads), so they are kept aside, not in every node.
  const std::shared_ptr<DporTask>* task(std::uint32_t i) const {
    if (!(*this)[i].handed) return nullptr;
    for (const auto& [at, t] : tasks_) {
      if (at == i) return &t;
    }
    return nullptr;
  }
  void set_task(std::uint32_t i, std::shared_ptr<DporTask> t) {
    take_task(i);
    tasks_.emplace_back(i, std::move(t));
    (*this)[i].handed = 1;
  }
  std::shared_ptr<DporTask> take_task(std::uint32_t i) {
    if (!(*this)[i].handed) return nullptr;
    (*this)[i].handed = 0;
    for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
      if (it->first != i) continue;
      std::shared_ptr<DporTask> t = std::move(it->second);
      tasks_.erase(it);
      return t;
    }
    return nullptr;
  }

  // Frees the siblings from `first` on and everything below them, as
  // make_with() reuses them: a node is read to find what hangs off it when
  // it is about to be written anyway. Walking a dropped subtree at once was
  // a cache miss per node, and the subtree of a branch another thread
  // explored can be large (lastzero n=15: 82,000 nodes, 2 to 3.5 ms while
  // the other thread waited).
  void drop(std::uint32_t first) {
    if (first != nil) dropped_.push_back(first);
  }

  // A copy of the siblings from `first` on (of `from`, which may be this
  // pool) and of everything below them; returns the copy's first. A pool
  // that has made no node with accesses yet takes `from`'s table, so that
  // the copied nodes keep their indices.
  std::uint32_t copy(const Wuts& from, std::uint32_t first) {
    if (first == nil) return nil;
    const bool adopt = &from != this && accs_.fresh();
    if (adopt) accs_ = from.accs_;
    return copy_from(from, first, &from == this || adopt);
  }
  // The same from another pool's view (a fresh pool takes a copy of its
  // table: copied, not moved, so that this thread frees only what it
  // allocated; docs/scaling.md).
  std::uint32_t copy(const WutView& from, std::uint32_t first) {
    if (first == nil) return nil;
    const bool adopt = accs_.fresh();
    if (adopt) accs_ = from.accs;
    return copy_from(from, first, adopt);
  }
  // This pool as a task's search may read it from another thread.
  WutView view() const { return {blocks_, accs_}; }

  // Asks for node i's cache line ahead of its use (nil: nothing). GCC 12
  // leaves out a __builtin_prefetch of this address (it is read through the
  // block table), so on x86-64 the instruction is written out.
  void prefetch(std::uint32_t i) const {
    if (i == nil) return;
    const Wut* w = &(*this)[i];
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*w));
#else
    __builtin_prefetch(w);
#endif
  }

  // Takes the first of the siblings at `head` out of the list.
  std::uint32_t pop_front(std::uint32_t& head) {
    const std::uint32_t i = head;
    head = (*this)[i].next;
    (*this)[i].next = nil;
    return i;
  }

  // Appends node i as the rightmost of the siblings at `head`.
  void push_back(std::uint32_t& head, std::uint32_t i) {
    if (head == nil) {
      head = i;
      return;
    }
    std::uint32_t last = head;
    while ((*this)[last].next != nil) last = (*this)[last].next;
    (*this)[last].next = i;
  }

 private:
  static constexpr std::uint32_t block_bits = 10;
  static constexpr std::uint32_t block_mask = (1u << block_bits) - 1;
  static_assert(block_mask + 1 == WutBlocks::nodes);
  std::vector<Wut*> blocks_;
  std::uint32_t size_ = 0;  // nodes ever made (free or not)
  std::vector<std::uint32_t> free_;
  std::vector<std::uint32_t> dropped_;  // the first nodes of lists dropped and not yet reused
  std::vector<std::pair<std::uint32_t, std::shared_ptr<DporTask>>> tasks_;  // by node
  AccessTable accs_;

  template <class From>
  std::uint32_t copy_from(const From& from, std::uint32_t first, bool same_table) {
    std::uint32_t head = nil;
    std::uint32_t prev = nil;
    for (std::uint32_t i = first; i != nil; i = from[i].next) {
      const Wut& src = from[i];
      const std::uint32_t acc = same_table ? src.acc : accs_.intern(from.acc(src));
      const std::uint32_t c = make_with(src.g, acc, src.grown, src.exact != 0);
      if (const auto* t = from.task(i)) set_task(c, *t);
      (*this)[c].child = copy_from(from, src.child, same_table);
      if (prev == nil) {
        head = c;
      } else {
        (*this)[prev].next = c;
      }
      prev = c;
    }
    return head;
  }
};

// One step of a reversing sequence v, while it is being inserted.
struct VStep {
  GoroutineId g;
  bool exact;  // acc is all the step can access (Wut::exact)
  const StepAccesses* acc;
  std::size_t pos;             // its index on the current path (the racing operation: the top)
  const std::uint32_t* clock;  // its vector clock on the current path: clock_n entries
  std::size_t clock_n;
  std::uint32_t clock_at(GoroutineId h) const { return h < clock_n ? clock[h] : 0; }
};

static_assert(sizeof(VStep) == 40);

// a happens before b, both steps of the current path.
bool hb(const VStep& a, const VStep& b) {
  return a.pos < b.pos && b.clock_at(a.g) >= a.pos + 1;
}

bool initial(std::span<const VStep> v, std::size_t i) {
  for (std::size_t a = 0; a < i; ++a) {
    if (hb(v[a], v[i])) return false;
  }
  return true;
}

// Whether goroutine g, whose next step accesses `acc`, can start a sequence
// equivalent to an extension of v: it starts v (a weak initial that is in v),
// or it is not in v and commutes with all of it. Returns the index of g's
// step in v (to remove), v.size() when g is not in v, or -1 when it is not a
// weak initial.
std::ptrdiff_t weak_initial(std::span<const VStep> v, GoroutineId g, const StepAccesses& acc) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].g == g) return initial(v, i) ? static_cast<std::ptrdiff_t>(i) : -1;
  }
  for (const VStep& st : v) {
    if (conflict(acc, *st.acc)) return -1;
  }
  return static_cast<std::ptrdiff_t>(v.size());
}

// One scheduling point of the current path and the step taken from it.
struct Node {
  // --- the state before the step: fixed once the node exists ---
  std::vector<GoroutineId> enabled;
  std::vector<Sleeper> sleep;
  std::vector<GoroutineId> backtrack;  // goroutines to try from here (tried ones included)
  // source sets: backtrack goroutines handed to another thread
  std::vector<std::pair<GoroutineId, std::shared_ptr<DporTask>>> handed;
  std::vector<Sleeper> done;   // goroutines fully explored from here
  std::uint32_t wut = nil;     // optimal mode: sequences still to explore from here (a tree in Wuts)
  std::uint32_t follow = nil;  // optimal mode: the chosen branch's rest, for the next point
  // --- the step taken ---
  GoroutineId chosen = no_goroutine;
  std::vector<Choice> choices;
  StepAccesses acc;        // of the current run of the step
  StepAccesses acc_union;  // over every variant (choice) of the chosen goroutine's step
  std::vector<GoroutineId>
      woken;  // goroutines whose next step follows this one (spawned, handed off, signalled)
  Clock clock;
  // A task's log of insertions holds this step (as analysed now) at this
  // index of its steps, or nil: sequences that name it again refer to it.
  std::uint32_t logged = nil;
};

// An insertion a task could not make itself (into the wakeup tree of a point
// on the path it was given), with its sequence copied out of the task's path.
// Successive sequences share most of their steps (the executions of a task
// share most of their path), so a step is copied out once and named by index.
struct LoggedStep {
  GoroutineId g;
  std::uint32_t clock_n;
  std::size_t pos;
  const std::uint32_t* clock;  // clock_n entries (its clock without trailing zeros) in a ClockStore
  StepAccesses acc;
  bool exact;
};
// Append-only storage for the clocks of logged steps, in blocks that never
// move (a log grows to megabytes; a vector's regrowth copied it each time).
class ClockStore {
 public:
  // A copy of `n` entries from `from`, without the zeros at the end.
  std::pair<const std::uint32_t*, std::uint32_t> add(const std::uint32_t* from, std::size_t n) {
    while (n > 0 && from[n - 1] == 0) --n;
    if (blocks_.empty() || used_ + n > capacity_) {
      capacity_ = std::max(block_size, n);
      blocks_.push_back(std::make_unique_for_overwrite<std::uint32_t[]>(capacity_));
      used_ = 0;
    }
    std::uint32_t* to = blocks_.back().get() + used_;
    std::copy(from, from + n, to);
    used_ += n;
    return {to, static_cast<std::uint32_t>(n)};
  }

 private:
  static constexpr std::size_t block_size = 16 * 1024;
  std::vector<std::unique_ptr<std::uint32_t[]>> blocks_;
  std::size_t used_ = 0;
  std::size_t capacity_ = 0;  // of the last block
};
struct Insertion {
  std::size_t j;
  std::vector<std::uint32_t> v;       // optimal mode: the reversing sequence, indices into Out::steps
  std::vector<GoroutineId> initials;  // source sets: the goroutines that can start it
};

class Feed final : public Observer {
 public:
  explicit Feed(SourceDporStrategy& s) : s_(s) {}
  void on_event(Execution&, const Event& e) override { s_.on_event(e); }

 private:
  SourceDporStrategy& s_;
};

}  // namespace

struct DporTask::Start {
  bool optimal = true;
  std::vector<Node> nodes;  // the path to the branch; the last node takes the branch
  std::vector<Choice> root_choices;
  // The branch's wakeup subtree, in the publisher's pool: the task's
  // search copies it from there into its own (DporTask::copy).
  WutView source;
  std::uint32_t first = nil;
  // The branches before this one at its point that were still running when
  // it was handed out: their goroutines and the accesses their first steps
  // were taken to have (their wakeup nodes'), in its sleep set. The task's
  // results count only if those are what the branches' tasks then report.
  std::vector<Sleeper> assumed;
};

struct DporTask::Out {
  std::vector<Insertion> log;    // in the order a single thread makes them
  std::deque<LoggedStep> steps;  // the steps the log's sequences name (a deque: no regrowth copies)
  ClockStore clocks;             // their clocks
  StepAccesses acc_union;        // of the branch's first step, over its variants
  std::vector<Sleeper> assumed;  // the start's (copied here: the start goes back early)

  // Copies a step into `steps` (its clock into `clocks`); returns its index.
  std::uint32_t log_step(GoroutineId g, std::size_t pos, const std::uint32_t* clock, std::size_t clock_n,
                         const StepAccesses& acc, bool exact) {
    const auto at = static_cast<std::uint32_t>(steps.size());
    const auto [kept, n] = clocks.add(clock, clock_n);
    steps.push_back({g, n, pos, kept, acc, exact});
    return at;
  }
};

DporTask::DporTask() = default;
DporTask::~DporTask() = default;
void DporTask::StartDeleter::operator()(Start* start) const {
  delete start;
}
void DporTask::OutDeleter::operator()(Out* out) const {
  delete out;
}

bool DporTask::void_() const {
  if (cancelled.load(std::memory_order_relaxed)) return true;
  for (const DporTask* t = parent.get(); t != nullptr; t = t->parent.get()) {
    // A task whose search is over takes no more results (it stopped at a
    // failing execution before reaching this one): nobody will take these.
    if (t->cancelled.load(std::memory_order_relaxed) || t->state.load() == DporTask::done) return true;
  }
  return false;
}

struct SourceDporStrategy::State {
  State(SourceDporStrategy& s, bool opt) : feed(s), optimal(opt) {}
  Feed feed;
  bool optimal;
  Execution* x = nullptr;
  std::vector<Node> nodes;  // the path: the first `depth`; the rest are kept for reuse
  std::size_t depth = 0;
  Wuts wuts;                         // the nodes of every wakeup tree of the path
  std::vector<Choice> root_choices;  // choices before the first pick
  std::size_t fresh_from = 0;        // nodes before this replay a step analysed in an earlier execution
  std::size_t next_node = 0;         // index of the next pick
  std::ptrdiff_t cur = -1;           // the node whose step is running
  std::size_t choice_pos = 0;
  std::vector<Clock> clocks;  // per goroutine
  // The operations waiting at a scheduling point that cannot move: the first
  // waiting_count are current. An entry keeps its accesses while the same
  // goroutine waits at the same operation (step after step, for a blocked
  // Lock); begin() forgets them, as object ids mean other objects in another run.
  struct Waiting {
    GoroutineId g = no_goroutine;
    OpKind op = OpKind::spawn;
    ObjectId obj = no_object;
    StepAccesses acc;
  };
  std::vector<Waiting> waiting;
  std::size_t waiting_count = 0;
  bool started = false;
  Clock scratch;
  std::vector<VStep> vsteps;  // the sequence being inserted (memory kept between insertions)
  // Parallel exploration: the last node of the path a task was given (-1:
  // the whole search), where its records go, and the threads' link.
  std::ptrdiff_t base = -1;
  DporTask::Out* out = nullptr;
  DporLink* link = nullptr;
  std::uint64_t executions = 0;  // begun by this strategy

  // A Cond's mutex, for the dependency relation (made once: it is asked on every event).
  const std::function<ObjectId(ObjectId)> lock_of_cond = [this](ObjectId c) -> ObjectId {
    if (x == nullptr || x->object_kind(c) != "cond") return no_object;
    return static_cast<ObjectId>(x->object_aux(c) / 2);
  };

  Clock& clock_of(GoroutineId g) {
    if (clocks.size() <= g) clocks.resize(g + 1);
    return clocks[g];
  }

  // The race between step j and a later step (or a waiting operation) of
  // goroutine q with clock `c`, reached after the steps up to `top` (exclusive):
  // make sure the state before j tries a goroutine that can start the reversal.
  void reverse(std::size_t j, GoroutineId q, const StepAccesses& acc, bool exact, const Clock& c,
               std::size_t top) {
    if (optimal) {
      insert(j, q, acc, exact, c, top);
      return;
    }
    Node& pre = nodes[j];
    const GoroutineId pj = pre.chosen;
    // The steps after j that do not depend on it (v), and which goroutines
    // can go first among them and the racing operation (the initials).
    std::vector<GoroutineId> initials;
    std::vector<std::uint32_t> first_in_v;  // per goroutine: 1 + index of its first step in v
    auto first = [&](GoroutineId g) -> std::uint32_t { return g < first_in_v.size() ? first_in_v[g] : 0; };
    auto is_initial = [&](const Clock& cm, std::size_t m) {
      for (GoroutineId r = 0; r < first_in_v.size(); ++r) {
        const std::uint32_t f = first_in_v[r];
        if (f != 0 && f - 1 < m && at(cm, r) >= f) return false;  // a step of v happens before
      }
      return true;
    };
    for (std::size_t m = j + 1; m < top; ++m) {
      const Node& nm = nodes[m];
      if (at(nm.clock, pj) >= j + 1) continue;  // after j: not in v
      const GoroutineId g = nm.chosen;
      if (first(g) != 0) continue;
      if (is_initial(nm.clock, m)) initials.push_back(g);
      if (first_in_v.size() <= g) first_in_v.resize(g + 1, 0);
      first_in_v[g] = static_cast<std::uint32_t>(m + 1);
    }
    if (first(q) == 0 && is_initial(c, top)) initials.push_back(q);
    if (static_cast<std::ptrdiff_t>(j) <= base) {
      // Outside this task's subtree: the search that handed it out applies it.
      out->log.push_back({j, {}, std::move(initials)});
      return;
    }
    add_source(j, initials);
  }

  // Source sets: adds one of `initials` (or every goroutine that can move) to j's backtrack set.
  void add_source(std::size_t j, const std::vector<GoroutineId>& initials) {
    Node& pre = nodes[j];
    for (GoroutineId g : initials) {
      if (contains(pre.backtrack, g) || asleep(pre.sleep, g)) return;
    }
    for (GoroutineId g : initials) {
      if (contains(pre.enabled, g)) {
        pre.backtrack.push_back(g);
        return;
      }
    }
    // No goroutine that could start the reversal can move here (it waits at
    // a disabled operation): try every goroutine that can.
    for (GoroutineId g : pre.enabled) {
      if (!contains(pre.backtrack, g)) pre.backtrack.push_back(g);
    }
  }

  // Optimal mode: the sequence v that reverses the race between step j and
  // q's operation, inserted into j's wakeup tree unless already covered.
  void insert(std::size_t j, GoroutineId q, const StepAccesses& acc, bool exact, const Clock& c,
              std::size_t top) {
    Node& pre = nodes[j];
    const GoroutineId pj = pre.chosen;
    std::vector<VStep>& v = vsteps;  // reused: one insertion after another
    v.clear();
    for (std::size_t m = j + 1; m < top; ++m) {
      const Node& nm = nodes[m];
      if (at(nm.clock, pj) >= j + 1) continue;  // after j
      v.push_back({nm.chosen, nm.choices.empty(), &nm.acc, m, nm.clock.data(), nm.clock.size()});
    }
    v.push_back({q, exact, &acc, top, c.data(), c.size()});
    if (static_cast<std::ptrdiff_t>(j) <= base) {
      // Outside this task's subtree: the search that handed it out applies
      // it, unless the goroutines asleep or explored at j when the task was
      // handed out cover it. They are still there when the record would be
      // applied (a point's explored goroutines only grow), and apply() would
      // return at them before touching anything.
      if (covered_by_sleepers(pre, v)) return;
      Insertion ins{j, {}, {}};
      ins.v.reserve(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        const VStep& st = v[i];
        const bool on_path = i + 1 < v.size();  // a finished step of the path (the last is q's operation)
        if (on_path && nodes[st.pos].logged != nil) {
          ins.v.push_back(nodes[st.pos].logged);
          continue;
        }
        const std::uint32_t at_log = out->log_step(st.g, st.pos, st.clock, st.clock_n, *st.acc, st.exact);
        if (on_path) nodes[st.pos].logged = at_log;
        ins.v.push_back(at_log);
      }
      out->log.push_back(std::move(ins));
      return;
    }
    apply(j, v);
  }

  // A sleeping or explored goroutine at `pre` that starts v: its explorations covered v already.
  static bool covered_by_sleepers(const Node& pre, std::span<const VStep> v) {
    for (const auto* list : {&pre.sleep, &pre.done}) {
      for (const Sleeper& z : *list) {
        if (weak_initial(v, z.g, z.acc) >= 0) return true;
      }
    }
    return false;
  }

  // Inserts v into j's wakeup tree unless it is covered.
  void apply(std::size_t j, std::vector<VStep>& v) {
    Node& pre = nodes[j];
    if (covered_by_sleepers(pre, v)) return;
    if (!contains(pre.enabled, v.front().g)) {
      // v cannot start here (its operation waits): try every goroutine that can.
      try_every_movable(pre);
      return;
    }
    // Walk down the tree while a branch can start what is left of v. When v
    // is used up, a sequence in the tree extends it: covered. When a leaf is
    // reached first, the rest of v goes below it: exploring the leaf with an
    // arbitrary continuation would not always reach v's class, because sleep
    // sets (built from other branches) can keep its continuation out.
    // What is left of v is v[head, end): a step used up is removed by
    // moving the ones before it up by one (it is most often the first, and
    // erasing it moved every step after it: 3.7% of lastzero n=15's
    // instructions).
    std::uint32_t parent = nil;  // the tree node whose branches `level` lists (nil: j's tree)
    std::uint32_t branch = nil;  // the branch of j's tree v goes into
    std::size_t head = 0;
    while (true) {
      const std::span<const VStep> rest(v.data() + head, v.size() - head);
      if (rest.empty()) return;
      const std::uint32_t level = parent == nil ? pre.wut : wuts[parent].child;
      bool descended = false;
      for (std::uint32_t i = level; i != nil; i = wuts[i].next) {
        const std::ptrdiff_t at_v = weak_initial(rest, wuts[i].g, wuts.acc(wuts[i]));
        if (at_v < 0) continue;
        if (static_cast<std::size_t>(at_v) < rest.size()) {
          const auto used = v.begin() + static_cast<std::ptrdiff_t>(head) + at_v;
          std::move_backward(v.begin() + static_cast<std::ptrdiff_t>(head), used, used + 1);
          ++head;
        }
        if (branch == nil) branch = i;
        parent = i;
        descended = true;
        break;
      }
      if (!descended) break;
    }
    if (branch != nil) {
      Wut& b = wuts[branch];
      b.grown = static_cast<std::uint32_t>(executions) & Wuts::grown_mask;
      if (auto t = wuts.take_task(branch)) {
        // A task explores that branch from its tree as it was: void.
        withdraw(*t);
      }
    }
    // Add the rest of v as a new rightmost branch: a chain, built from its end.
    std::uint32_t chain = nil;
    for (std::size_t i = v.size(); i-- > head;) {
      const std::uint32_t w = wuts.make(v[i].g, v[i].acc, executions, v[i].exact);
      wuts[w].child = chain;
      chain = w;
    }
    wuts.push_back(parent == nil ? pre.wut : wuts[parent].child, chain);
  }

  // Finds the races of an operation of goroutine q with accesses `acc`
  // against the steps before `top`; sets `c` (whose memory is reused) to q's
  // clock including them. A race is an earlier conflicting step of another
  // goroutine that nothing orders before q's operation; the steps are looked
  // at latest first, each race's clock joined into c, so that an earlier step
  // ordered before a later race is not one.
  void races(GoroutineId q, const StepAccesses& acc, bool exact, std::size_t top, bool report, Clock& c) {
    c = clock_of(q);
    if (!candidates(acc, top)) {
      // Every earlier step (a select that has not chosen, or a step that
      // ended the execution: they conflict with too much to look up).
      cands.clear();
      for (std::size_t j = top; j-- > 0;) {
        if (conflict(nodes[j].acc, acc)) cands.push_back(static_cast<std::uint32_t>(j));
      }
    }
    for (const std::uint32_t j : cands) {
      const Node& nj = nodes[j];
      if (nj.chosen == q) continue;
      if (at(c, nj.chosen) < j + 1) {
        if (report) reverse(j, q, acc, exact, c, top);
        join(c, nj.clock);
      }
    }
  }

  // --- the path's index of accesses ---
  // For every object, the steps of the path (in order) that touched it and
  // whether they wrote it. The race analysis needs, of the earlier steps
  // that conflict with an access, only the latest ones: a write of x and the
  // reads of x after it (for a write of x), or the last write of x (for a
  // read): every other conflicting step conflicts with one of those and so
  // is ordered before it already. That is a handful of steps where scanning
  // the path would look at every one.
  struct Touch {
    std::uint32_t step;
    bool write;
  };
  std::vector<std::vector<Touch>> by_slot;                         // by object slot (see slot_of)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> touch_log;  // (step, slot), in the order added
  std::size_t indexed = 0;                                         // the index covers steps [0, indexed)
  std::vector<std::uint32_t> cands;                                // candidate steps, latest first

  static std::uint32_t slot_of(ObjectId obj) {
    // The virtual objects first (everything, goroutine_table, any_channel), then real ids.
    return obj >= everything ? static_cast<std::uint32_t>(no_object - obj - 1) : obj + 3;
  }
  static constexpr std::uint32_t any_channel_slot = 0;  // slot_of(any_channel)
  static constexpr std::uint32_t everything_slot = 2;   // slot_of(everything)

  void index_step(std::size_t k) {
    const auto step = static_cast<std::uint32_t>(k);
    for (const Access& a : nodes[k].acc) {
      const std::uint32_t slot = slot_of(a.obj);
      if (by_slot.size() <= slot) by_slot.resize(slot + 1);
      std::vector<Touch>& list = by_slot[slot];
      if (!list.empty() && list.back().step == step) {  // the same object twice in one step
        list.back().write = list.back().write || a.kind == Access::write;
        continue;
      }
      list.push_back({step, a.kind == Access::write});
      touch_log.emplace_back(step, slot);
    }
    indexed = k + 1;
  }

  // Makes the index cover exactly the steps before `k`, for a run that
  // analyses the path from step k on.
  void reindex(std::size_t k) {
    while (!touch_log.empty() && touch_log.back().first >= k) {
      by_slot[touch_log.back().second].pop_back();
      touch_log.pop_back();
    }
    indexed = std::min(indexed, k);
    while (indexed < k) index_step(indexed);
  }

  // The latest steps before `top` that conflict with `acc`, in cands, latest
  // first. False when `acc` needs a scan of the whole path instead.
  bool candidates(const StepAccesses& acc, std::size_t top) {
    if (indexed != top) return false;
    if ((acc.mask() & (StepAccesses::has_any_channel | StepAccesses::has_everything)) != 0) return false;
    cands.clear();
    auto last = [&](std::uint32_t slot, bool writes_only) {
      if (slot >= by_slot.size()) return;
      const std::vector<Touch>& list = by_slot[slot];
      for (std::size_t i = list.size(); i-- > 0;) {
        if (list[i].write || !writes_only) cands.push_back(list[i].step);
        if (list[i].write) return;
      }
    };
    bool channel = false;
    for (const Access& a : acc) {
      last(slot_of(a.obj), a.kind == Access::read);
      channel = channel || a.channel;
    }
    if (channel) last(any_channel_slot, true);
    last(everything_slot, true);
    if (cands.size() > 1) {
      std::sort(cands.begin(), cands.end(), std::greater<>());
      cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
    }
    return true;
  }

  // The running step is over: compute its clock and analyse its races.
  void finish_step() {
    if (cur < 0) return;
    const auto k = static_cast<std::size_t>(cur);
    cur = -1;
    Node& n = nodes[k];
    if (k >= fresh_from) {
      n.logged = nil;  // analysed anew: a new step for the log
      for (const Access& a : n.acc) {
        if (std::find(n.acc_union.begin(), n.acc_union.end(), a) == n.acc_union.end())
          n.acc_union.push_back(a);
      }
      Clock& c = n.clock;
      races(n.chosen, n.acc, n.choices.empty(), k, true, c);
      c.grow(n.chosen + 1);
      c[n.chosen] = static_cast<std::uint32_t>(k + 1);
      if (indexed == k) index_step(k);
    }
    const Node& done = nodes[k];
    clock_of(done.chosen) = done.clock;
    for (GoroutineId w : done.woken) join(clock_of(w), done.clock);
  }

  // Operations that wait (disabled, or left at the end) race like steps.
  void check_waiting(std::size_t top) {
    for (std::size_t i = 0; i < waiting_count; ++i)
      races(waiting[i].g, waiting[i].acc, false, top, true, scratch);
  }

  // Optimal mode, when a sequence cannot go on at node n: a one-step branch
  // for every goroutine that can move there and is not explored, asleep or
  // already a branch (what source sets do).
  void try_every_movable(Node& n) {
    for (GoroutineId g : n.enabled) {
      if (g == n.chosen || asleep(n.done, g) || asleep(n.sleep, g)) continue;
      bool present = false;
      for (std::uint32_t i = n.wut; i != nil && !present; i = wuts[i].next) present = wuts[i].g == g;
      if (!present) wuts.push_back(n.wut, wuts.make(g, nullptr, 0));
    }
  }

  static bool more_variants(const Node& n) {
    return std::any_of(n.choices.begin(), n.choices.end(), [](const Choice& c) { return c.taken + 1 < c.n; });
  }

  // Hands the next branch of the shallowest scheduling point before `end`
  // that has one to another thread (the shallowest: the largest subtrees,
  // so the fewest hand-overs); false if none can go. A branch can go once
  // the sleep set it starts with is known: the step now taken at its point
  // has no variant left, and each branch before it there is explored, or
  // handed out and finished, or handed out and running with a first step
  // whose accesses can be predicted (predictable()).
  static constexpr std::uint64_t quiet_executions = 16;
  bool starving = false;  // as link->starved() at the last publish()
  bool publish(std::size_t end) {
    if (!optimal) return publish_source(end);
    starving = link->starved();
    for (auto k = static_cast<std::size_t>(base + 1); k < end; ++k) {
      Node& n = nodes[k];
      if (n.wut == nil || more_variants(n)) continue;
      if (publish_at(k, done_after_current(n), {})) return true;
    }
    return false;
  }

  // Hands out the first branch of point k that can go, if any: `done` is
  // the point's explored goroutines once the branch it takes now is
  // explored, `assumed` those of them whose accesses are predicted.
  bool publish_at(std::size_t k, std::vector<Sleeper> done, std::vector<Sleeper> assumed) {
    Node& n = nodes[k];
    for (std::uint32_t i = n.wut; i != nil; i = wuts[i].next) {
      Wut& w = wuts[i];
      if (asleep(done, w.g) || asleep(n.sleep, w.g)) continue;  // will be passed over
      if (!contains(n.enabled, w.g)) break;
      // A branch that grew in the last few executions is likely to grow
      // again, which would void the task: wait until it has been quiet,
      // unless a thread has been idle for a while (starving).
      const std::shared_ptr<DporTask>* handed = wuts.task(i);
      if (handed == nullptr && wuts.since_grown(i, executions) < quiet_executions && !starving) break;
      if (handed != nullptr) {
        const DporTask& h = **handed;
        if (const StepAccesses* acc = finished(h)) {
          // Its records for this point are applied only when the search
          // reaches it, and may well extend the branches after it there:
          // handing one of those out now would likely have to be undone.
          if (inserts_at(h, k)) break;
          done.push_back({w.g, *acc});
          continue;
        }
        if (!predictable(w) || h.void_()) break;
        done.push_back({w.g, predicted(w)});
        assumed.push_back(done.back());
        continue;
      }
      auto t = make_task(k, w.g, std::move(done));
      t->start->assumed = std::move(assumed);
      // The subtree is not copied here: the thread that takes the task
      // copies it out of this pool while this search goes on (it holds
      // up to 82,000 nodes on lastzero n=15, 5 to 9 ms of cache misses,
      // and the other thread waited for them).
      DporTask::Start& st = *t->start;
      st.source = wuts.view();
      st.first = w.child;
      wuts.set_task(i, t);
      link->publish(std::move(t));
      return true;
    }
    return false;
  }

  // Whether the accesses of branch w's first step over all its variants
  // can be told before the branch is explored: a step recorded from a run
  // that made no choice has one variant, and that run's accesses (the
  // node's) are taken for it. Sleep sets built from such a prediction are
  // checked when the search reaches the branch that starts from one
  // (holds()); if the prediction was wrong, the search explores that
  // branch itself.
  static bool predictable(const Wut& w) { return w.exact != 0; }
  StepAccesses predicted(const Wut& w) const {
    return link->wrong_predictions() ? StepAccesses{} : wuts.acc(w);
  }

  // Source sets: the same for the next goroutine of a backtrack set. Its
  // subtree depends only on the state and the sleep set it starts with, so
  // nothing found later can void it.
  bool publish_source(std::size_t end) {
    for (auto k = static_cast<std::size_t>(base + 1); k < end; ++k) {
      Node& n = nodes[k];
      if (n.backtrack.size() < 2 || more_variants(n)) continue;
      std::vector<Sleeper> done = done_after_current(n);
      for (GoroutineId g : n.backtrack) {
        if (asleep(done, g) || asleep(n.sleep, g)) continue;  // will be passed over
        if (auto h = find_handed(n, g); h != n.handed.end()) {
          const StepAccesses* acc = finished(*h->second);
          if (acc == nullptr) break;
          done.push_back({g, *acc});
          continue;
        }
        auto t = make_task(k, g, std::move(done));
        t->start->nodes[k].backtrack.push_back(g);
        n.handed.emplace_back(g, t);
        link->publish(std::move(t));
        return true;
      }
    }
    return false;
  }

  // Point n's explored goroutines as they will be once the step it takes
  // now is explored: the sleep set a later branch there starts from.
  static std::vector<Sleeper> done_after_current(const Node& n) {
    std::vector<Sleeper> done = n.done;
    if (!asleep(done, n.chosen)) done.push_back({n.chosen, n.acc_union});
    return done;
  }

  // The accesses of a handed-out branch's first step, once its task has
  // finished and counts; null while it runs or when it is void.
  static const StepAccesses* finished(const DporTask& t) {
    if (t.state.load() != DporTask::done || t.void_() || !t.out)
      return nullptr;  // (no out: it failed to start)
    return &t.out->acc_union;
  }

  // Whether the sleep set task t was handed out with at point n is the one
  // the search has there now, before t's branch: each of the branches
  // before it that were still running then had the accesses taken for them.
  static bool holds(const DporTask& t, const Node& n) {
    if (!t.out) return true;  // it failed before it began: take() passes its error on
    for (const Sleeper& a : t.out->assumed) {
      auto d = std::find_if(n.done.begin(), n.done.end(), [&a](const Sleeper& z) { return z.g == a.g; });
      if (d == n.done.end() || !(d->acc == a.acc)) return false;
    }
    return true;
  }

  // Whether a finished task left an insertion for point k.
  static bool inserts_at(const DporTask& t, std::size_t k) {
    return std::any_of(t.out->log.begin(), t.out->log.end(), [k](const Insertion& i) { return i.j == k; });
  }

  // Source sets: the task handed out for g's branch at point n, if any.
  using Handed = std::vector<std::pair<GoroutineId, std::shared_ptr<DporTask>>>;
  static Handed::iterator find_handed(Node& n, GoroutineId g) {
    return std::find_if(n.handed.begin(), n.handed.end(), [g](const auto& e) { return e.first == g; });
  }

  // A task for goroutine g's branch at point k: a copy of the path to it.
  std::shared_ptr<DporTask> make_task(std::size_t k, GoroutineId g, std::vector<Sleeper> done) const {
    auto t = std::make_shared<DporTask>();
    t->start.reset(new DporTask::Start);
    DporTask::Start& st = *t->start;
    st.optimal = optimal;
    st.root_choices = root_choices;
    st.nodes.resize(k + 1);
    for (std::size_t m = 0; m < k; ++m) {  // what replaying the path to k needs
      Node& c = st.nodes[m];
      c.chosen = nodes[m].chosen;
      c.choices = nodes[m].choices;
      c.acc = nodes[m].acc;
      c.woken = nodes[m].woken;
      c.clock = nodes[m].clock;
      if (optimal) {  // for the task to leave out insertions here that its sleepers cover (insert())
        c.sleep = nodes[m].sleep;
        c.done = nodes[m].done;
      }
    }
    Node& b = st.nodes[k];  // the branch's step: run and analysed afresh by the task
    b.chosen = g;
    b.enabled = nodes[k].enabled;
    b.sleep = nodes[k].sleep;
    b.done = std::move(done);
    return t;
  }

  // Waits for task t (DporLink::await): true when its results count here,
  // at point n (holds()). A start that is still there (the task never
  // began) is freed here, on the thread that built it.
  bool await(const std::shared_ptr<DporTask>& t, const Node& n) {
    const bool ran = link->await(t) && holds(*t, n);
    t->start.reset();
    return ran;
  }

  // Source sets: the task that explores g's branch at node n, taken out of n.
  static std::shared_ptr<DporTask> take_handed(Node& n, GoroutineId g) {
    auto h = find_handed(n, g);
    if (h == n.handed.end()) return nullptr;
    std::shared_ptr<DporTask> t = std::move(h->second);
    n.handed.erase(h);
    return t;
  }

  // The branch at the last node's point that task t explored: its records
  // are applied (or passed up), and the branch counts as explored.
  bool take(DporTask& t, std::size_t k, GoroutineId g) {
    if (!t.out) return link->commit(t);  // it failed before it began: commit() rethrows its error
    const std::deque<LoggedStep>& steps = t.out->steps;
    std::vector<std::uint32_t> passed;  // t's step index -> its index in this search's log
    for (const Insertion& ins : t.out->log) {
      if (static_cast<std::ptrdiff_t>(ins.j) <= base) {
        // Copied, not moved: this search's records are freed on its own thread.
        if (passed.empty()) passed.assign(steps.size(), nil);
        Insertion up{ins.j, {}, ins.initials};
        up.v.reserve(ins.v.size());
        for (const std::uint32_t i : ins.v) {
          if (passed[i] == nil) {
            const LoggedStep& st = steps[i];
            passed[i] = out->log_step(st.g, st.pos, st.clock, st.clock_n, st.acc, st.exact);
          }
          up.v.push_back(passed[i]);
        }
        out->log.push_back(std::move(up));
        continue;
      }
      if (!optimal) {
        add_source(ins.j, ins.initials);
        continue;
      }
      std::vector<VStep>& v = vsteps;
      v.clear();
      for (const std::uint32_t i : ins.v) {
        const LoggedStep& st = steps[i];
        v.push_back({st.g, st.exact, &st.acc, st.pos, st.clock, st.clock_n});
      }
      apply(ins.j, v);
    }
    Node& n = nodes[k];
    if (!asleep(n.done, g)) n.done.push_back({g, t.out->acc_union});
    link->retire(t);
    return link->commit(t);
  }

  // The node for a new scheduling point at the end of the path. Nodes stay
  // in place when the path gets shorter and are reused, so that their
  // vectors keep their memory from one execution to the next.
  Node& open_node() {
    if (depth == nodes.size()) nodes.emplace_back();
    Node& n = nodes[depth];
    n.enabled.clear();
    n.sleep.clear();
    n.backtrack.clear();
    n.handed.clear();
    n.done.clear();
    wuts.drop(n.wut);
    wuts.drop(n.follow);
    n.wut = nil;
    n.follow = nil;
    n.chosen = no_goroutine;
    n.choices.clear();
    n.acc.clear();
    n.acc_union.clear();
    n.woken.clear();
    n.clock.clear();
    n.logged = nil;
    return n;
  }
};

SourceDporStrategy::SourceDporStrategy(bool optimal)
    : s_(std::make_unique<State>(*this, optimal)), optimal_(optimal) {}
SourceDporStrategy::SourceDporStrategy(DporTask& task)
    : s_(std::make_unique<State>(*this, task.start->optimal)), optimal_(task.start->optimal) {
  DporTask::Start& st = *task.start;
  s_->nodes = st.nodes;  // copied on this thread: its memory, not the publisher's
  // The subtree, out of the publisher's pool, unless the publisher has
  // withdrawn the task (then it is void, and its search ends at once).
  int expected = DporTask::not_copied;
  if (task.copy.compare_exchange_strong(expected, DporTask::copying, std::memory_order_acq_rel)) {
    // Marked copied however it ends: a publisher may be waiting to go on
    // (out of memory here fails the task, and the search with it).
    struct Copied {
      DporTask& t;
      ~Copied() { t.copy.store(DporTask::copied, std::memory_order_release); }
    } copied{task};
    Node& b = s_->nodes.back();
    b.follow = s_->wuts.copy(st.source, st.first);
    for (std::uint32_t f = b.follow; f != nil; f = s_->wuts[f].next) {
      s_->wuts[f].grown = 0;  // the task counts its own executions
    }
  }
  s_->depth = s_->nodes.size();
  s_->root_choices = task.start->root_choices;
  s_->base = static_cast<std::ptrdiff_t>(s_->depth) - 1;
  task.out.reset(new DporTask::Out);  // built here; retired back here once read
  task.out->assumed = task.start->assumed;
  s_->out = task.out.get();
  // task.start is left for the caller to hand back to the publisher.
}
SourceDporStrategy::~SourceDporStrategy() = default;

void SourceDporStrategy::link(DporLink* link) {
  s_->link = link;
}

void SourceDporStrategy::begin(Execution& x) {
  s_->x = &x;
  ++s_->executions;
  s_->reindex(s_->fresh_from);
  x.add_observer(&s_->feed);
  s_->next_node = 0;
  s_->cur = -1;
  s_->choice_pos = 0;
  // In place, keeping their size: a clock reads as zeros past its end, and
  // one that keeps its size does not grow again at every run.
  for (Clock& c : s_->clocks) std::fill(c.begin(), c.end(), 0);
  s_->waiting_count = 0;
  for (auto& w : s_->waiting) w.g = no_goroutine;
  blocked_ = false;
}

void SourceDporStrategy::disabled(std::span<const Candidate> waiting) {
  State& s = *s_;
  // Entries are reused (their access lists keep their memory).
  if (s.waiting.size() < waiting.size()) s.waiting.resize(waiting.size());
  s.waiting_count = waiting.size();
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    State::Waiting& w = s.waiting[i];
    const Candidate& c = waiting[i];
    if (w.g == c.g && w.op == c.op && w.obj == c.obj) continue;
    w.g = c.g;
    w.op = c.op;
    w.obj = c.obj;
    w.acc.clear();
    add_pending_accesses(c.op, c.obj, s.lock_of_cond, w.acc);
  }
}

std::size_t SourceDporStrategy::pick(std::span<const Candidate> enabled) {
  State& s = *s_;
  s.finish_step();
  const std::size_t k = s.next_node++;
  if (k < s.depth) {
    // Replaying the path to the point where this execution departs.
    const GoroutineId g = s.nodes[k].chosen;
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      if (enabled[i].g != g) continue;
      s.cur = static_cast<std::ptrdiff_t>(k);
      s.choice_pos = 0;
      if (k >= s.fresh_from) {
        s.nodes[k].acc.clear();
        s.nodes[k].woken.clear();
      }
      return i;
    }
    if (error_.empty()) {
      error_ = "the model is not deterministic: goroutine " + std::to_string(g) + " could not move at step " +
               std::to_string(k + 1) + " as it did in an earlier run";
    }
    return 0;
  }
  // A new scheduling point.
  Node& n = s.open_node();
  for (const Candidate& c : enabled) n.enabled.push_back(c.g);
  if (k > 0) {
    const Node& prev = s.nodes[k - 1];
    for (const auto* list : {&prev.sleep, &prev.done}) {
      for (const Sleeper& z : *list) {
        if (z.g != prev.chosen && !conflict(z.acc, prev.acc) && !asleep(n.sleep, z.g)) n.sleep.push_back(z);
      }
    }
  }
  s.check_waiting(k);
  std::size_t idx = enabled.size();
  if (s.optimal && k > 0 && s.nodes[k - 1].follow != nil) {
    // Continue the sequence of the wakeup tree that led here.
    Node& prev = s.nodes[k - 1];
    if (prev.choices.empty()) {
      n.wut = prev.follow;  // no other variant of that step will need it
      prev.follow = nil;
    } else {
      n.wut = s.wuts.copy(s.wuts, prev.follow);
    }
    const std::uint32_t first = s.wuts.pop_front(n.wut);
    const GoroutineId fg = s.wuts[first].g;
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      if (enabled[i].g == fg) idx = i;
    }
    if (idx != enabled.size()) {
      n.follow = s.wuts[first].child;
      // The next point starts by reading that node: a tree of tens of
      // megabytes is mostly out of cache, and the step in between hides the miss.
      s.wuts.prefetch(n.follow);
      s.wuts[first].child = nil;
    }
    s.wuts.drop(first);
  }
  if (idx == enabled.size()) {
    for (std::size_t i = 0; i < enabled.size(); ++i) {
      if (!asleep(n.sleep, enabled[i].g)) {
        idx = i;
        break;
      }
    }
  }
  if (idx == enabled.size()) {
    // Every goroutine that can move is asleep: whatever follows was explored.
    blocked_ = true;  // the node stays off the path
    s.x->abandon();
    return 0;
  }
  n.chosen = enabled[idx].g;
  n.backtrack.push_back(n.chosen);
  ++s.depth;
  s.cur = static_cast<std::ptrdiff_t>(k);
  s.choice_pos = 0;
  return idx;
}

std::size_t SourceDporStrategy::choose(std::size_t n, ChoiceKind) {
  State& s = *s_;
  if (blocked_) return 0;
  std::vector<Choice>& list = s.cur >= 0 ? s.nodes[static_cast<std::size_t>(s.cur)].choices : s.root_choices;
  if (s.choice_pos < list.size()) {
    const Choice& c = list[s.choice_pos++];
    if (c.n != n && error_.empty()) {
      error_ = "the model is not deterministic: a choice had " + std::to_string(c.n) +
               " options in an earlier run and " + std::to_string(n) + " now";
    }
    return c.taken < n ? c.taken : 0;
  }
  list.push_back({static_cast<std::uint32_t>(n), 0});
  ++s.choice_pos;
  return 0;
}

void SourceDporStrategy::on_event(const Event& e) {
  State& s = *s_;
  if (blocked_ || s.cur < 0) return;
  const auto k = static_cast<std::size_t>(s.cur);
  if (k < s.fresh_from) return;
  Node& n = s.nodes[k];
  add_accesses(e, s.lock_of_cond, n.acc);
  if (e.g != n.chosen && !contains(n.woken, e.g)) n.woken.push_back(e.g);
  if (e.partner != no_goroutine && e.partner != n.chosen && !contains(n.woken, e.partner)) {
    n.woken.push_back(e.partner);
  }
}

void SourceDporStrategy::end(std::span<const Candidate> pending) {
  State& s = *s_;
  if (blocked_) return;
  if (s.x->stopping() && s.cur >= 0 && static_cast<std::size_t>(s.cur) >= s.fresh_from) {
    // The step ended the execution: every goroutine that could still move was stopped by it.
    s.nodes[static_cast<std::size_t>(s.cur)].acc.push_back({everything, Access::write, false});
  }
  s.finish_step();
  disabled(pending);
  s.check_waiting(s.next_node);
  s.waiting_count = 0;
}

bool SourceDporStrategy::next() {
  State& s = *s_;
  if (!s.started) {
    s.started = true;
    s.fresh_from = s.base < 0 ? 0 : static_cast<std::size_t>(s.base);
    return true;
  }
  if (s.link != nullptr && s.link->wants_work()) s.publish(s.depth);
  while (s.depth > 0) {
    const std::size_t k = s.depth - 1;
    Node& n = s.nodes[k];
    while (!n.choices.empty() && n.choices.back().taken + 1 >= n.choices.back().n) n.choices.pop_back();
    if (!n.choices.empty()) {
      ++n.choices.back().taken;
      s.fresh_from = k;
      return true;
    }
    if (static_cast<std::ptrdiff_t>(k) == s.base) {
      // A task's branch is explored, with every variant of its first step.
      s.out->acc_union = n.acc_union;
      return false;
    }
    if (!asleep(n.done, n.chosen)) n.done.push_back({n.chosen, n.acc_union});
    GoroutineId g = no_goroutine;
    s.wuts.drop(n.follow);
    n.follow = nil;
    if (s.optimal) {
      while (n.wut != nil && g == no_goroutine) {
        const std::uint32_t wi = s.wuts.pop_front(n.wut);
        Wut& w = s.wuts[wi];
        const GoroutineId wg = w.g;
        std::shared_ptr<DporTask> task = s.wuts.take_task(wi);
        const bool passed = asleep(n.done, wg) || asleep(n.sleep, wg);
        if (passed || !contains(n.enabled, wg)) {
          if (task) withdraw(*task);  // not reached: never handed out so
          s.wuts.drop(wi);
          // A sequence that ends in an operation that waits here: try every goroutine that can move.
          if (!passed) s.try_every_movable(n);
          continue;
        }
        if (task && s.link->would_wait(task) && !s.publish(k) && s.predictable(w)) {
          // Rather than only wait, hand out a branch that can go (for an
          // idle thread, or with --all this one while it waits): one of an
          // earlier point, or the next one here, taking the accesses w's
          // task will report for it.
          Sleeper assumed{wg, s.predicted(w)};
          std::vector<Sleeper> done = n.done;
          done.push_back(assumed);
          s.publish_at(k, std::move(done), {std::move(assumed)});
        }
        if (task && s.await(task, n)) {
          s.wuts.drop(wi);
          // Another thread explored this branch: take its results in its place.
          if (!s.take(*task, k, wg)) return false;
          continue;
        }
        // Explored here: not handed out, taken back before it started, void,
        // or handed out on a prediction that turned out wrong.
        g = wg;
        n.follow = w.child;
        s.wuts.prefetch(n.follow);
        w.child = nil;
        s.wuts.drop(wi);
      }
    } else {
      for (bool again = true; again;) {
        again = false;
        for (GoroutineId b : n.backtrack) {
          if (asleep(n.done, b) || asleep(n.sleep, b)) continue;
          std::shared_ptr<DporTask> task = s.take_handed(n, b);
          if (task && s.link->would_wait(task)) s.publish(k);  // rather than only wait
          if (task && s.await(task, n)) {
            // Another thread explored this branch: take its results in its place.
            if (!s.take(*task, k, b)) return false;
            again = true;  // the backtrack set may have grown; look again
            break;
          }
          g = b;
          break;
        }
      }
    }
    if (g != no_goroutine) {
      n.chosen = g;
      n.choices.clear();
      n.acc.clear();
      n.acc_union.clear();
      n.woken.clear();
      s.fresh_from = k;
      return true;
    }
    --s.depth;
  }
  while (!s.root_choices.empty() && s.root_choices.back().taken + 1 >= s.root_choices.back().n) {
    s.root_choices.pop_back();
  }
  if (s.root_choices.empty()) return false;
  ++s.root_choices.back().taken;
  s.fresh_from = 0;
  return true;
}

}  // namespace weft::check
