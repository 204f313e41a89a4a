#pragma once
// The signal table: names, the set pidone forwards, and raw mask helpers.
#include <signal.h>
#include <stddef.h>

#include "text.hpp"

// The kernel structures and numbers below were checked on these two only.
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "pidone passes kernel structures by hand: check signals.cpp and children.cpp for this architecture"
#endif

namespace pidone {

// The kernel's numbering on x86_64 and aarch64: 1..31 standard signals,
// 32..64 real-time ones.
inline constexpr int kMaxSignal = 64;
// SIGRTMIN as glibc programs and `kill -l` number it. The kernel's 32 and 33
// belong to glibc's threads (musl takes 34 as well) and are never forwarded.
inline constexpr int kRealtimeMin = 34;

// A signal by number (1..64) or by name, with or without "SIG", in any case:
// "15", "TERM", "sigterm", "RTMIN", "RTMIN+3", "SIGRTMAX-1". 0 if unknown.
int parse_signal(Text text);

// "TERM" for SIGTERM: the name of a standard signal (1..31) without "SIG";
// nullptr for the others.
const char* standard_signal_name(int signal);

// Everything the kernel can deliver, except SIGCHLD (pidone's own: it drives
// reaping), SIGKILL and SIGSTOP (never delivered) and glibc's 32 and 33.
bool is_forwarded(int signal);

// SIGTSTP, SIGTTIN, SIGTTOU: the signals of job control that stop a process.
bool is_job_control_stop(int signal);

// Every signal 1..64. musl's sigfillset() leaves out 32..34: a pidone that
// is not PID 1 would be killed by one of them if it left them unblocked.
sigset_t all_signals();
sigset_t no_signals();

// The kernel's rt_sigprocmask, unfiltered. musl's sigprocmask hides 32..34
// from the previous mask, and the child must get back exactly what pidone
// inherited.
bool set_signal_mask(const sigset_t& mask, sigset_t* previous);

// What pidone inherited and gives back to the application at exec.
struct InheritedSignals {
  sigset_t mask;
  bool child_signal_ignored;  // SIGCHLD was SIG_IGN
};

// Blocks every signal and makes sure pidone can wait for its children.
// Returns what to give back to the application.
InheritedSignals take_over_signals();

// In the child, just before exec: the application starts with the mask and
// dispositions pidone inherited, as if it had been exec'ed directly.
void restore_signals(const InheritedSignals& inherited);

}  // namespace pidone
