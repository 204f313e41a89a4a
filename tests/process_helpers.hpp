#pragma once
// Real processes for the tests: pidone's supervisor in a forked process of
// its own, its output read line by line with deadlines.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace pidone::testing {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

// Polls `done` every few milliseconds until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& done, Milliseconds timeout);

// Reads lines from a pipe, waiting at most a deadline for each.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line, or false after `timeout` or at end of file.
  bool next(std::string& line, Milliseconds timeout);
  // Reads until a line equals `wanted` (or starts with it, when `prefix`);
  // every line read on the way is kept in seen().
  bool wait_for(const std::string& wanted, Milliseconds timeout, bool prefix = false);
  // Everything until end of file (or `timeout`).
  std::string rest(Milliseconds timeout);
  const std::vector<std::string>& seen() const { return seen_; }
  bool saw(const std::string& line) const;

 private:
  int fd_;
  std::string buffer_;
  std::vector<std::string> seen_;
};

// A supervisor started by parse_command_line + supervise() in a forked
// process, exactly as main() does, with stdout and stderr on pipes.
struct Supervised {
  pid_t pid = -1;
  LineReader* out = nullptr;
  LineReader* err = nullptr;
  ~Supervised();

  // The supervisor's exit status, or -1 if it has not exited by `timeout`
  // (it is then killed).
  int wait_exit(Milliseconds timeout);
};

struct StartOptions {
  std::vector<std::string> environment;
  // Runs in the supervisor's process before parsing (to set a signal mask,
  // ignore signals, ...).
  std::function<void()> before = [] {};
};

// `arguments` are pidone's (options, then the command). "@testapp" stands
// for the test application's path.
void start_supervised(Supervised& supervised, const std::vector<std::string>& arguments,
                      const StartOptions& options = {});

// Collects what this process writes to stderr while it lives.
class CapturedStderr {
 public:
  CapturedStderr();
  ~CapturedStderr();
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;
  // Stops capturing and returns what was written.
  std::string text();

 private:
  int saved_ = -1;
  int read_end_ = -1;
};

// The state letter of /proc/PID/stat ('S', 'T', 'Z', ...), or 0 if gone.
char process_state(pid_t pid);
// The pids whose parent is `parent`, with their state letters.
std::vector<std::pair<pid_t, char>> children_of(pid_t parent);

}  // namespace pidone::testing
