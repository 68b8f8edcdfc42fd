// What one fork costs on this machine, apart from weft: fork, a write to one
// page in the child, _exit, waitpid, with MB megabytes of the parent's heap
// dirty. The floor under crash isolation's fixed cost per check
// (docs/performance.md, "Crash isolation overhead").
//
//   g++ -O2 -o fork_cost bench/isolation/fork_cost.cpp && ./fork_cost 14
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  const std::size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 0;
  std::vector<char> heap(mb << 20);
  std::memset(heap.data(), 1, heap.size());
  for (int round = 0; round < 7; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      if (!heap.empty()) heap[0] = 2;
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu MB dirty: fork + exit + wait %.2f ms\n", mb, ms);
  }
  return 0;
}
