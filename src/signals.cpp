#include "signals.hpp"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pidone {
namespace {

// The standard signals' names, in the order of their numbers (1..31), which
// are the same on x86_64 and aarch64.
constexpr char kNames[][7] = {
    "HUP",  "INT",  "QUIT", "ILL",    "TRAP",   "ABRT",  "BUS",  "FPE",  "KILL", "USR1", "SEGV",
    "USR2", "PIPE", "ALRM", "TERM",   "STKFLT", "CHLD",  "CONT", "STOP", "TSTP", "TTIN", "TTOU",
    "URG",  "XCPU", "XFSZ", "VTALRM", "PROF",   "WINCH", "IO",   "PWR",  "SYS",
};
static_assert(sizeof kNames / sizeof kNames[0] == 31, "one name for each standard signal");
static_assert(SIGTERM == 15 && SIGSTKFLT == 16 && SIGSYS == 31, "the generic Linux numbering");

constexpr int kRealtimeMax = kMaxSignal;
// The kernel's sigset is 64 bits on x86_64 and aarch64.
constexpr size_t kKernelSigsetBytes = kMaxSignal / 8;
static_assert(sizeof(sigset_t) >= kKernelSigsetBytes, "the C library's sigset holds the kernel's");

// The kernel's struct sigaction on x86_64 and aarch64 (not the C library's).
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};
static_assert(sizeof(KernelSigaction) == 32 && sizeof(KernelSigaction::mask) == kKernelSigsetBytes,
              "the layout rt_sigaction reads on x86_64 and aarch64");

// Sets SIG_DFL or SIG_IGN (which need no restorer) with the system call;
// returns the previous handler. musl's signal() would bring in its handler
// machinery, which pidone does not use.
void (*set_disposition(int signal, void (*handler)(int)))(int) {
  const KernelSigaction wanted{handler, 0, nullptr, 0};
  KernelSigaction previous{};
  syscall(SYS_rt_sigaction, signal, &wanted, &previous, sizeof previous.mask);
  return previous.handler;
}

// "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n".
int parse_realtime(Text text) {
  const bool from_min = starts_with_ignoring_case(text, "RTMIN");
  if (!from_min && !starts_with_ignoring_case(text, "RTMAX")) return 0;
  const int base = from_min ? kRealtimeMin : kRealtimeMax;
  Text offset_text(text.data + 5, text.size - 5);
  if (offset_text.empty()) return base;
  if (offset_text.data[0] != (from_min ? '+' : '-')) return 0;
  unsigned offset = 0;
  constexpr unsigned kSpan = kRealtimeMax - kRealtimeMin;
  if (!parse_unsigned(Text(offset_text.data + 1, offset_text.size - 1), kSpan, offset)) return 0;
  return from_min ? base + static_cast<int>(offset) : base - static_cast<int>(offset);
}

}  // namespace

const char* standard_signal_name(int signal) { return signal >= 1 && signal <= 31 ? kNames[signal - 1] : nullptr; }

int parse_signal(Text text) {
  unsigned number = 0;
  if (parse_unsigned(text, kMaxSignal, number)) return static_cast<int>(number);
  if (starts_with_ignoring_case(text, "SIG")) text = Text(text.data + 3, text.size - 3);
  for (int signal = 1; signal <= 31; ++signal)
    if (equal_ignoring_case(text, kNames[signal - 1])) return signal;
  return parse_realtime(text);
}

bool is_forwarded(int signal) {
  if (signal == SIGCHLD || signal == SIGKILL || signal == SIGSTOP) return false;
  return (signal >= 1 && signal <= 31) || (signal >= kRealtimeMin && signal <= kRealtimeMax);
}

bool is_job_control_stop(int signal) { return signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU; }

sigset_t no_signals() {
  sigset_t set;
  memset(&set, 0, sizeof set);
  return set;
}

sigset_t all_signals() {
  sigset_t set = no_signals();
  const unsigned long long every_signal = ~0ULL;  // bit n-1 stands for signal n
  memcpy(&set, &every_signal, kKernelSigsetBytes);
  return set;
}

bool set_signal_mask(const sigset_t& mask, sigset_t* previous) {
  if (previous != nullptr) *previous = no_signals();
  return syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, previous, kKernelSigsetBytes) == 0;
}

InheritedSignals take_over_signals() {
  // pidone installs no handlers. The kernel drops a signal sent to a PID
  // namespace's init when its action is the default one, but never a blocked
  // one: blocked, every signal waits in the queue until the supervisor takes
  // it, whether pidone is PID 1 or not, and nothing sent before the child
  // exists is lost.
  InheritedSignals inherited{};
  set_signal_mask(all_signals(), &inherited.mask);
  // With SIGCHLD ignored, the kernel reaps children itself and waitpid()
  // never sees the application's status.
  inherited.child_signal_ignored = set_disposition(SIGCHLD, SIG_DFL) == SIG_IGN;
  return inherited;
}

void restore_signals(const InheritedSignals& inherited) {
  // Every disposition is still the one pidone inherited, except SIGCHLD.
  // Signals forwarded since the fork are pending here and are delivered, or
  // stay pending across exec, under the application's own mask.
  if (inherited.child_signal_ignored) set_disposition(SIGCHLD, SIG_IGN);
  set_signal_mask(inherited.mask, nullptr);
}

}  // namespace pidone
