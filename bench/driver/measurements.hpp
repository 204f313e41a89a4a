#pragma once
// One function per metric; each writes its figures for every init to `results`.
// Where a metric runs the inits one after another, it interleaves them
// (A B C A B C ...) so that the machine's drift hits all of them alike.
#include "options.hpp"
#include "results.hpp"

namespace bench {

// Stripped file size and how each init is linked.
void measure_binaries(const Options& options, Results& results);

// Peak resident memory (VmHWM), context switches per second, and the size of
// the files it maps (executable and shared libraries) of each init while its
// child sleeps.
void measure_idle(const Options& options, Results& results);

// Wall time of INIT -- true minus that of true alone, `runs` times.
void measure_startup(const Options& options, int runs, Results& results);

// SIGUSR1 to the init until the application acknowledges it, `rounds` times.
void measure_signal_round_trip(const Options& options, int rounds, Results& results);

// The init as PID 1 of a new PID namespace, its child making `orphans`
// orphans: reaped per second, init CPU time per orphan, zombies left.
void measure_reaping(const Options& options, int orphans, int repetitions, Results& results);

// The same with `zombies` children of one parent exiting at once, the clock
// started when their parent exits (their zombies go to the init together);
// then again at real-time priority (figures named burst_rt_*).
void measure_burst_reaping(const Options& options, int zombies, int repetitions, Results& results);

// The init named "pidone" as PID 1, with its default grace period and with
// --grace 0: time from the application's SIGTERM until pidone has exited,
// for an application that leaves nothing behind and for one that leaves a
// worker exiting on SIGTERM.
void measure_exit_latency(const Options& options, int runs, Results& results);

}  // namespace bench
