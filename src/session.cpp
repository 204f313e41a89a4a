#include "session.hpp"

#include <errno.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "log.hpp"

namespace pidone {
namespace {

// TIOCGSID answers only for the caller's own controlling terminal.
bool holds_terminal() {
  pid_t terminal_session = 0;
  return ioctl(STDIN_FILENO, TIOCGSID, &terminal_session) == 0;
}

// A kernel starts init in no session at all and with the console on fds 0-2
// but not as its controlling terminal: as PID 1, pidone starts a session of
// its own and takes the console, so that the console's ^C reaches the
// application.
// Fails with ENOTTY when stdin is no terminal at all.
bool take_unheld_terminal() {
  if (getsid(0) != getpid() && (getpid() != 1 || setsid() == -1)) return false;
  return ioctl(STDIN_FILENO, TIOCSCTTY, 0) == 0;
}

}  // namespace

Session plan_session(Forwarding forwarding) {
  const Session without_terminal = forwarding == Forwarding::SingleChild ? Session::Shared : Session::Detached;
  // dumb-init gives the terminal to the child's new session instead. But
  // when a session leader with a controlling terminal exits, the kernel
  // sends SIGHUP and SIGCONT to the terminal's foreground group: the
  // application's exit would hang up the workers it leaves behind before
  // pidone could give them SIGTERM and their grace period. As the session
  // leader, pidone only exits after them. With -c as well: were the child in
  // pidone's foreground group, a ^C would reach it twice, from the terminal
  // and forwarded by pidone.
  if (holds_terminal()) {
    if (getsid(0) == getpid()) return Session::Foreground;
    // A shell's job: the terminal belongs to the shell's session, which
    // gives its foreground to pidone's group; pidone forwards ^C and ^Z.
    return without_terminal;
  }
  return take_unheld_terminal() ? Session::Foreground : without_terminal;
}

void enter_session(Session session) {
  switch (session) {
    case Session::Shared: return;
    case Session::Detached:
      if (setsid() == -1) log::warning("setsid: ", SystemError{errno});
      return;
    case Session::Foreground:
      // The terminal sends ^C, ^\ and ^Z to this group. Its parent, pidone,
      // is in another group of the same session, so the group is not
      // orphaned and ^Z's default stop applies. tcsetpgrp() from a
      // background group raises SIGTTOU unless it is blocked: it is, until
      // exec.
      if (setpgid(0, 0) == -1 || tcsetpgrp(STDIN_FILENO, getpid()) == -1)
        log::warning("cannot take the terminal's foreground: ", SystemError{errno});
      return;
  }
}

void take_back_terminal(Session session) {
  // When pidone exits as the session leader, the kernel hangs up the
  // terminal's foreground group: that must not be what the application
  // left behind. pidone's group is a background one now, but SIGTTOU is
  // blocked, so tcsetpgrp() is allowed.
  if (session == Session::Foreground && tcsetpgrp(STDIN_FILENO, getpgrp()) == -1)
    log::debug("cannot take back the terminal's foreground: ", SystemError{errno});
}

}  // namespace pidone
