#pragma once
// Starting, timing and stopping the programs under test.
#include <stdint.h>
#include <sys/types.h>

namespace bench {

int64_t now_ns();

// Starts argv[0] with stdin and stdout on /dev/null, stderr inherited, and
// the descriptors in `kept` (which may be close-on-exec here) open in the
// child under the same numbers. Exits the driver if it cannot.
pid_t spawn(char* const argv[], const int* kept = nullptr, int kept_count = 0);

// Waits up to `timeout_ms` for the child `pid` to end and reaps it; false if it
// is still running then. `status` gets the wait status.
bool wait_for_exit(pid_t pid, int timeout_ms, int* status);

// SIGTERM, then SIGKILL if the child is still there after `grace_ms`; reaps it.
void stop(pid_t pid, int grace_ms = 5000);

// Reads one byte from `fd` within `timeout_ms`; false on timeout, EOF or error.
bool read_byte(int fd, int timeout_ms);

// A pipe whose both ends are close-on-exec; exits the driver if it cannot.
struct Pipe {
  int read_end;
  int write_end;
};
Pipe make_pipe();

// Exits the driver with a message on stderr (printf-style).
[[noreturn]] void fail(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace bench
