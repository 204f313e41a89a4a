#pragma once
// Starting the application: fork, take the planned place in a session, get
// back the signal state pidone inherited, and exec, searching PATH.
#include <sys/types.h>

#include "session.hpp"
#include "signals.hpp"

namespace pidone {

// Forks and execs `command`. The child enters `session` and restores
// `inherited` before exec; an exec failure ends it with
// exit_status::kNotFound or kNotRunnable after one line on stderr. Returns
// the pid, or -1 if fork failed.
pid_t spawn(char** command, Session session, const InheritedSignals& inherited);

}  // namespace pidone
