// A two-stage pipeline: a producer sends jobs, a pool of workers squares
// them, main collects the results. The workers stop when the jobs channel
// is closed; main knows how many results to expect. Drop the close() and
// weft reports the workers as leaked goroutines.
#include "weft/weft.h"

WEFT_MODEL(pipeline, "producer, a pool of workers and a collector connected by channels", weft::Expect::ok(),
           {"jobs", 3, "jobs to send", 1, 8}, {"workers", 2, "workers in the pool", 1, 4}) {
  const auto jobs = weft::param("jobs");
  const auto workers = weft::param("workers");
  weft::Chan<int> todo{"todo"};
  weft::Chan<int> done{"done", 1};
  weft::go([=] {
    for (int i = 1; i <= jobs; ++i) todo.send(i);
    todo.close();
  });
  for (int w = 0; w < workers; ++w) {
    weft::go([=] {
      for (int job : todo) done.send(job * job);  // ends when todo is closed and drained
    });
  }
  int sum = 0;
  for (int i = 0; i < jobs; ++i) sum += done.recv();
  weft::expect(sum == jobs * (jobs + 1) * (2 * jobs + 1) / 6, "the sum of the squares");
}
