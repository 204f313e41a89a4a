#include "process_helpers.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "options.hpp"
#include "supervisor.hpp"

namespace pidone::testing {

bool wait_until(const std::function<bool()>& done, Milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Milliseconds(2));
  }
  return true;
}

LineReader::~LineReader() { close(fd_); }

bool LineReader::next(std::string& line, Milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      seen_.push_back(line);
      return true;
    }
    const auto left = std::max<long long>(0, std::chrono::duration_cast<Milliseconds>(deadline - Clock::now()).count());
    pollfd ready{fd_, POLLIN, 0};
    if (poll(&ready, 1, static_cast<int>(left)) <= 0) {
      if (left == 0) return false;
      continue;
    }
    char chunk[4096];
    const ssize_t length = read(fd_, chunk, sizeof chunk);
    if (length <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(length));
  }
}

bool LineReader::wait_for(const std::string& wanted, Milliseconds timeout, bool prefix) {
  const auto deadline = Clock::now() + timeout;
  std::string line;
  while (next(line, std::chrono::duration_cast<Milliseconds>(deadline - Clock::now()))) {
    if (prefix ? line.rfind(wanted, 0) == 0 : line == wanted) return true;
  }
  return false;
}

std::string LineReader::rest(Milliseconds timeout) {
  std::string all;
  std::string line;
  while (next(line, timeout)) all += line + "\n";
  return all;
}

bool LineReader::saw(const std::string& line) const {
  for (const auto& each : seen_)
    if (each == line) return true;
  return false;
}

Supervised::~Supervised() {
  if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
    // The application and its group outlive a SIGKILLed supervisor: end them
    // first, so no test leaves processes behind.
    for (const auto& [child, state] : children_of(pid)) {
      kill(-child, SIGKILL);
      kill(child, SIGKILL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  delete out;
  delete err;
}

int Supervised::wait_exit(Milliseconds timeout) {
  int status = 0;
  const bool exited = wait_until([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!exited) return -1;
  pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void start_supervised(Supervised& supervised, const std::vector<std::string>& arguments, const StartOptions& options) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) std::abort();
  // Built before the fork: the child only calls into pidone.
  std::vector<std::string> words{"pidone"};
  for (const auto& argument : arguments) words.push_back(argument == "@testapp" ? TESTAPP : argument);
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  std::vector<std::string> environment_words = options.environment;
  std::vector<char*> environment;
  for (auto& word : environment_words) environment.push_back(word.data());
  environment.push_back(nullptr);

  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    options.before();
    Options parsed;
    const Action action =
        parse_command_line(static_cast<int>(argv.size() - 1), argv.data(), environment.data(), parsed);
    if (action != Action::Run) _exit(action == Action::UsageError ? 1 : 0);
    log::set_verbosity(parsed.verbosity);
    _exit(supervise(parsed));
  }
  close(out[1]);
  close(err[1]);
  supervised.pid = pid;
  supervised.out = new LineReader(out[0]);
  supervised.err = new LineReader(err[0]);
}

CapturedStderr::CapturedStderr() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) std::abort();
  saved_ = dup(STDERR_FILENO);
  dup2(ends[1], STDERR_FILENO);
  close(ends[1]);
  read_end_ = ends[0];
}

CapturedStderr::~CapturedStderr() { text(); }

std::string CapturedStderr::text() {
  if (saved_ < 0) return {};
  dup2(saved_, STDERR_FILENO);
  close(saved_);
  saved_ = -1;
  LineReader reader(read_end_);
  return reader.rest(Milliseconds(0));
}

char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return 0;
  const auto close_paren = line.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= line.size() ? 0 : line[close_paren + 2];
}

std::vector<std::pair<pid_t, char>> children_of(pid_t parent) {
  std::vector<std::pair<pid_t, char>> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (dirent* entry = readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream stat(std::string("/proc/") + entry->d_name + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto close_paren = line.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream fields(line.substr(close_paren + 2));
    char state = 0;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid == parent) children.emplace_back(pid, state);
  }
  closedir(proc);
  return children;
}

}  // namespace pidone::testing
