#include "spawn.hpp"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exit_status.hpp"
#include "log.hpp"

namespace pidone {
namespace {

// fork() as the bare system call: musl's fork() takes its internal locks
// for threads pidone never starts, and links in four kilobytes of them.
pid_t fork_process() { return static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)); }

// execvp(), searching PATH (default "/usr/local/bin:/bin:/usr/bin", as
// musl's) for a name without '/'. Returns the error to report: EACCES if a
// file was found but not runnable, else the last error.
int exec_from_path(char** command) {
  const Text name(command[0]);
  if (name.empty()) return ENOENT;
  if (find(name, '/') != nullptr) {
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

[[noreturn]] void exec_application(char** command, Session session, const InheritedSignals& inherited) {
  enter_session(session);
  restore_signals(inherited);
  const int error = exec_from_path(command);
  log::error(command[0], ": ", SystemError{error});
  _exit(error == ENOENT || error == ENOTDIR ? exit_status::kNotFound : exit_status::kNotRunnable);
}

}  // namespace

pid_t spawn(char** command, Session session, const InheritedSignals& inherited) {
  const pid_t pid = fork_process();
  if (pid == 0) exec_application(command, session, inherited);
  if (pid == -1) log::error("cannot start ", command[0], ": fork: ", SystemError{errno});
  return pid;
}

}  // namespace pidone
