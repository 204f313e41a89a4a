#pragma once
// Figures the kernel keeps about a running process, read from /proc.
#include <stdint.h>
#include <sys/types.h>

namespace bench {

// The number after `key` (e.g. "VmHWM:") in /proc/PID/status; -1 if absent.
int64_t status_field(pid_t pid, const char* key);

// Voluntary plus involuntary context switches: each is one time the process
// stopped running, so a process that never wakes up adds none.
int64_t context_switches(pid_t pid);

// Total size of the distinct files the process has mapped (/proc/PID/maps):
// its executable plus the shared libraries and loader it needs.
int64_t mapped_files_size(pid_t pid);

// The first two fields of /proc/PID/schedstat: time on a CPU, and time ready
// to run but waiting for one (another task had it).
struct SchedulerTimes {
  int64_t running_ns;
  int64_t waiting_ns;
};
SchedulerTimes scheduler_times(pid_t pid);

}  // namespace bench
