#pragma once
// The application's session and process group, and the controlling
// terminal: planned in pidone before the fork, entered in the child before
// exec, and the terminal's foreground taken back when the application exits.
#include "options.hpp"

namespace pidone {

enum class Session : unsigned char {
  Shared,      // -c without a terminal of pidone's: the child stays in
               // pidone's process group and session
  Detached,    // the child leads a new session of its own, without a terminal
  Foreground,  // the child leads a new process group in pidone's session,
               // the foreground group of pidone's controlling terminal
};

// In pidone, before the fork. With a terminal on stdin that pidone holds as
// session leader (docker run -t), or that nobody holds while pidone is PID 1
// (a kernel's console), pidone keeps or takes it and plans the foreground
// hand-off, with -c too; otherwise the child gets a session of its own, or
// with -c stays in pidone's.
Session plan_session(Forwarding forwarding);

// In the child, before exec: takes the place planned for it.
void enter_session(Session session);

// In pidone, once the application has exited: the terminal's foreground
// returns to pidone's own group.
void take_back_terminal(Session session);

}  // namespace pidone
