#include "application.hpp"

#include <stdio.h>
#include <unistd.h>

#include "process.hpp"

namespace bench {

constexpr int kReadyTimeoutMs = 10'000;

NumberText::NumberText(long long number) { snprintf(text, sizeof text, "%lld", number); }

void start_under_each(const Options& options, const char* mode, RunningInit* running) {
  for (int i = 0; i < options.init_count; ++i) {
    Pipe pipe = make_pipe();
    NumberText fd(pipe.write_end);
    char* application[] = {const_cast<char*>(options.app_path), const_cast<char*>(mode), fd.text, nullptr};
    char* argv[kMaxInitWords + 4];
    command_line(options.inits[i], application, argv, kMaxInitWords + 4);
    running[i] = RunningInit{spawn(argv, &pipe.write_end, 1), pipe.read_end};
    close(pipe.write_end);
  }
  for (int i = 0; i < options.init_count; ++i) {
    if (!read_byte(running[i].app_fd, kReadyTimeoutMs)) {
      fail("%s: bench-app %s did not start", options.inits[i].name, mode);
    }
  }
}

void stop_each(const Options& options, RunningInit* running) {
  for (int i = 0; i < options.init_count; ++i) {
    stop(running[i].pid);
    close(running[i].app_fd);
  }
}

}  // namespace bench
