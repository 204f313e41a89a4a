#include <sys/wait.h>

#include "measurements.hpp"
#include "process.hpp"
#include "stats.hpp"

namespace bench {
namespace {

// Wall time of one run, from before the fork until the program was reaped.
double timed_run(char* const argv[]) {
  int64_t start = now_ns();
  pid_t pid = spawn(argv);
  int status;
  while (waitpid(pid, &status, 0) < 0) {
  }
  int64_t elapsed = now_ns() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("%s ... exited with wait status %d", argv[0], status);
  return static_cast<double>(elapsed);
}

}  // namespace

void measure_startup(const Options& options, int runs, Results& results) {
  char* alone[] = {const_cast<char*>(options.true_path), nullptr};
  char* argv[kMaxInits][kMaxInitWords + 2];
  for (int i = 0; i < options.init_count; ++i) {
    command_line(options.inits[i], alone, argv[i], kMaxInitWords + 2);
  }
  SampleTable overhead(options.init_count + 1, runs);
  double* baseline = overhead.row(options.init_count);
  for (int run = 0; run < runs; ++run) {
    baseline[run] = timed_run(alone);
    for (int i = 0; i < options.init_count; ++i) overhead.row(i)[run] = timed_run(argv[i]) - baseline[run];
  }
  for (int i = 0; i < options.init_count; ++i) {
    const char* name = options.inits[i].name;
    results.add("startup_us", name, runs, median(overhead.row(i), runs) / 1e3);
  }
  results.add("true_us", "true", runs, median(baseline, runs) / 1e3);
}

}  // namespace bench
