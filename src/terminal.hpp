#pragma once
// Handing the controlling terminal from pidone to the child's new session,
// as dumb-init does, so that the application sees ^C, ^Z and window changes.

namespace pidone {

// If stdin is a terminal, pidone gives up its controlling terminal so the
// child's session can take it. Returns whether the child should take it.
bool release_terminal();

// In the child, after setsid(): makes stdin its controlling terminal.
void take_terminal();

}  // namespace pidone
