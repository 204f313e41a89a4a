#pragma once
#include <sys/types.h>

namespace pidone {

// Sends `signal` to every process whose parent is `parent`, found by
// scanning /proc (without /proc, none is found); returns how many it signalled.
// Orphans re-parented to a subreaper are its children too, whatever their
// session or process group, so this reaches those that escaped with setsid.
int signal_children_of(pid_t parent, int signal);

}  // namespace pidone
