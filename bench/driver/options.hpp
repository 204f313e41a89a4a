#pragma once
// The driver's command line: which inits to compare and how much work to do.

namespace bench {

constexpr int kMaxInits = 8;
constexpr int kMaxInitWords = 8;

// One init under test: its name in the table and the words that start it,
// up to where the application's command line follows (e.g. "tini -s --").
struct Init {
  const char* name;
  char* words[kMaxInitWords];
  int word_count;
  const char* path() const { return words[0]; }
};

struct Work {
  int startup_runs;         // INIT -- true runs, each paired with a run of true alone
  int signal_rounds;        // signals sent to each init, one at a time
  int orphans;              // orphans created under each init in one reaping run
  int reaping_repetitions;  // reaping runs per init at the base amount of work (scaled: one)
  int idle_repetitions;     // times each init is started to measure memory and wake-ups
  int idle_seconds;         // how long each init is watched while its child sleeps
  int scale;                // the scaling runs do this many times the work
  int burst;                // zombies handed to each init at once
  int burst_repetitions;    // burst runs per init
  int exit_runs;            // runs of pidone as PID 1 per exit-latency scenario and grace
};

struct Options {
  Work work;
  const char* results_path;
  const char* true_path;
  const char* app_path;
  int cpu;  // every program runs on this CPU; -1: the last one the driver may use
  Init inits[kMaxInits];
  int init_count;
};

// Exits with a usage message on a bad command line.
Options parse_options(int argc, char** argv);

// Writes into `argv` (room for `capacity` pointers) the init's words followed
// by the null-terminated `application` words, and a final null.
void command_line(const Init& init, char* const* application, char** argv, int capacity);

}  // namespace bench
