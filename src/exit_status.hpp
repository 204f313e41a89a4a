#pragma once
// Every status pidone exits with itself. Otherwise it exits with the
// application's status, as the application's own parent would have seen it.
#include <sys/wait.h>

namespace pidone::exit_status {

inline constexpr int kUsageError = 1;     // a bad flag or variable; one line on stderr
inline constexpr int kCannotStart = 1;    // fork failed
inline constexpr int kNotRunnable = 126;  // the command exists but exec failed
inline constexpr int kNotFound = 127;     // no such command
inline constexpr int kPauseStopped = 0;   // --pause ended by SIGINT or SIGTERM

// The exit code, or 128+N after death by signal N, as a shell reports it.
inline int of_wait_status(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

}  // namespace pidone::exit_status
