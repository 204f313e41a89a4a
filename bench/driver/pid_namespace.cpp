#include "pid_namespace.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "process.hpp"

namespace bench {
namespace {

struct Start {
  char* const* argv;
  const int* kept;
  int kept_count;
  bool own_proc;
};

[[noreturn]] void child_failed(const char* what) {
  fprintf(stderr, "bench-driver: PID namespace: %s: %s\n", what, strerror(errno));
  _exit(127);
}

// Runs in the clone: already PID 1 of the new namespace.
int become_init(void* argument) {
  const Start& start = *static_cast<Start*>(argument);
  // Mount events must not leak back to the parent's namespace.
  if (start.own_proc && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) child_failed("make / private");
  if (start.own_proc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    child_failed("mount /proc");
  }
  int null_fd = open("/dev/null", O_RDWR);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0) child_failed("/dev/null");
  if (null_fd > 2) close(null_fd);
  for (int i = 0; i < start.kept_count; ++i) {
    if (fcntl(start.kept[i], F_SETFD, 0) != 0) child_failed("keep a descriptor open");
  }
  execv(start.argv[0], start.argv);
  child_failed(start.argv[0]);
}

}  // namespace

pid_t spawn_as_pid1(char* const argv[], const int* kept, int kept_count, bool own_proc) {
  alignas(16) static char stack[64 * 1024];
  Start start{argv, kept, kept_count, own_proc};
  int namespaces = own_proc ? CLONE_NEWPID | CLONE_NEWNS : CLONE_NEWPID;
  pid_t pid = clone(become_init, stack + sizeof stack, namespaces | SIGCHLD, &start);
  if (pid < 0) fail("clone(CLONE_NEWPID): %s (needs root)", strerror(errno));
  return pid;
}

}  // namespace bench
