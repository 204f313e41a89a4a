#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "application.hpp"
#include "measurements.hpp"
#include "pid_namespace.hpp"
#include "proc_reading.hpp"
#include "process.hpp"
#include "stats.hpp"

namespace bench {
namespace {

constexpr int kStartTimeoutMs = 10'000;
constexpr int kRunTimeoutMs = 300'000;
constexpr int kExitTimeoutMs = 10'000;

struct ReapingRun {
  double elapsed_ns;
  double init_cpu_ns;
  double init_waiting_ns;  // ready to run, but another task had the CPU
  long zombies;
};

// Reads up to a newline within `timeout_ms`; false on timeout or EOF.
bool read_line(int fd, char* line, size_t size, int timeout_ms) {
  int64_t deadline = now_ns() + timeout_ms * 1'000'000LL;
  size_t length = 0;
  while (length + 1 < size) {
    int left_ms = static_cast<int>((deadline - now_ns()) / 1'000'000);
    pollfd readable{fd, POLLIN, 0};
    int ready = poll(&readable, 1, left_ms < 0 ? 0 : left_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    ssize_t got = read(fd, line + length, 1);
    if (got <= 0) return false;
    if (line[length++] == '\n') break;
  }
  line[length] = '\0';
  return true;
}

ReapingRun run_once(const Options& options, const Init& init, const char* pattern, int orphans) {
  Pipe result = make_pipe();
  Pipe go = make_pipe();
  NumberText count(orphans), result_fd(result.write_end), go_fd(go.read_end);
  char* application[] = {
      const_cast<char*>(options.app_path), const_cast<char*>(pattern), count.text, result_fd.text, go_fd.text, nullptr};
  char* argv[kMaxInitWords + 6];
  command_line(init, application, argv, kMaxInitWords + 6);
  int kept[] = {result.write_end, go.read_end};
  pid_t pid = spawn_as_pid1(argv, kept, 2);
  close(result.write_end);
  close(go.read_end);

  if (!read_byte(result.read_end, kStartTimeoutMs)) fail("%s: bench-app %s did not start", init.name, pattern);
  SchedulerTimes before = scheduler_times(pid);
  if (write(go.write_end, "x", 1) != 1) fail("%s: cannot start the orphans: %s", init.name, strerror(errno));
  char line[128];
  if (!read_line(result.read_end, line, sizeof line, kRunTimeoutMs)) fail("%s: no reaping result", init.name);
  SchedulerTimes after = scheduler_times(pid);
  close(go.write_end);  // end of file: the application exits, then the init
  close(result.read_end);
  int status;
  if (!wait_for_exit(pid, kExitTimeoutMs, &status)) {
    stop(pid);
    fail("%s: did not exit after its child", init.name);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("%s: reaping run ended with status %d", init.name, status);

  int made;
  long long elapsed;
  long zombies;
  if (sscanf(line, "%d %lld %ld", &made, &elapsed, &zombies) != 3 || made != orphans) {
    fail("%s: bad reaping result '%s'", init.name, line);
  }
  return ReapingRun{static_cast<double>(elapsed), static_cast<double>(after.running_ns - before.running_ns),
                    static_cast<double>(after.waiting_ns - before.waiting_ns), zombies};
}

// Runs `bench-app PATTERN COUNT ...` under each init `repetitions` times,
// interleaved; the figures are named PREFIX_per_s, PREFIX_cpu_us,
// PREFIX_waiting_us (per orphan) and PREFIX_zombies_left.
void measure(const char* pattern, const char* prefix, const Options& options, int orphans, int repetitions,
             Results& results) {
  SampleTable rate(options.init_count, repetitions);
  SampleTable cpu_per_orphan(options.init_count, repetitions);
  SampleTable waiting_per_orphan(options.init_count, repetitions);
  long most_zombies[kMaxInits] = {};
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    for (int i = 0; i < options.init_count; ++i) {
      ReapingRun run = run_once(options, options.inits[i], pattern, orphans);
      rate.row(i)[repetition] = orphans / (run.elapsed_ns / 1e9);
      cpu_per_orphan.row(i)[repetition] = run.init_cpu_ns / 1e3 / orphans;
      waiting_per_orphan.row(i)[repetition] = run.init_waiting_ns / 1e3 / orphans;
      if (run.zombies > most_zombies[i]) most_zombies[i] = run.zombies;
    }
  }
  char metric[64];
  for (int i = 0; i < options.init_count; ++i) {
    const char* name = options.inits[i].name;
    snprintf(metric, sizeof metric, "%s_per_s", prefix);
    results.add(metric, name, orphans, median(rate.row(i), repetitions));
    snprintf(metric, sizeof metric, "%s_cpu_us", prefix);
    results.add(metric, name, orphans, median(cpu_per_orphan.row(i), repetitions));
    snprintf(metric, sizeof metric, "%s_waiting_us", prefix);
    results.add(metric, name, orphans, median(waiting_per_orphan.row(i), repetitions));
    snprintf(metric, sizeof metric, "%s_zombies_left", prefix);
    results.add(metric, name, orphans, static_cast<double>(most_zombies[i]));
  }
}

}  // namespace

void measure_reaping(const Options& options, int orphans, int repetitions, Results& results) {
  measure("orphans", "reap", options, orphans, repetitions, results);
}

void measure_burst_reaping(const Options& options, int zombies, int repetitions, Results& results) {
  measure("burst", "burst", options, zombies, repetitions, results);
  // Again with the driver, the app and the init at real-time priority
  // (SCHED_FIFO, inherited): then no other task on the machine can take the
  // CPU from them, and what remains is the init's own speed.
  // musl's sched_setscheduler() only answers ENOSYS: the system call itself.
  sched_param realtime{};
  realtime.sched_priority = 1;
  if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &realtime) != 0) {
    fprintf(stderr, "bench-driver: no real-time priority (%s): no burst figures at real-time priority\n",
            strerror(errno));
    return;
  }
  measure("burst", "burst_rt", options, zombies, repetitions, results);
  sched_param normal{};
  if (syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &normal) != 0) fail("SCHED_OTHER: %s", strerror(errno));
}

}  // namespace bench
