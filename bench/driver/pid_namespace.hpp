#pragma once
// Starting a program as PID 1 of a new PID namespace.
#include <sys/types.h>

namespace bench {

// Like spawn(), but argv[0] runs as PID 1 of a new PID namespace, in a new
// mount namespace with that PID namespace's own /proc mounted (what
// `unshare --pid --fork --mount-proc` does). Returns its PID as seen here.
// Without `own_proc`, it stays in this mount namespace and /proc, whose
// teardown on exit (an RCU grace period, milliseconds) would blur its exit
// time (`unshare --pid --fork`).
pid_t spawn_as_pid1(char* const argv[], const int* kept, int kept_count, bool own_proc = true);

}  // namespace bench
