#pragma once
// Starting the application with exactly the signal state pidone inherited,
// as if it had been exec'ed directly.
#include <signal.h>
#include <sys/types.h>

#include "options.hpp"

namespace pidone {

struct InheritedSignals {
  sigset_t mask;
  bool child_signal_ignored;  // SIGCHLD was SIG_IGN
};

// Blocks every signal, so that nothing sent before the child exists is lost
// and every signal waits in the queue for the supervisor, and makes sure
// pidone can wait for its children. Returns what to give back to the child.
InheritedSignals take_over_signals();

enum class SpawnMode : unsigned char { SameSession, NewSession, NewSessionWithTerminal };

// Forks and execs `command`. The child restores `inherited` before exec;
// an exec failure ends it with 127 (not found) or 126 (found but not
// runnable) after one line on stderr. Returns the pid, or -1 if fork failed.
pid_t spawn(char** command, SpawnMode mode, const InheritedSignals& inherited);

// The status the application would have given its own parent: the exit
// code, or 128+N after signal N.
int exit_code_of(int wait_status);

}  // namespace pidone
