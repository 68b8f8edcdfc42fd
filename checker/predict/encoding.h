// The SMT encoding of one window of a recorded execution, and the queries
// asked of it. Events before the window stay where they were observed
// (constants); events in the window get an integer order variable; each
// goroutine gets a count of executed events, so executed events form a
// prefix of its program order and the first one not executed is where the
// goroutine stands. docs/prediction.md says the same in plain words.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <string>
#include <vector>

#include "trace_model.h"
#include "weft/op.h"

namespace weft::predict {

struct Query {
  enum class Kind : std::uint8_t { lost_update, deadlock, leak };
  Kind kind = Kind::deadlock;
  // Lost update: two read-modify-write pairs of different goroutines.
  std::size_t r1 = none, w1 = none, r2 = none, w2 = none;
  // Deadlock from a lock-order cycle: these lock events are where the
  // goroutines of the cycle stand, blocked by each other for good. The rest
  // of the program is left to the confirming run: main then either blocks
  // too (deadlock) or returns (goroutine leak).
  std::vector<std::size_t> blocked_at;
  std::string key;  // the same query in another window has the same key

  FindingKind finding() const;
};

// Candidate queries for the window [begin, end) of picks. The queries
// without a hint (every goroutine done or blocked) are only asked in the
// window that reaches the end of the execution, after the cheap
// filters: must-happen-before (program order, spawn, channel messages),
// locksets (both pairs inside critical sections of one lock), lock-order
// cycles. `candidates` counts the queries before filtering.
std::vector<Query> make_queries(const TraceModel& t, std::size_t begin, std::size_t end, std::size_t per_site,
                                std::uint64_t& candidates);

class WindowEncoding {
 public:
  // The reads of the lost-update queries get their read-from constraint
  // under a literal, so a query can free them.
  WindowEncoding(z3::context& c, const TraceModel& t, std::size_t begin, std::size_t end,
                 const std::vector<Query>& queries);
  // Every constraint that holds for all queries.
  void add_base(z3::solver& s);
  // What the query asks for, to be asserted under an assumption literal.
  z3::expr formula(const Query& q);
  // The read-from constraints the query keeps (all but the reads it frees).
  void keep_literals(const Query& q, z3::expr_vector& out) const;
  // The executed events of a satisfying model in their predicted order. A
  // lost update's prefix ends at the later of its two writes.
  std::vector<std::size_t> order(const z3::model& m, const Query& q) const;
  std::size_t variables() const { return vars_; }

 private:
  enum class Scope : std::uint8_t { fixed, var, out };
  Scope scope(std::size_t e) const { return scope_[e]; }
  z3::expr X(std::size_t e);
  z3::expr O(std::size_t e);
  z3::expr at(std::size_t e);
  z3::expr exists(GoroutineId g);
  z3::expr done(GoroutineId g);
  z3::expr blocked(GoroutineId g);
  z3::expr blocked_at(std::size_t e);
  z3::expr held(ObjectId m, bool write);
  z3::expr wg_counter(ObjectId m);
  z3::expr closed(std::size_t channel);
  z3::expr in_buffer(std::size_t channel);
  z3::expr partner_waiting(std::size_t channel, GoroutineId g, OpKind op);
  z3::expr quiescent();
  void find_runs();
  bool same_run(std::size_t a, std::size_t b, std::size_t c) const;
  void add_reads(z3::solver& s);
  void add_sections(z3::solver& s);
  void add_channels(z3::solver& s);
  void add_waitgroups(z3::solver& s);
  void add_frozen(z3::solver& s);

  z3::context& c_;
  const TraceModel& t_;
  std::size_t begin_;
  std::size_t end_;
  std::vector<Scope> scope_;
  std::vector<std::uint32_t> lo_, hi_;  // bounds of each goroutine's executed count
  std::vector<z3::expr> count_;         // per goroutine
  // Buffered channels: how many messages were sent / received at the cut.
  // FIFO keeps the executed sends (receives) a prefix in message order, so
  // message k was sent iff sent > k.
  std::vector<z3::expr> sent_, received_;
  std::vector<int> var_of_;  // event -> index into order_ (-1: none)
  std::vector<z3::expr> order_;
  std::vector<int> keep_of_;  // event -> index into keep_ (-1: not guarded)
  std::vector<z3::expr> keep_;
  std::vector<std::size_t> guarded_reads_;
  // Critical sections of one lock that pass data along (a read in each one
  // sees a write of the one before) keep their recorded order: a run.
  std::vector<std::size_t> run_of_;   // section -> run (none: not in one)
  std::vector<std::size_t> run_pos_;  // section -> position in its run
  std::vector<std::size_t> link_;     // section -> its read of the previous one's write (none)
  std::vector<std::vector<std::size_t>> sections_of_;  // event -> sections it lies in
  std::size_t vars_ = 0;
};

}  // namespace weft::predict
