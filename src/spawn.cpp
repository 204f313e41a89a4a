#include "spawn.hpp"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.hpp"
#include "signals.hpp"
#include "terminal.hpp"

namespace pidone {
namespace {

constexpr int kExitNotFound = 127;
constexpr int kExitNotRunnable = 126;

// The kernel's struct sigaction on x86_64 and aarch64.
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};

// Sets SIG_DFL or SIG_IGN (which need no restorer) with the system call;
// returns the previous handler. musl's signal() would bring in its handler
// machinery, which pidone does not use.
void (*set_disposition(int signal, void (*handler)(int)))(int) {
  const KernelSigaction wanted{handler, 0, nullptr, 0};
  KernelSigaction previous{};
  syscall(SYS_rt_sigaction, signal, &wanted, &previous, sizeof previous.mask);
  return previous.handler;
}

// fork() as the bare system call: musl's fork() takes its internal locks
// for threads pidone never starts, and links in four kilobytes of them.
pid_t fork_process() { return static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)); }

// execvp(), searching PATH (default "/usr/local/bin:/bin:/usr/bin", as
// musl's) for a name without '/'. Returns the error to report: EACCES if a
// file was found but not runnable, else the last error.
int exec_from_path(char** command) {
  const Text name(command[0]);
  if (name.empty()) return ENOENT;
  if (memchr(name.data, '/', name.size) != nullptr) {
    execve(command[0], command, environ);
    return errno;
  }
  Text path("/usr/local/bin:/bin:/usr/bin");
  find_variable(environ, "PATH", path);
  int error = ENOENT;
  bool found_unrunnable = false;
  for_each_field(path, ':', [&](Text directory) {
    char file[4096];
    if (directory.size + 1 + name.size >= sizeof file) return true;
    memcpy(file, directory.data, directory.size);
    file[directory.size] = '/';
    memcpy(file + directory.size + 1, name.data, name.size + 1);
    execve(directory.empty() ? command[0] : file, command, environ);  // an empty entry is the current directory
    error = errno;
    found_unrunnable = found_unrunnable || error == EACCES;
    return error == ENOENT || error == ENOTDIR || error == EACCES;  // else stop: found, but it failed
  });
  return found_unrunnable ? EACCES : error;
}

[[noreturn]] void exec_application(char** command, SpawnMode mode, const InheritedSignals& inherited) {
  if (mode != SpawnMode::SameSession && setsid() == -1) log::warning("setsid: ", SystemError{errno});
  if (mode == SpawnMode::NewSessionWithTerminal) take_terminal();
  // pidone installs no handlers, so every disposition is still the one it
  // inherited, except SIGCHLD, which pidone must not ignore. Signals that
  // pidone forwarded since the fork are pending here and are delivered, or
  // stay pending across exec, under the application's own mask.
  if (inherited.child_signal_ignored) set_disposition(SIGCHLD, SIG_IGN);
  set_signal_mask(inherited.mask, nullptr);
  const int error = exec_from_path(command);
  log::error(command[0], ": ", SystemError{error});
  _exit(error == ENOENT || error == ENOTDIR ? kExitNotFound : kExitNotRunnable);
}

}  // namespace

InheritedSignals take_over_signals() {
  InheritedSignals inherited{};
  set_signal_mask(all_signals(), &inherited.mask);
  // With SIGCHLD ignored, the kernel reaps children itself and waitpid()
  // never sees the application's status.
  inherited.child_signal_ignored = set_disposition(SIGCHLD, SIG_DFL) == SIG_IGN;
  return inherited;
}

pid_t spawn(char** command, SpawnMode mode, const InheritedSignals& inherited) {
  const pid_t pid = fork_process();
  if (pid == 0) exec_application(command, mode, inherited);
  if (pid == -1) log::error("cannot start ", command[0], ": fork: ", SystemError{errno});
  return pid;
}

int exit_code_of(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

}  // namespace pidone
