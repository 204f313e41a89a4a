#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measurements.hpp"
#include "pid_namespace.hpp"
#include "process.hpp"
#include "stats.hpp"

namespace bench {
namespace {

constexpr int kExitTimeoutMs = 10'000;
constexpr int kMaxWords = kMaxInitWords + 6;

// Wall time from starting the init as PID 1 of a new namespace until it was
// reaped (the kernel reaps it only once nothing else is left in it).
double timed_run_as_pid1(char* const argv[]) {
  int64_t start = now_ns();
  pid_t pid = spawn_as_pid1(argv, nullptr, 0, false);
  int status;
  if (!wait_for_exit(pid, kExitTimeoutMs, &status)) {
    stop(pid);
    fail("%s as PID 1 did not exit", argv[0]);
  }
  int64_t elapsed = now_ns() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("%s as PID 1: wait status %d", argv[0], status);
  return static_cast<double>(elapsed);
}

// pidone's words, with `--grace 0` in front when `immediate`.
void init_words(const Init& pidone, bool immediate, char** words) {
  int count = 0;
  words[count++] = pidone.words[0];
  if (immediate) {
    words[count++] = const_cast<char*>("--grace");
    words[count++] = const_cast<char*>("0");
  }
  for (int i = 1; i < pidone.word_count; ++i) words[count++] = pidone.words[i];
  words[count] = nullptr;
}

}  // namespace

void measure_exit_latency(const Options& options, int runs, Results& results) {
  const Init* pidone = nullptr;
  for (int i = 0; i < options.init_count; ++i) {
    if (strcmp(options.inits[i].name, "pidone") == 0) pidone = &options.inits[i];
  }
  if (pidone == nullptr) return;

  char* alone[] = {const_cast<char*>(options.true_path), nullptr};
  char* with_worker[] = {const_cast<char*>(options.app_path), const_cast<char*>("worker"), nullptr};
  struct Scenario {
    const char* metric;
    char** application;
  } scenarios[] = {{"exit_alone_us", alone}, {"exit_worker_us", with_worker}};
  const char* variants[] = {"pidone", "pidone --grace 0"};

  for (const Scenario& scenario : scenarios) {
    SampleTable wall(2, runs);
    for (int run = 0; run < runs; ++run) {
      for (int variant = 0; variant < 2; ++variant) {
        Init init{};
        init_words(*pidone, variant == 1, init.words);
        while (init.words[init.word_count] != nullptr) ++init.word_count;
        char* argv[kMaxWords];
        command_line(init, scenario.application, argv, kMaxWords);
        wall.row(variant)[run] = timed_run_as_pid1(argv);
      }
    }
    for (int variant = 0; variant < 2; ++variant) {
      results.add(scenario.metric, variants[variant], runs, median(wall.row(variant), runs) / 1e3);
    }
  }
}

}  // namespace bench
