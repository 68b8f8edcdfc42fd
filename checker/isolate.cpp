#include "weft/isolate.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>

#include "weft/check.h"
#include "weft/misuse.h"
#include "weft/report_json.h"
#include "weft/symbolize.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WEFT_ISOLATE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define WEFT_ISOLATE_SANITIZED 1
#endif
#endif

namespace weft::check {

namespace {

// Exploring threads of one worker that get a journal; more threads run unwatched.
constexpr std::uint32_t max_slots = 8;
// Decisions kept per journal (8 MiB each, mapped without reserve, touched as used).
constexpr std::uint64_t slot_capacity = std::uint64_t{1} << 20;
// The worker's exit status after a failed allocation under the memory limit.
constexpr int out_of_memory_status = 86;
constexpr int poll_ms = 20;

// The memory a worker shares with its supervisor. Written by the worker,
// read by the supervisor while it runs and after it died.
struct Area {
  std::atomic<int> crash_signal{0};
  std::atomic<int> crash_slot{-1};
  std::atomic<int> stack_overflow{0};
  std::atomic<std::uintptr_t> crash_pc{0};
  std::atomic<std::uint32_t> out_of_memory{0};
  std::atomic<std::uint32_t> slots_used{0};
  std::atomic<std::uint64_t> executions{0};  // as the search counts them (progress)
  std::atomic<std::uint64_t> steps{0};
  detail::Journal slots[max_slots];
};

struct Mapping {
  Area* area = nullptr;
  void* base = nullptr;
  std::size_t size = 0;
  Mapping() {
    size = sizeof(Area) + 64 + std::size_t{max_slots} * slot_capacity * sizeof(Decision);
    base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) throw std::runtime_error("cannot map the worker's shared memory");
    area = new (base) Area();
    auto* decisions = reinterpret_cast<Decision*>(static_cast<char*>(base) + (sizeof(Area) + 63) / 64 * 64);
    for (std::uint32_t i = 0; i < max_slots; ++i) {
      area->slots[i].capacity = slot_capacity;
      area->slots[i].decisions = decisions + std::size_t{i} * slot_capacity;
    }
  }
  ~Mapping() {
    area->~Area();
    munmap(base, size);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
};

// --- in the worker ---

Area* worker_area = nullptr;
thread_local int worker_slot = -1;  // -1: not claimed yet; -2: none left

void install_altstack() {
  // A stack overflow faults with the stack pointer in the guard page: the
  // handler needs a stack of its own.
  const std::size_t size = 64 * 1024;
  void* mem = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return;
  stack_t ss{};
  ss.ss_sp = mem;
  ss.ss_size = size;
  sigaltstack(&ss, nullptr);
}

detail::Journal* claim_journal() {
  if (worker_slot == -1) {
    const std::uint32_t n = worker_area->slots_used.fetch_add(1);
    worker_slot = n < max_slots ? static_cast<int>(n) : -2;
    install_altstack();
  }
  return worker_slot >= 0 ? &worker_area->slots[worker_slot] : nullptr;
}

void on_fatal_signal(int sig, siginfo_t* info, void* context) {
  if (worker_area != nullptr) {
    int none = 0;
    if (worker_area->crash_signal.compare_exchange_strong(none, sig)) {
      worker_area->crash_slot.store(worker_slot);
#if defined(__x86_64__)
      const auto* uc = static_cast<const ucontext_t*>(context);
      const auto pc = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
      const auto sp = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
      const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
      if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL) worker_area->crash_pc.store(pc);
      if ((sig == SIGSEGV || sig == SIGBUS) && addr + 64 * 1024 > sp && addr < sp + 64 * 1024) {
        worker_area->stack_overflow.store(1);
      }
#else
      (void)context;
#endif
    }
  }
  // SA_RESETHAND restored the default action: a faulting instruction runs
  // again and now ends the worker with this signal. A sent signal (abort,
  // raise, kill) is sent again.
  if (info->si_code <= 0 || sig == SIGABRT) {
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

void on_out_of_memory() {
  if (worker_area != nullptr) worker_area->out_of_memory.store(1);
  _exit(out_of_memory_status);
}

std::uint64_t statm_field(const char* path, int field) {
  std::ifstream in(path);
  std::uint64_t v = 0;
  for (int i = 0; i <= field && (in >> v); ++i) {
  }
  return v * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

void become_worker(Area* area, const IsolationOptions& iso) {
  worker_area = area;
  worker_slot = -1;
  detail::journal_for_thread = &claim_journal;
  claim_journal();  // the main thread's journal and signal stack
  struct sigaction sa {};
  sa.sa_sigaction = &on_fatal_signal;
  sa.sa_flags = static_cast<int>(SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER);
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
  std::set_new_handler(&on_out_of_memory);
#ifndef WEFT_ISOLATE_SANITIZED
  // Sanitizers reserve terabytes of address space: there the supervisor's
  // resident-memory watch is the only limit.
  if (iso.max_memory_mb > 0) {
    const std::uint64_t limit = statm_field("/proc/self/statm", 0) + iso.max_memory_mb * 1024 * 1024;
    rlimit rl{limit, limit};
    setrlimit(RLIMIT_AS, &rl);
  }
#else
  (void)iso;
#endif
}

void flush_all() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
}

std::mutex send_mu;

void send(int fd, char type, const std::string& payload) {
  std::lock_guard<std::mutex> lock(send_mu);
  std::string msg(1, type);
  const std::uint64_t n = payload.size();
  msg.append(reinterpret_cast<const char*>(&n), sizeof n);
  msg += payload;
  std::size_t off = 0;
  while (off < msg.size()) {
    const ssize_t w = write(fd, msg.data() + off, msg.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    off += static_cast<std::size_t>(w);
  }
}

// --- in the supervisor ---

struct Watch {
  std::uint64_t started = 0;
  std::uint64_t count = 0;
  std::chrono::steady_clock::time_point since;
};

WorkerEnd supervise(pid_t pid, Area* area, const IsolationOptions& iso, int fd, std::string* sink) {
  using Clock = std::chrono::steady_clock;
  const std::uint64_t rss_base = statm_field("/proc/self/statm", 1);
  const std::string statm = "/proc/" + std::to_string(pid) + "/statm";
  Watch watch[max_slots];
  for (Watch& w : watch) w.since = Clock::now();
  int killed_hung = -1;
  bool killed_oom = false;
  int status = 0;
  bool dead = false;
  char buf[65536];
  int wait_ms = 1;  // short waits first: most workers of small checks end within milliseconds
  while (true) {
    if (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      const int ready = poll(&p, 1, dead ? 0 : wait_ms);
      wait_ms = std::min(wait_ms * 2, poll_ms);
      if (ready > 0) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
          sink->append(buf, static_cast<std::size_t>(n));
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        close(fd);
        fd = -1;
        // The worker closes its end only as it exits.
        if (!dead && waitpid(pid, &status, 0) == pid) dead = true;
      }
    } else if (!dead) {
      usleep(static_cast<useconds_t>(wait_ms) * 1000);
      wait_ms = std::min(wait_ms * 2, poll_ms);
    }
    if (!dead) {
      const pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) dead = true;
    }
    if (dead) {
      if (fd < 0) break;
      continue;  // drain what the worker wrote before it ended
    }
    const auto now = Clock::now();
    const std::uint32_t used = std::min(area->slots_used.load(), max_slots);
    for (std::uint32_t i = 0; i < used && killed_hung < 0 && iso.execution_timeout > 0; ++i) {
      const detail::Journal& j = area->slots[i];
      const std::uint64_t started = j.started.load(std::memory_order_acquire);
      const std::uint64_t count = j.count.load(std::memory_order_acquire);
      if (j.active.load() == 0 || started != watch[i].started || count != watch[i].count) {
        watch[i] = {started, count, now};
      } else if (std::chrono::duration<double>(now - watch[i].since).count() >= iso.execution_timeout) {
        killed_hung = static_cast<int>(i);
        kill(pid, SIGKILL);
      }
    }
    if (iso.max_memory_mb > 0 && !killed_oom && killed_hung < 0 &&
        statm_field(statm.c_str(), 1) > rss_base + iso.max_memory_mb * 1024 * 1024) {
      killed_oom = true;
      kill(pid, SIGKILL);
    }
  }

  WorkerEnd end;
  int slot = -1;
  if (killed_hung >= 0) {
    end.how = WorkerEnd::How::hung;
    slot = killed_hung;
  } else if (killed_oom || (WIFEXITED(status) && WEXITSTATUS(status) == out_of_memory_status &&
                            area->out_of_memory.load() != 0)) {
    end.how = WorkerEnd::How::out_of_memory;
  } else if (WIFSIGNALED(status)) {
    end.how = WorkerEnd::How::crashed;
    end.signal = WTERMSIG(status);
    slot = area->crash_slot.load();
    end.stack_overflow = area->stack_overflow.load() != 0 && area->crash_signal.load() == end.signal;
    if (const std::uintptr_t pc = area->crash_pc.load(); pc != 0 && area->crash_signal.load() == end.signal) {
      Symbol s = symbolize(reinterpret_cast<const void*>(pc + 1));
      if (!s.file.empty() && s.file != "??") {
        end.where.file = s.file;
#ifdef WEFT_SOURCE_DIR
        const std::string root = std::string(WEFT_SOURCE_DIR) + "/";
        if (end.where.file.rfind(root, 0) == 0) end.where.file = end.where.file.substr(root.size());
#endif
        end.where.line = s.line;
        end.where.function = s.function;
        end.where.role = "crashed here";
      }
    }
  } else {
    end.how = WorkerEnd::How::exited;
    end.status = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  }
  if (slot < 0 && end.how != WorkerEnd::How::exited) {
    // No handler ran (a kill from outside): the execution that was running.
    for (std::uint32_t i = 0; i < std::min(area->slots_used.load(), max_slots); ++i) {
      if (area->slots[i].active.load() != 0) {
        slot = static_cast<int>(i);
        break;
      }
    }
  }
  if (slot >= 0 && static_cast<std::uint32_t>(slot) < max_slots && area->slots[slot].active.load() != 0) {
    const detail::Journal& j = area->slots[slot];
    const std::uint64_t n = std::min(j.count.load(), j.capacity);
    end.schedule.assign(j.decisions, j.decisions + n);
    end.running = j.running.load();
    for (const Decision& d : end.schedule) end.steps += d.kind == Decision::Kind::pick ? 1 : 0;
  }
  return end;
}

pid_t fork_flushed() {
  flush_all();
  const pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error(std::string("cannot start a worker process: ") + std::strerror(errno));
  return pid;
}

std::string mib(std::uint64_t v) {
  return std::to_string(v) + " MiB";
}

}  // namespace

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
    case SIGKILL:
      return "SIGKILL";
    case SIGTERM:
      return "SIGTERM";
    case SIGTRAP:
      return "SIGTRAP";
    case 0:
      return "exit";
    default:
      return "signal " + std::to_string(sig);
  }
}

std::string describe_signal(int sig) {
  const char* what = sig == SIGSEGV   ? "segmentation fault"
                     : sig == SIGBUS  ? "bus error"
                     : sig == SIGFPE  ? "arithmetic exception"
                     : sig == SIGILL  ? "illegal instruction"
                     : sig == SIGABRT ? "abort"
                                      : nullptr;
  return what != nullptr ? signal_name(sig) + " (" + what + ")" : signal_name(sig);
}

Finding death_finding(const WorkerEnd& end, const IsolationOptions& iso) {
  Finding f;
  const std::string g =
      end.running == no_goroutine ? "the main goroutine's start" : "goroutine " + std::to_string(end.running);
  const std::string after = " after " + std::to_string(end.steps) + (end.steps == 1 ? " step" : " steps");
  if (end.how == WorkerEnd::How::hung) {
    f.kind = FindingKind::hang;
    char t[32];
    std::snprintf(t, sizeof t, "%g", iso.execution_timeout);
    f.message = g + " ran for " + t + " s without reaching a scheduling point" + after +
                " (a spin loop on a plain variable? limit: --execution-timeout " + t + ")";
  } else {
    f.kind = FindingKind::crash;
    f.object = signal_name(end.signal);
    if (end.signal == 0) {
      f.message = "the program ended the worker with exit status " + std::to_string(end.status) + " in " + g +
                  after + " (a sanitizer report on stderr?)";
    } else if (end.stack_overflow) {
      f.message = "fiber stack overflow in " + g + after + ": " + describe_signal(end.signal) +
                  " in the stack's guard page (unbounded recursion? each goroutine has a fixed stack)";
    } else {
      f.message = "the program crashed with " + describe_signal(end.signal) + " in " + g + after;
    }
    if (!end.where.file.empty()) f.message += " at " + end.where.file + ":" + std::to_string(end.where.line);
  }
  if (!end.where.file.empty()) f.locations.push_back(end.where);
  if (end.running != no_goroutine) f.goroutines.push_back(end.running);
  f.key_steps.push_back(end.steps);
  f.trace.schedule = end.schedule;
  f.trace.steps = end.steps;
  return f;
}

WorkerEnd run_in_worker(const IsolationOptions& iso, const std::function<int()>& fn) {
  Mapping m;
  const pid_t pid = fork_flushed();
  if (pid == 0) {
    become_worker(m.area, iso);
    int rc = 3;
    try {
      rc = fn();
    } catch (const std::exception& e) {
      std::cerr << "weft: internal error: " << e.what() << "\n";
    }
    flush_all();
    _exit(rc);
  }
  return supervise(pid, m.area, iso, -1, nullptr);
}

Report run_isolated(const std::string& model, const Params& params, const CheckOptions& options,
                    const IsolationOptions& iso, const std::function<Report(const CheckOptions&)>& search) {
  Mapping m;
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("cannot open a pipe: ") + std::strerror(errno));
  const pid_t pid = fork_flushed();
  if (pid == 0) {
    close(fds[0]);
    const int out = fds[1];
    become_worker(m.area, iso);
    Area* area = m.area;
    CheckOptions o = options;
    o.on_finding = [out, &model, &params, &options](const Finding& f) {
      Report one = Report::of(model, params, options);
      one.findings.push_back(f);
      send(out, 'F', report_to_json(one, false));
    };
    o.on_progress = [area, &options](const Stats& s, std::size_t n) {
      area->executions.store(s.executions);
      area->steps.store(s.steps);
      if (options.on_progress) options.on_progress(s, n);
    };
    try {
      const Report r = search(o);
      send(out, 'R', report_to_json(r));
    } catch (const ModelError& e) {
      send(out, 'M', e.what());
    } catch (const MisuseError& e) {
      send(out, 'U', e.what());
    } catch (const std::invalid_argument& e) {
      send(out, 'I', e.what());
    } catch (const std::exception& e) {
      send(out, 'E', e.what());
    }
    flush_all();
    close(out);
    _exit(0);
  }
  close(fds[1]);
  const auto started = std::chrono::steady_clock::now();
  std::string bytes;
  const WorkerEnd end = supervise(pid, m.area, iso, fds[0], &bytes);

  Report report = Report::of(model, params, options);
  std::set<std::string> seen;
  std::size_t at = 0;
  while (at + 1 + sizeof(std::uint64_t) <= bytes.size()) {
    const char type = bytes[at];
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data() + at + 1, sizeof n);
    const std::size_t begin = at + 1 + sizeof n;
    if (n > bytes.size() - begin) break;  // cut off by the worker's death
    const std::string payload = bytes.substr(begin, n);
    at = begin + n;
    switch (type) {
      case 'R': {
        if (end.how != WorkerEnd::How::exited) break;
        Report r = report_from_json(payload);
        r.options = options;
        r.options.on_finding = nullptr;
        return r;
      }
      case 'F': {
        Report one = report_from_json(payload);
        for (Finding& f : one.findings) {
          if (seen.insert(std::string(finding_name(f.kind)) + "|" + f.message).second) {
            report.findings.push_back(std::move(f));
          }
        }
        break;
      }
      case 'M':
        throw ModelError(payload);
      case 'U':
        throw MisuseError(payload);
      case 'I':
        throw std::invalid_argument(payload);
      case 'E':
        throw std::runtime_error(payload);
      default:
        break;
    }
  }
  report.stats.executions = m.area->executions.load();
  report.stats.steps = m.area->steps.load();
  if (report.stats.executions == 0) {
    // Threads of a parallel search report no progress: count the executions
    // the journals saw begin (the dying one and trace replays included).
    for (std::uint32_t i = 0; i < std::min(m.area->slots_used.load(), max_slots); ++i) {
      report.stats.executions += m.area->slots[i].started.load();
    }
    if (report.stats.executions > 0) --report.stats.executions;  // the one that died
  }
  report.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.complete = false;
  if (end.how == WorkerEnd::How::out_of_memory) {
    report.incomplete_reason = "limit: memory (" + mib(iso.max_memory_mb) +
                               " per worker) reached in execution " +
                               std::to_string(report.stats.executions + 1) +
                               "; the program likely allocates without bound (raise with --max-memory)";
  } else {
    WorkerEnd death = end;
    if (death.how == WorkerEnd::How::exited) death.how = WorkerEnd::How::crashed;  // died without a report
    Finding f = death_finding(death, iso);
    f.execution = report.stats.executions + 1;
    report.findings.push_back(std::move(f));
    report.incomplete_reason = std::string("stopped at the ") +
                               (end.how == WorkerEnd::How::hung ? "hang" : "crash") +
                               " of the program under test: the search does not go on past it "
                               "(the findings before it are kept)";
  }
  return report;
}

}  // namespace weft::check
