#pragma once
// The init itself: start the application, forward signals to it, reap every
// child, wind down what remains, and return the application's status.
#include "options.hpp"

namespace pidone {

// Runs options.command and supervises it until it exits; returns the status
// pidone should exit with. It takes over the calling process (every signal
// blocked, subreaper, working directory "/"), so tests call it in a forked
// process of their own.
int supervise(const Options& options);

}  // namespace pidone
