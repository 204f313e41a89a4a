// testapp: the "application" that the integration, Docker, micro-VM, stress
// and benchmark tests run under pidone. Never shipped. Static musl binary,
// C library only; every output line is one write(2) to stdout (so a line is
// never half-written and needs no flushing).
//
// Usage: testapp SUBCOMMAND [ARG...]
//
// Lines printed by a process that `spawn` created start with "grandchild "
// (for example "grandchild ready ..." and "grandchild signal 15"); the lines
// below are shown as the main process (pidone's child) prints them.
// <pid>, <ppid>, <pgid>, <sid> are numbers as the kernel reports them.
// SIGNAL arguments are numbers (15, 64), as the kernel numbers them.
//
// Long-running subcommands print `ready <pid> <ppid> <pgid> <sid>` once
// they are fully set up (signals blocked, grandchildren started):
//
//   signals              Blocks every signal 1..64 (mask filled by hand:
//                        musl's sigfillset leaves out 32..34), then prints
//                        `ready ...` and, for every signal it receives
//                        (sigwaitinfo), `signal <N>`, forever, the lowest
//                        pending number first. Reaps its own children on
//                        SIGCHLD (after printing `signal 17`).
//   slow-term SECONDS [CODE [MARKER_FILE]]
//                        As `signals`, but on SIGTERM (after `signal 15`) it
//                        sleeps SECONDS (fractions allowed), creates
//                        MARKER_FILE if given, prints `term-handled` and
//                        exits with CODE (default 0).
//   worker SECONDS|ignore
//                        A process as servers are: only SIGTERM is handled,
//                        every other signal keeps its default action (SIGHUP
//                        kills it). Prints `ready ...`; on SIGTERM prints
//                        `signal 15`, sleeps SECONDS, prints `term-handled`
//                        and exits 0. With `ignore`, SIGTERM is SIG_IGN and
//                        it waits forever.
//   ignore-term          Sets SIGTERM to SIG_IGN, blocks every other signal,
//                        prints `ready ...` and reports the other signals
//                        like `signals`, forever.
//   sleep [SECONDS]      Touches no signal disposition or mask (whatever it
//                        inherited stays): prints `ready ...`, then sleeps
//                        SECONDS and exits 0, or forever without SECONDS.
//                        For job control (^Z stops it) and default-SIGTERM
//                        tests (it dies of SIGTERM: 143).
//   orphans N            With signals blocked, middle processes fork N
//                        grandchildren (100 each) that exit at once, and
//                        exit themselves, so all N become orphans (zombies
//                        handed to the nearest subreaper or PID 1). Prints
//                        `orphans N` after the middle processes have been
//                        reaped, then `ready ...`, then reports signals like
//                        `signals`.
//   orphan               With signals blocked, a middle process forks one
//                        grandchild and exits. The grandchild waits until it
//                        has been re-parented, prints `orphan <pid> <ppid>`
//                        (<ppid> = its new parent) and exits 0 (or prints
//                        `orphan <pid> unparented` after 10 s and exits 1).
//                        Then prints `ready ...` and reports signals like
//                        `signals`. The `orphan` line may come before or
//                        after `ready`.
//   spawn GSUBCOMMAND [GARG...] -- SUBCOMMAND [ARG...]
//                        Forks a grandchild in its own process group (no
//                        setpgid/setsid) that runs GSUBCOMMAND (its lines
//                        start with "grandchild "), waits until that one is
//                        ready (or has exited), then runs SUBCOMMAND itself.
//                        Example: `spawn signals -- signals` prints
//                        `grandchild ready ...` then `ready ...`; a signal to
//                        the group then gives `signal N` and
//                        `grandchild signal N`. `spawn ignore-term -- exit 3`
//                        leaves a SIGTERM-ignoring process behind.
//                        `then` may stand for `--`: a Linux kernel command
//                        line cannot hand `--` to init (micro-VM tests).
//   become PROGRAM [ARG...] -- GSUBCOMMAND [GARG...]
//                        Forks a grandchild, then replaces itself with
//                        PROGRAM (execv, a path). The grandchild waits until
//                        that exec has happened (a close-on-exec pipe reaches
//                        end of file), then runs GSUBCOMMAND (its lines start
//                        with "grandchild "). For a micro-VM whose init must
//                        be pidone --pause with something else running
//                        beside it. `then` may stand for `--`.
//   detach SUBCOMMAND [ARG...]
//                        Calls setsid() (leaving its process group and
//                        session), then runs SUBCOMMAND. With spawn:
//                        `spawn detach slow-term 1 -- exit 0` leaves a
//                        process that escaped the application's group.
//
// One-shot subcommands (no `ready` line):
//
//   exit CODE            Exits with CODE (0..255).
//   kill SIGNAL          Restores SIG_DFL for SIGNAL, unblocks it and sends
//                        it to itself; if it survives (the default action is
//                        to ignore or stop) it prints `survived <N>` and
//                        exits 3.
//   mask                 Prints `blocked <list>` and `ignored <list>`: the
//                        signal mask and the SIG_IGN signals it was started
//                        with, read with raw system calls (1..64, including
//                        32..34). <list> is comma-separated numbers in
//                        increasing order, or `none`.
//   tty                  Prints `tty none` if stdin is not a terminal, else
//                        `tty session=<yes|no> foreground=<yes|no>`:
//                        session=yes if stdin is the controlling terminal of
//                        its session (tcgetpgrp(0) succeeds), foreground=yes
//                        if its process group is the terminal's foreground
//                        group (tcgetpgrp(0) = getpgrp()).
//   zombies [PPID]       Scans /proc and prints `zombies <count> <total>`:
//                        the number of processes in state Z (only those whose
//                        parent is PPID, if given) and of all processes seen.
//   read-file PATH       Reads PATH to the end, prints `size <bytes>`.
//   cwd                  Prints `cwd <working directory>`.
//   env NAME             Prints `env NAME=<value>` or `env NAME unset`.
//   send SIGNAL PID      kill(PID, SIGNAL); prints `sent <SIGNAL> <PID>`.
//                        For images without a kill binary, and for sending
//                        from an emulated process to another one (qemu-user
//                        renumbers real-time signals sent from the host).
//   send-and-report PID SIGNALS
//                        The second process of the micro-VM signal test:
//                        blocks every signal like `signals`, prints
//                        `ready ...`, sends each of SIGNALS to PID in
//                        increasing order (printing `sent <SIGNAL> <PID>`),
//                        then reports the signals it receives like
//                        `signals`, forever. SIGNALS is one argument (the
//                        kernel hands init at most 32 words): numbers and
//                        ranges separated by commas, e.g. `1-8,10,34-64`.
//   mount-proc SUBCOMMAND [ARG...]
//                        Mounts proc on /proc (creating the directory), then
//                        runs SUBCOMMAND. For a micro-VM, where the kernel
//                        mounts nothing and pidone does not either.
//   children PID COUNT SECONDS
//                        Polls /proc/PID/task/PID/children every 10 ms until
//                        PID has exactly COUNT children (a zombie is a child
//                        until it is reaped) or SECONDS have passed, then
//                        prints `children <n>` (the last count read).
//
// Exit status: as stated above; 0 after a one-shot subcommand; 2 on a usage
// error and 1 on a failed system call, each with one line on stderr starting
// with "testapp: ".

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

namespace {

constexpr int kMaxSignal = 64;
constexpr size_t kKernelSetSize = 8;  // the kernel's sigset_t: 64 bits

const char* line_prefix = "";  // "grandchild " in a process made by spawn
int ready_pipe = -1;           // write end that spawn's parent waits on

// One output line, built in place and written with a single write(2).
class Line {
 public:
  Line& operator<<(const char* text) {
    while (*text != '\0' && length_ < sizeof buffer_ - 1) buffer_[length_++] = *text++;
    return *this;
  }
  Line& operator<<(long long number) {
    char digits[24];
    size_t count = 0;
    unsigned long long magnitude = number < 0 ? 0ULL - static_cast<unsigned long long>(number)
                                              : static_cast<unsigned long long>(number);
    do {
      digits[count++] = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    if (number < 0) *this << "-";
    while (count > 0 && length_ < sizeof buffer_ - 1) buffer_[length_++] = digits[--count];
    return *this;
  }
  Line& operator<<(int number) { return *this << static_cast<long long>(number); }
  void write_to(int fd) {
    static bool reader_gone[3];
    buffer_[length_++] = '\n';
    if (fd > 2 || reader_gone[fd]) return;
    // Each write to a pipe without a reader raises SIGPIPE, which the report
    // loop would then report with another write: stop writing instead.
    if (write(fd, buffer_, length_) < 0 && errno == EPIPE) reader_gone[fd] = true;
  }

 private:
  char buffer_[4096];
  size_t length_ = 0;
};

void print(Line& line) { line.write_to(STDOUT_FILENO); }

Line event() {
  Line line;
  line << line_prefix;
  return line;
}

[[noreturn]] void fail(const char* what) {
  Line line;
  line << "testapp: " << what;
  if (errno != 0) line << ": " << strerror(errno);
  line.write_to(STDERR_FILENO);
  _exit(1);
}

[[noreturn]] void usage(const char* message) {
  Line line;
  line << "testapp: " << message << " (usage: see the top of integration/testapp/testapp.cpp)";
  line.write_to(STDERR_FILENO);
  _exit(2);
}

long long parse_integer(const char* text, long long low, long long high, const char* what) {
  char* end = nullptr;
  errno = 0;
  long long value = strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < low || value > high) usage(what);
  return value;
}

int parse_signal(const char* text) {
  return static_cast<int>(parse_integer(text, 1, kMaxSignal, "SIGNAL must be a number 1..64"));
}

double parse_seconds(const char* text) {
  char* end = nullptr;
  double value = strtod(text, &end);
  if (end == text || *end != '\0' || !(value >= 0)) usage("SECONDS must be a non-negative number");
  return value;
}

void sleep_seconds(double seconds) {
  timespec left{};
  left.tv_sec = static_cast<time_t>(seconds);
  left.tv_nsec = static_cast<long>((seconds - static_cast<double>(left.tv_sec)) * 1e9);
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

// Signal sets and dispositions go through raw system calls: musl refuses
// 32..34 in sigaddset/sigaction and clears them from the mask it returns.
constexpr uint64_t bit(int signal) { return 1ULL << (signal - 1); }
constexpr uint64_t kAllSignals = ~0ULL;

// struct sigaction as the kernel reads it (same layout on x86_64 and arm64).
struct KernelSigaction {
  uintptr_t handler;
  unsigned long flags;
  uintptr_t restorer;
  uint64_t mask;
};

void change_mask(int how, uint64_t set) {
  if (syscall(SYS_rt_sigprocmask, how, &set, nullptr, kKernelSetSize) != 0) fail("rt_sigprocmask");
}

uint64_t current_mask() {
  uint64_t set = 0;
  if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, nullptr, &set, kKernelSetSize) != 0) fail("rt_sigprocmask");
  return set;
}

void set_disposition(int signal, uintptr_t handler) {
  KernelSigaction action{handler, 0, 0, 0};
  if (syscall(SYS_rt_sigaction, signal, &action, nullptr, kKernelSetSize) != 0) fail("rt_sigaction");
}

bool is_ignored(int signal) {
  KernelSigaction action{};
  if (syscall(SYS_rt_sigaction, signal, nullptr, &action, kKernelSetSize) != 0) return false;
  return action.handler == reinterpret_cast<uintptr_t>(SIG_IGN);
}

void reap_children() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

void announce_ready() {
  Line line = event();
  line << "ready " << getpid() << " " << getppid() << " " << getpgrp() << " " << getsid(0);
  print(line);
  if (ready_pipe >= 0) {
    ssize_t ignored = write(ready_pipe, "r", 1);
    (void)ignored;
    close(ready_pipe);
    ready_pipe = -1;
  }
}

struct SlowTerm {
  bool enabled = false;
  double seconds = 0;
  int code = 0;
  const char* marker_file = nullptr;
};

[[noreturn]] void finish_slow_term(const SlowTerm& slow) {
  sleep_seconds(slow.seconds);
  if (slow.marker_file != nullptr) {
    int fd = open(slow.marker_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("cannot create the marker file");
    close(fd);
  }
  Line line = event();
  line << "term-handled";
  print(line);
  _exit(slow.code);
}

// Waits for the signals in `waited` (already blocked) and reports each, the
// lowest pending number first, as the kernel dequeues them.
[[noreturn]] void report_signals(uint64_t waited, const SlowTerm& slow = {}) {
  for (;;) {
    siginfo_t info;
    long signal = syscall(SYS_rt_sigtimedwait, &waited, &info, nullptr, kKernelSetSize);
    if (signal < 0) {
      if (errno == EINTR) continue;
      fail("rt_sigtimedwait");
    }
    Line line = event();
    line << "signal " << static_cast<long long>(signal);
    print(line);
    if (signal == SIGCHLD) reap_children();
    if (signal == SIGTERM && slow.enabled) finish_slow_term(slow);
  }
}

[[noreturn]] void block_all_and_report(const SlowTerm& slow = {}) {
  change_mask(SIG_BLOCK, kAllSignals);
  announce_ready();
  report_signals(kAllSignals, slow);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  return status;
}

void report_when_reparented(pid_t old_parent) {
  for (int attempt = 0; attempt < 10000; ++attempt) {
    pid_t parent = getppid();
    if (parent != old_parent) {
      Line line = event();
      line << "orphan " << getpid() << " " << parent;
      print(line);
      _exit(0);
    }
    sleep_seconds(0.001);
  }
  Line line = event();
  line << "orphan " << getpid() << " unparented";
  print(line);
  _exit(1);
}

// Middle processes fork the orphans and exit, which hands them (or their
// zombies) to the nearest subreaper, or to PID 1. At most kOrphansPerMiddle
// each: under qemu-user, forking slows down as the zombies of one parent
// pile up (10,000 from one parent took 30 to 60 s instead of a few).
constexpr long long kOrphansPerMiddle = 100;

void spawn_orphans(long long count, bool report) {
  for (long long spawned = 0, batch = 0; spawned < count; spawned += batch) {
    batch = count - spawned < kOrphansPerMiddle ? count - spawned : kOrphansPerMiddle;
    pid_t middle = fork();
    if (middle < 0) fail("fork");
    if (middle == 0) {
      pid_t self = getpid();
      for (long long i = 0; i < batch; ++i) {
        // vfork: an orphan that only exits needs no copy of the address
        // space, which makes 10,000 of them affordable under qemu-system.
        pid_t orphan = report ? fork() : vfork();
        if (orphan < 0) fail("fork (orphan)");
        if (orphan == 0) {
          if (report) report_when_reparented(self);
          _exit(0);
        }
      }
      _exit(0);
    }
    int status = wait_for(middle);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      errno = 0;
      fail("a process that forks orphans failed");
    }
  }
}

void print_signal_list(const char* name, uint64_t set) {
  Line line = event();
  line << name << " ";
  bool any = false;
  for (int signal = 1; signal <= kMaxSignal; ++signal) {
    if ((set & bit(signal)) == 0) continue;
    if (any) line << ",";
    line << signal;
    any = true;
  }
  if (!any) line << "none";
  print(line);
}

int count_zombies(long long parent_filter, long long& total) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) fail("opendir /proc");
  int zombies = 0;
  total = 0;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    char path[64] = "/proc/";
    strcat(strcat(path, entry->d_name), "/stat");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // exited meanwhile
    char stat[512];
    ssize_t length = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (length <= 0) continue;
    stat[length] = '\0';
    // "pid (comm) S ppid ...": comm may contain spaces and parentheses.
    char* after_comm = strrchr(stat, ')');
    if (after_comm == nullptr || after_comm[1] == '\0') continue;
    ++total;
    char state = after_comm[2];
    long long parent = strtoll(after_comm + 4, nullptr, 10);
    if (state == 'Z' && (parent_filter < 0 || parent == parent_filter)) ++zombies;
  }
  closedir(proc);
  return zombies;
}

int run(int argc, char** argv);

// ---- subcommands: argc/argv start at the subcommand's name ----

int cmd_signals(int, char**) { block_all_and_report(); }

int cmd_slow_term(int argc, char** argv) {
  if (argc < 2 || argc > 4) usage("slow-term SECONDS [CODE [MARKER_FILE]]");
  SlowTerm slow;
  slow.enabled = true;
  slow.seconds = parse_seconds(argv[1]);
  if (argc > 2) slow.code = static_cast<int>(parse_integer(argv[2], 0, 255, "CODE must be 0..255"));
  if (argc > 3) slow.marker_file = argv[3];
  block_all_and_report(slow);
}

int cmd_ignore_term(int, char**) {
  set_disposition(SIGTERM, reinterpret_cast<uintptr_t>(SIG_IGN));
  uint64_t others = kAllSignals & ~bit(SIGTERM);
  change_mask(SIG_SETMASK, others);
  announce_ready();
  report_signals(others);
}

int cmd_worker(int argc, char** argv) {
  if (argc != 2) usage("worker SECONDS|ignore");
  if (strcmp(argv[1], "ignore") == 0) {
    set_disposition(SIGTERM, reinterpret_cast<uintptr_t>(SIG_IGN));
    announce_ready();
    for (;;) pause();
  }
  SlowTerm slow;
  slow.enabled = true;
  slow.seconds = parse_seconds(argv[1]);
  change_mask(SIG_BLOCK, bit(SIGTERM));
  announce_ready();
  report_signals(bit(SIGTERM), slow);
}

int cmd_sleep(int argc, char** argv) {
  if (argc > 2) usage("sleep [SECONDS]");
  announce_ready();
  if (argc == 2) {
    sleep_seconds(parse_seconds(argv[1]));
    return 0;
  }
  for (;;) pause();
}

int cmd_orphans(int argc, char** argv) {
  if (argc != 2) usage("orphans N");
  long long count = parse_integer(argv[1], 0, 1000000, "N must be 0..1000000");
  change_mask(SIG_BLOCK, kAllSignals);
  spawn_orphans(count, false);
  Line line = event();
  line << "orphans " << count;
  print(line);
  block_all_and_report();
}

int cmd_orphan(int argc, char**) {
  if (argc != 1) usage("orphan takes no argument");
  change_mask(SIG_BLOCK, kAllSignals);
  spawn_orphans(1, true);
  block_all_and_report();
}

// Index of the first `--` or `then` after argv[0]; usage error unless words
// come on both sides of it.
int find_separator(int argc, char** argv, const char* synopsis) {
  int separator = 1;
  while (separator < argc && strcmp(argv[separator], "--") != 0 && strcmp(argv[separator], "then") != 0) {
    ++separator;
  }
  if (separator == 1 || separator >= argc - 1) usage(synopsis);
  return separator;
}

int cmd_spawn(int argc, char** argv) {
  int separator = find_separator(argc, argv, "spawn GSUBCOMMAND [GARG...] -- SUBCOMMAND [ARG...]");
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) fail("pipe2");
  pid_t grandchild = fork();
  if (grandchild < 0) fail("fork");
  if (grandchild == 0) {
    close(ready[0]);
    line_prefix = "grandchild ";
    ready_pipe = ready[1];
    argv[separator] = nullptr;
    return run(separator - 1, argv + 1);
  }
  close(ready[1]);
  char byte;
  while (read(ready[0], &byte, 1) < 0 && errno == EINTR) {
  }
  close(ready[0]);
  return run(argc - separator - 1, argv + separator + 1);
}

int cmd_become(int argc, char** argv) {
  int separator = find_separator(argc, argv, "become PROGRAM [ARG...] -- GSUBCOMMAND [GARG...]");
  int exec_done[2];
  if (pipe2(exec_done, O_CLOEXEC) != 0) fail("pipe2");
  pid_t grandchild = fork();
  if (grandchild < 0) fail("fork");
  if (grandchild == 0) {
    close(exec_done[1]);
    char byte;
    while (read(exec_done[0], &byte, 1) < 0 && errno == EINTR) {
    }
    close(exec_done[0]);
    line_prefix = "grandchild ";
    return run(argc - separator - 1, argv + separator + 1);
  }
  close(exec_done[0]);
  argv[separator] = nullptr;
  execv(argv[1], argv + 1);
  fail("execv");
}

int cmd_detach(int argc, char** argv) {
  if (argc < 2) usage("detach SUBCOMMAND [ARG...]");
  if (setsid() < 0) fail("setsid");
  return run(argc - 1, argv + 1);
}

int cmd_exit(int argc, char** argv) {
  if (argc != 2) usage("exit CODE");
  return static_cast<int>(parse_integer(argv[1], 0, 255, "CODE must be 0..255"));
}

int cmd_kill(int argc, char** argv) {
  if (argc != 2) usage("kill SIGNAL");
  int signal = parse_signal(argv[1]);
  if (signal != SIGKILL && signal != SIGSTOP) set_disposition(signal, reinterpret_cast<uintptr_t>(SIG_DFL));
  change_mask(SIG_UNBLOCK, bit(signal));
  kill(getpid(), signal);
  Line line = event();
  line << "survived " << signal;
  print(line);
  return 3;
}

int cmd_mask(int argc, char**) {
  if (argc != 1) usage("mask takes no argument");
  uint64_t ignored = 0;
  for (int signal = 1; signal <= kMaxSignal; ++signal) {
    if (is_ignored(signal)) ignored |= bit(signal);
  }
  print_signal_list("blocked", current_mask());
  print_signal_list("ignored", ignored);
  return 0;
}

int cmd_tty(int argc, char**) {
  if (argc != 1) usage("tty takes no argument");
  Line line = event();
  if (!isatty(STDIN_FILENO)) {
    line << "tty none";
  } else {
    // The kernel answers TIOCGPGRP only for the caller's own controlling
    // terminal (ENOTTY otherwise); TIOCGSID would tell the same, but
    // qemu-user does not implement it.
    pid_t foreground_group = tcgetpgrp(STDIN_FILENO);
    bool session = foreground_group >= 0;
    bool foreground = foreground_group == getpgrp();
    line << "tty session=" << (session ? "yes" : "no") << " foreground=" << (foreground ? "yes" : "no");
  }
  print(line);
  return 0;
}

int cmd_zombies(int argc, char** argv) {
  if (argc > 2) usage("zombies [PPID]");
  long long parent = argc == 2 ? parse_integer(argv[1], 0, 1LL << 31, "PPID must be a pid") : -1;
  long long total = 0;
  int zombies = count_zombies(parent, total);
  Line line = event();
  line << "zombies " << zombies << " " << total;
  print(line);
  return 0;
}

int cmd_read_file(int argc, char** argv) {
  if (argc != 2) usage("read-file PATH");
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(argv[1]);
  long long size = 0;
  char buffer[16384];
  for (;;) {
    ssize_t length = read(fd, buffer, sizeof buffer);
    if (length == 0) break;
    if (length < 0) {
      if (errno == EINTR) continue;
      fail(argv[1]);
    }
    size += length;
  }
  close(fd);
  Line line = event();
  line << "size " << size;
  print(line);
  return 0;
}

int cmd_cwd(int argc, char**) {
  if (argc != 1) usage("cwd takes no argument");
  char path[4096];
  if (getcwd(path, sizeof path) == nullptr) fail("getcwd");
  Line line = event();
  line << "cwd " << path;
  print(line);
  return 0;
}

int cmd_env(int argc, char** argv) {
  if (argc != 2) usage("env NAME");
  const char* value = getenv(argv[1]);
  Line line = event();
  line << "env " << argv[1];
  if (value == nullptr) {
    line << " unset";
  } else {
    line << "=" << value;
  }
  print(line);
  return 0;
}

pid_t parse_pid(const char* text) {
  return static_cast<pid_t>(parse_integer(text, -(1LL << 31), 1LL << 31, "PID must be a number"));
}

void send_signal(int signal, pid_t pid) {
  if (kill(pid, signal) != 0) fail("kill");
  Line line = event();
  line << "sent " << signal << " " << static_cast<long long>(pid);
  print(line);
}

int cmd_send(int argc, char** argv) {
  if (argc != 3) usage("send SIGNAL PID");
  send_signal(parse_signal(argv[1]), parse_pid(argv[2]));
  return 0;
}

// "1-8,10,34-64" as a set of signals.
uint64_t parse_signal_list(const char* text) {
  constexpr const char* kWhat = "SIGNALS must be numbers 1..64 and ranges (1-8,10,34-64)";
  uint64_t set = 0;
  for (const char* item = text; *item != '\0';) {
    char* end = nullptr;
    long first = strtol(item, &end, 10);
    long last = first;
    if (*end == '-') last = strtol(end + 1, &end, 10);
    if (end == item || (*end != ',' && *end != '\0') || first < 1 || last > kMaxSignal || first > last) usage(kWhat);
    for (long signal = first; signal <= last; ++signal) set |= bit(static_cast<int>(signal));
    item = *end == ',' ? end + 1 : end;
  }
  if (set == 0) usage(kWhat);
  return set;
}

int cmd_send_and_report(int argc, char** argv) {
  if (argc != 3) usage("send-and-report PID SIGNALS");
  pid_t pid = parse_pid(argv[1]);
  uint64_t signals = parse_signal_list(argv[2]);
  change_mask(SIG_BLOCK, kAllSignals);
  announce_ready();
  for (int signal = 1; signal <= kMaxSignal; ++signal) {
    if ((signals & bit(signal)) != 0) send_signal(signal, pid);
  }
  report_signals(kAllSignals);
}

int cmd_mount_proc(int argc, char** argv) {
  if (argc < 2) usage("mount-proc SUBCOMMAND [ARG...]");
  if (mkdir("/proc", 0555) != 0 && errno != EEXIST) fail("mkdir /proc");
  if (mount("proc", "/proc", "proc", 0, nullptr) != 0) fail("mount proc on /proc");
  return run(argc - 1, argv + 1);
}

// Children of `pid` (a validated number) as the kernel lists them, or -1.
int count_children(const char* pid) {
  char path[96] = "/proc/";
  strcat(strcat(strcat(strcat(path, pid), "/task/"), pid), "/children");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int count = 0;
  bool in_number = false;
  char buffer[16384];
  for (;;) {
    ssize_t length = read(fd, buffer, sizeof buffer);
    if (length < 0 && errno == EINTR) continue;
    if (length <= 0) break;
    for (ssize_t i = 0; i < length; ++i) {
      bool digit = buffer[i] >= '0' && buffer[i] <= '9';
      if (digit && !in_number) ++count;
      in_number = digit;
    }
  }
  close(fd);
  return count;
}

double monotonic_seconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

int cmd_children(int argc, char** argv) {
  if (argc != 4) usage("children PID COUNT SECONDS");
  parse_integer(argv[1], 1, 1LL << 31, "PID must be a pid");
  long long wanted = parse_integer(argv[2], 0, 1LL << 31, "COUNT must be a number");
  double deadline = monotonic_seconds() + parse_seconds(argv[3]);
  int count = count_children(argv[1]);
  while (count != wanted && monotonic_seconds() < deadline) {
    sleep_seconds(0.01);
    count = count_children(argv[1]);
  }
  if (count < 0) fail("cannot read /proc/PID/task/PID/children");
  Line line = event();
  line << "children " << count;
  print(line);
  return 0;
}

struct Subcommand {
  const char* name;
  int (*function)(int argc, char** argv);
};

constexpr Subcommand kSubcommands[] = {
    {"signals", cmd_signals}, {"slow-term", cmd_slow_term}, {"ignore-term", cmd_ignore_term},
    {"sleep", cmd_sleep},     {"orphans", cmd_orphans},     {"orphan", cmd_orphan},
    {"spawn", cmd_spawn},     {"exit", cmd_exit},           {"kill", cmd_kill},
    {"mask", cmd_mask},       {"tty", cmd_tty},             {"zombies", cmd_zombies},
    {"read-file", cmd_read_file}, {"cwd", cmd_cwd},         {"env", cmd_env},
    {"detach", cmd_detach},   {"send", cmd_send},           {"become", cmd_become},
    {"send-and-report", cmd_send_and_report}, {"mount-proc", cmd_mount_proc},
    {"children", cmd_children}, {"worker", cmd_worker},
};

int run(int argc, char** argv) {
  if (argc < 1) usage("no subcommand");
  for (const Subcommand& subcommand : kSubcommands) {
    if (strcmp(argv[0], subcommand.name) == 0) return subcommand.function(argc, argv);
  }
  usage("unknown subcommand");
}

}  // namespace

int main(int argc, char** argv) { return run(argc - 1, argv + 1); }
