// A random program generator for testing exploration strategies by
// difference: 2-4 goroutines over every primitive (plain and atomic
// variables, Mutex, RWMutex, channels of random capacity, select, WaitGroup,
// Once, Cond, choose) with bounded loops. A program is data: it can be
// printed (to turn a disagreement into a regression test) and run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weft::progen {

struct Instr {
  enum Op : std::uint8_t {
    load,          // acc += s[a]
    store,         // s[a] = acc + b
    inc,           // s[a]++
    atomic_add,    // at.fetch_add(b)
    atomic_cas,    // at.compare_and_swap(b, b + 1)
    atomic_load,   // acc += at
    locked,        // mu.lock(); body; mu.unlock()
    read_locked,   // rw.rlock(); acc += s[a]; rw.runlock()
    write_locked,  // rw.lock(); s[a] = b; rw.unlock()
    send,          // ch.send(b)
    recv,          // acc += <-ch
    close,         // close(ch)
    select,        // select { v := <-ch; ch <- b; [default] } (a: with default)
    once,          // once.Do(s[a] = b)
    choice,        // s[a] = choose(2)
    loop,          // 2x body
    cond_wait,     // mu.lock(); if flag == 0 { cond.Wait() }; mu.unlock()
    cond_signal,   // mu.lock(); flag = 1; cond.Signal() (a: Broadcast); mu.unlock()
    count_
  };
  Op op = load;
  int a = 0;
  int b = 0;
  std::vector<Instr> body;
};

struct Program {
  std::size_t capacity = 0;  // of the channel
  bool join = false;         // main waits for every goroutine on a WaitGroup
  std::vector<std::vector<Instr>> goroutines;
};

Program generate(std::uint64_t seed);
std::string to_string(const Program& p);
// Runs the program as a model body (inside an execution).
void run(const Program& p);

}  // namespace weft::progen

#include <set>

namespace weft::progen {

// What a program can do, over a whole search: each execution contributes one
// line with the finding kinds it showed, the last value written to every
// variable and the goroutines left blocked at the end.
struct Outcomes {
  std::set<std::string> seen;
  std::uint64_t executions = 0;
  std::uint64_t blocked = 0;
  bool complete = false;  // false: the cap on executions ended the search
};

Outcomes explore(const Program& p, const std::string& strategy, std::uint64_t max_executions);

}  // namespace weft::progen
