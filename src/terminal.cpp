#include "terminal.hpp"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "log.hpp"
#include "signals.hpp"

namespace pidone {
namespace {

// When a session leader gives up its terminal, the kernel sends SIGHUP and
// then SIGCONT to the terminal's foreground process group, pidone's own, before
// the ioctl returns. Both are blocked, so they are pending now: take them off
// the queue here so they are not forwarded as if the user had sent them.
void discard_hangup_from_release() {
  sigset_t hangup_and_continue = no_signals();
  sigaddset(&hangup_and_continue, SIGHUP);
  sigaddset(&hangup_and_continue, SIGCONT);
  const timespec no_wait{};
  while (sigtimedwait(&hangup_and_continue, nullptr, &no_wait) > 0) {
  }
}

}  // namespace

bool release_terminal() {
  if (isatty(STDIN_FILENO) == 0) return false;
  const bool session_leader = getsid(0) == getpid();
  if (ioctl(STDIN_FILENO, TIOCNOTTY) == -1) {
    log::debug("not detaching from the terminal: ", SystemError{errno});
    return true;  // not our controlling terminal: the child may still take it
  }
  if (session_leader) discard_hangup_from_release();
  log::debug("gave up the controlling terminal for the child");
  return true;
}

void take_terminal() {
  if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) == -1) log::debug("the child cannot take the terminal: ", SystemError{errno});
}

}  // namespace pidone
