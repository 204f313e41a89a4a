#pragma once
// bench-app started under every init at once, talking back through a pipe.
#include <sys/types.h>

#include "options.hpp"

namespace bench {

struct RunningInit {
  pid_t pid;
  int app_fd;  // read end of the pipe the application writes to
};

// Starts "bench-app MODE FD" under each init and waits until every
// application has written its first byte (it is ready).
void start_under_each(const Options& options, const char* mode, RunningInit* running);

// Stops each init with SIGTERM (which reaches the application) and reaps it.
void stop_each(const Options& options, RunningInit* running);

// A number as a command-line word.
struct NumberText {
  explicit NumberText(long long number);
  char text[24];
};

}  // namespace bench
