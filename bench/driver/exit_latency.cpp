#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "application.hpp"
#include "measurements.hpp"
#include "pid_namespace.hpp"
#include "process.hpp"
#include "stats.hpp"

namespace bench {
namespace {

constexpr int kTimeoutMs = 10'000;
constexpr int kMaxWords = kMaxInitWords + 6;

// The first child of `pid` (its main thread), as this PID namespace sees it; -1 if none.
pid_t first_child(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
  FILE* file = fopen(path, "re");
  if (file == nullptr) return -1;
  int child = -1;
  if (fscanf(file, "%d", &child) != 1) child = -1;
  fclose(file);
  return child;
}

// Starts the init as PID 1 of a new PID namespace (without a mount namespace
// of its own, whose teardown would add milliseconds of noise), waits until
// the application is ready, ends the application with SIGTERM and returns
// the time from that signal until the init has exited.
double time_to_exit(char* const argv[], const Pipe& ready) {
  pid_t init = spawn_as_pid1(argv, &ready.write_end, 1, false);
  if (!read_byte(ready.read_end, kTimeoutMs)) fail("%s as PID 1: the application did not start", argv[0]);
  pid_t application = first_child(init);
  int init_exited = static_cast<int>(syscall(SYS_pidfd_open, init, 0));
  if (application <= 0 || init_exited < 0) fail("%s as PID 1: cannot watch it: %s", argv[0], strerror(errno));
  int64_t start = now_ns();
  if (kill(application, SIGTERM) != 0) fail("cannot end the application: %s", strerror(errno));
  pollfd exited{init_exited, POLLIN, 0};
  int ready_count;
  while ((ready_count = poll(&exited, 1, kTimeoutMs)) < 0 && errno == EINTR) {
  }
  int64_t elapsed = now_ns() - start;
  close(init_exited);
  int status;
  if (ready_count != 1 || !wait_for_exit(init, kTimeoutMs, &status)) {
    stop(init);
    fail("%s as PID 1 did not exit", argv[0]);
  }
  return static_cast<double>(elapsed);
}

// pidone's words, with `--grace 0` in front when `immediate`.
Init pidone_with(const Init& pidone, bool immediate) {
  Init init = pidone;
  init.word_count = 0;
  init.words[init.word_count++] = pidone.words[0];
  if (immediate) {
    init.words[init.word_count++] = const_cast<char*>("--grace");
    init.words[init.word_count++] = const_cast<char*>("0");
  }
  for (int i = 1; i < pidone.word_count; ++i) init.words[init.word_count++] = pidone.words[i];
  return init;
}

}  // namespace

void measure_exit_latency(const Options& options, int runs, Results& results) {
  const Init* pidone = nullptr;
  for (int i = 0; i < options.init_count; ++i) {
    if (strcmp(options.inits[i].name, "pidone") == 0) pidone = &options.inits[i];
  }
  if (pidone == nullptr || pidone->word_count + 2 > kMaxInitWords) return;

  Pipe ready = make_pipe();
  NumberText ready_fd(ready.write_end);
  char* app = const_cast<char*>(options.app_path);
  char* alone[] = {app, const_cast<char*>("sleep"), ready_fd.text, nullptr};
  char* with_worker[] = {app, const_cast<char*>("worker"), ready_fd.text, nullptr};
  struct Scenario {
    const char* metric;
    char** application;
  } scenarios[] = {{"exit_alone_us", alone}, {"exit_worker_us", with_worker}};
  const char* variants[] = {"pidone", "pidone --grace 0"};

  for (const Scenario& scenario : scenarios) {
    SampleTable latency(2, runs);
    for (int run = 0; run < runs; ++run) {
      for (int variant = 0; variant < 2; ++variant) {
        Init init = pidone_with(*pidone, variant == 1);
        char* argv[kMaxWords];
        command_line(init, scenario.application, argv, kMaxWords);
        latency.row(variant)[run] = time_to_exit(argv, ready);
      }
    }
    for (int variant = 0; variant < 2; ++variant) {
      results.add(scenario.metric, variants[variant], runs, median(latency.row(variant), runs) / 1e3);
    }
  }
  close(ready.read_end);
  close(ready.write_end);
}

}  // namespace bench
