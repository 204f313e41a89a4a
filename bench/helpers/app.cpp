// bench-app: the application the benchmark runs under each init (never shipped).
//
//   bench-app sleep FD
//       writes one byte to FD, then sleeps until a signal ends it.
//   bench-app ack FD
//       with SIGUSR1 and SIGTERM blocked, writes one byte to FD when ready and
//       one more for each SIGUSR1 received; exits 0 on SIGTERM.
//   bench-app orphans COUNT RESULT_FD GO_FD
//       writes one byte to RESULT_FD when ready and waits for one byte on GO_FD;
//       then creates COUNT orphans, 100 at a time (grandchildren whose parent
//       has exited and been reaped by the app, so that only the init can reap
//       them), waits until the init has no child left but the app, and writes
//       "COUNT ELAPSED_NS ZOMBIES\n" to RESULT_FD: the time from the first fork
//       until the last orphan was reaped, and the zombies left then in /proc.
//       Then waits for end of file on GO_FD and exits 0.
//   bench-app burst COUNT RESULT_FD GO_FD
//       the same with COUNT orphans made by one parent, which exits only once
//       they have all exited: the init gets COUNT zombies at once, and the
//       clock starts when their parent is told to exit.
//   bench-app serve handle|default
//       writes "ready" to stdout, then waits: with `handle`, exits 0 on
//       SIGTERM; with `default`, leaves SIGTERM's disposition alone (as PID 1
//       of a container the kernel then drops it).
//   bench-app worker FD
//       starts a worker that exits 0 on SIGTERM and, once the worker runs,
//       does what `sleep FD` does: a signal ends it, leaving the worker behind.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

constexpr long long kReapDeadlineNs = 120'000'000'000LL;

long long now_ns() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1'000'000'000LL + now.tv_nsec;
}

bool write_byte(int fd) {
  char byte = 'x';
  for (;;) {
    ssize_t written = write(fd, &byte, 1);
    if (written == 1) return true;
    if (written < 0 && errno == EINTR) continue;
    return false;
  }
}

// One byte: true; end of file or error: false.
bool read_byte(int fd) {
  char byte;
  for (;;) {
    ssize_t got = read(fd, &byte, 1);
    if (got == 1) return true;
    if (got < 0 && errno == EINTR) continue;
    return false;
  }
}

int parse_int(const char* text) {
  char* end;
  long value = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < 0 || value > 1'000'000'000L) {
    fprintf(stderr, "bench-app: bad number '%s'\n", text);
    exit(2);
  }
  return static_cast<int>(value);
}

int sleep_until_signalled(int ready_fd) {
  if (!write_byte(ready_fd)) return 1;
  for (;;) pause();
}

int acknowledge_signals(int ack_fd) {
  sigset_t waited;
  sigemptyset(&waited);
  sigaddset(&waited, SIGUSR1);
  sigaddset(&waited, SIGTERM);
  sigprocmask(SIG_BLOCK, &waited, nullptr);
  if (!write_byte(ack_fd)) return 1;
  for (;;) {
    int signal = sigwaitinfo(&waited, nullptr);
    if (signal == SIGTERM) return 0;
    if (signal == SIGUSR1 && !write_byte(ack_fd)) return 1;
  }
}

// Children of `pid` (its main thread) other than `self`, from
// /proc/PID/task/PID/children: zombies not yet reaped are still listed.
long count_other_children(pid_t pid, pid_t self) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  static char buffer[65536];
  long count = 0;
  long number = -1;
  for (;;) {
    ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    for (ssize_t i = 0; i < got; ++i) {
      char c = buffer[i];
      if (c >= '0' && c <= '9') {
        number = (number < 0 ? 0 : number * 10) + (c - '0');
      } else {
        if (number >= 0 && number != self) ++count;
        number = -1;
      }
    }
  }
  if (number >= 0 && number != self) ++count;
  close(fd);
  return count;
}

// Processes in state Z anywhere in this PID namespace's /proc.
long count_zombies() {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return -1;
  long zombies = 0;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    char path[sizeof entry->d_name + 16];
    snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char stat[512];
    ssize_t got = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (got <= 0) continue;
    stat[got] = '\0';
    const char* after_name = strrchr(stat, ')');  // the name may hold spaces and parentheses
    if (after_name != nullptr && after_name[1] == ' ' && after_name[2] == 'Z') ++zombies;
  }
  closedir(proc);
  return zombies;
}

constexpr int kOrphansPerParent = 100;

int exit_at_once(void*) { return 0; }

// On a machine shared with other work, the system-wide PID space can run
// short for a moment: fork and clone then fail with EAGAIN. Retry for a while.
constexpr int kAgainRetries = 10'000;
constexpr timespec kAgainPause{0, 1'000'000};

template <typename Start>
pid_t start_process(Start start) {
  for (int retry = 0;; ++retry) {
    pid_t pid = start();
    if (pid >= 0 || errno != EAGAIN || retry == kAgainRetries) return pid;
    nanosleep(&kAgainPause, nullptr);
  }
}

// Holds back the exit of a burst's middle: `fds` is a socket pair; the
// middle sends the pid of its last child once all are made, and exits when
// the app closes its end, at `released`.
struct Hold {
  int fds[2];
  pid_t last;
  long long released;
};

// A middle process starts `count` children and exits; the app reaps the
// middle, so its children are re-parented to the init, which must reap them.
// CLONE_VM | CLONE_VFORK makes each child cheap (no copy of the address
// space) and lets them share one stack, as each has exited before the next
// starts: they reach the init as zombies, all at once when the middle exits.
// Returns 0 or the errno of the failed fork or clone.
int make_orphans_in_batch(int count, Hold* hold = nullptr) {
  pid_t middle = start_process([] { return fork(); });
  if (middle < 0) return errno;
  if (middle == 0) {
    alignas(16) static char stack[4096];
    pid_t last = 0;
    for (int i = 0; i < count; ++i) {
      auto start_orphan = [] {
        return clone(exit_at_once, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, nullptr);
      };
      last = start_process(start_orphan);
      if (last < 0) _exit(errno);
    }
    if (hold != nullptr) {
      close(hold->fds[0]);
      if (write(hold->fds[1], &last, sizeof last) != sizeof last) _exit(EPIPE);
      read_byte(hold->fds[1]);  // end of file: the app closed its end
    }
    _exit(0);
  }
  if (hold != nullptr) {
    close(hold->fds[1]);
    bool made = read(hold->fds[0], &hold->last, sizeof hold->last) == sizeof hold->last;
    hold->released = now_ns();
    close(hold->fds[0]);
    if (!made) hold->last = -1;
  }
  int status;
  while (waitpid(middle, &status, 0) < 0) {
    if (errno != EINTR) return errno;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

// Waits until the init has no child left but this app, then writes
// "COUNT ELAPSED_NS ZOMBIES" to `result_fd` and waits for end of file on `go_fd`.
// With the `last` orphan's pid, it first waits until that one is reaped,
// which kill(0) tells for next to nothing: the init reaps in the order the
// orphans came, and listing 2,000 children every 100 µs would take a good
// part of the one CPU that the init needs.
int report_reaped(int count, long long start, int result_fd, int go_fd, pid_t last = 0) {
  pid_t self = getpid();
  pid_t init = getppid();
  timespec poll_interval{0, 100'000};
  auto in_time = [start] { return now_ns() - start < kReapDeadlineNs; };
  while (last > 0 && kill(last, 0) == 0 && in_time()) nanosleep(&poll_interval, nullptr);
  while (count_other_children(init, self) > 0 && in_time()) nanosleep(&poll_interval, nullptr);
  long long elapsed = now_ns() - start;
  char line[96];
  int length = snprintf(line, sizeof line, "%d %lld %ld\n", count, elapsed, count_zombies());
  if (write(result_fd, line, static_cast<size_t>(length)) != length) return 1;
  while (read_byte(go_fd)) {
  }
  return 0;
}

int make_orphans(int count, int result_fd, int go_fd) {
  if (!write_byte(result_fd) || !read_byte(go_fd)) return 1;
  long long start = now_ns();
  for (int made = 0; made < count; made += kOrphansPerParent) {
    int batch = count - made < kOrphansPerParent ? count - made : kOrphansPerParent;
    if (int error = make_orphans_in_batch(batch); error != 0) {
      fprintf(stderr, "bench-app: orphans %d to %d of %d: %s\n", made + 1, made + batch, count, strerror(error));
      return 1;
    }
  }
  return report_reaped(count, start, result_fd, go_fd);
}

int make_burst(int count, int result_fd, int go_fd) {
  if (!write_byte(result_fd) || !read_byte(go_fd)) return 1;
  Hold hold{};
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, hold.fds) != 0) return 1;
  if (int error = make_orphans_in_batch(count, &hold); error != 0 || hold.last < 0) {
    fprintf(stderr, "bench-app: a burst of %d orphans: %s\n", count, strerror(error != 0 ? error : EPIPE));
    return 1;
  }
  return report_reaped(count, hold.released, result_fd, go_fd, hold.last);
}

int leave_worker(int ready_fd) {
  sigset_t terminate;
  sigemptyset(&terminate);
  sigaddset(&terminate, SIGTERM);
  sigprocmask(SIG_BLOCK, &terminate, nullptr);
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return 1;
  pid_t worker = fork();
  if (worker < 0) return 1;
  if (worker == 0) {
    close(ready[0]);
    if (!write_byte(ready[1])) _exit(1);
    close(ready[1]);
    sigwaitinfo(&terminate, nullptr);
    _exit(0);
  }
  close(ready[1]);
  if (!read_byte(ready[0])) return 1;
  sigprocmask(SIG_UNBLOCK, &terminate, nullptr);
  return sleep_until_signalled(ready_fd);
}

void exit_at_once_on_signal(int) { _exit(0); }

int serve(bool handle_sigterm) {
  if (handle_sigterm) signal(SIGTERM, exit_at_once_on_signal);
  static const char ready[] = "ready\n";
  if (write(1, ready, sizeof ready - 1) != sizeof ready - 1) return 1;
  for (;;) pause();
}

int usage() {
  fputs("usage: bench-app sleep FD | ack FD | orphans|burst COUNT RESULT_FD GO_FD | serve handle|default | worker FD\n",
        stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "sleep") == 0) return sleep_until_signalled(parse_int(argv[2]));
  if (argc == 3 && strcmp(argv[1], "ack") == 0) return acknowledge_signals(parse_int(argv[2]));
  if (argc == 3 && strcmp(argv[1], "worker") == 0) return leave_worker(parse_int(argv[2]));
  if (argc == 3 && strcmp(argv[1], "serve") == 0 && strcmp(argv[2], "handle") == 0) return serve(true);
  if (argc == 3 && strcmp(argv[1], "serve") == 0 && strcmp(argv[2], "default") == 0) return serve(false);
  if (argc == 5 && strcmp(argv[1], "orphans") == 0) {
    return make_orphans(parse_int(argv[2]), parse_int(argv[3]), parse_int(argv[4]));
  }
  if (argc == 5 && strcmp(argv[1], "burst") == 0) {
    return make_burst(parse_int(argv[2]), parse_int(argv[3]), parse_int(argv[4]));
  }
  return usage();
}
