#include "process.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

namespace bench {

int64_t now_ns() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1'000'000'000LL + now.tv_nsec;
}

void fail(const char* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  fputs("bench-driver: ", stderr);
  vfprintf(stderr, format, arguments);
  fputc('\n', stderr);
  va_end(arguments);
  exit(1);
}

pid_t spawn(char* const argv[], const int* kept, int kept_count) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  // dup2 onto itself clears close-on-exec (POSIX 2008 TC2, done by musl).
  for (int i = 0; i < kept_count; ++i) posix_spawn_file_actions_adddup2(&actions, kept[i], kept[i]);
  pid_t pid;
  int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) fail("cannot start %s: %s", argv[0], strerror(error));
  return pid;
}

bool wait_for_exit(pid_t pid, int timeout_ms, int* status) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) fail("pidfd_open(%d): %s", pid, strerror(errno));
  pollfd exited{pidfd, POLLIN, 0};
  int64_t deadline = now_ns() + timeout_ms * 1'000'000LL;
  int ready;
  do {
    int left_ms = static_cast<int>((deadline - now_ns()) / 1'000'000);
    ready = poll(&exited, 1, left_ms < 0 ? 0 : left_ms);
  } while (ready < 0 && errno == EINTR);
  close(pidfd);
  if (ready <= 0) return false;
  while (waitpid(pid, status, 0) < 0) {
    if (errno != EINTR) fail("waitpid(%d): %s", pid, strerror(errno));
  }
  return true;
}

void stop(pid_t pid, int grace_ms) {
  int status;
  kill(pid, SIGTERM);
  if (wait_for_exit(pid, grace_ms, &status)) return;
  kill(pid, SIGKILL);
  if (!wait_for_exit(pid, grace_ms, &status)) fail("process %d survives SIGKILL", pid);
}

bool read_byte(int fd, int timeout_ms) {
  pollfd readable{fd, POLLIN, 0};
  int ready;
  do ready = poll(&readable, 1, timeout_ms);
  while (ready < 0 && errno == EINTR);
  if (ready <= 0) return false;
  char byte;
  ssize_t got;
  do got = read(fd, &byte, 1);
  while (got < 0 && errno == EINTR);
  return got == 1;
}

Pipe make_pipe() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) fail("pipe2: %s", strerror(errno));
  return Pipe{ends[0], ends[1]};
}

}  // namespace bench
