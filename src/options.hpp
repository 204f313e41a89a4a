#pragma once
// The command line and the environment variables of pidone, dumb-init and
// tini, parsed into one Options value. No allocation: the command is a view
// into argv.
#include "log.hpp"
#include "signals.hpp"
#include "text.hpp"

namespace pidone {

enum class Forwarding : unsigned char {
  ProcessGroup,  // the child calls setsid(); signals go to its whole group
  SingleChild,   // signals go to the child alone (dumb-init -c)
};

// -r S:R rules: which signal to send when S arrives; 0 drops it.
class SignalRewrites {
 public:
  void set(int from, int to) { target_plus_one_[from] = static_cast<unsigned char>(to + 1); }
  bool has_rule(int signal) const { return target_plus_one_[signal] != 0; }
  int apply(int signal) const { return has_rule(signal) ? target_plus_one_[signal] - 1 : signal; }

 private:
  unsigned char target_plus_one_[kMaxSignal + 1] = {};  // 0: no rule
};

// -e CODE: exit statuses that pidone reports as 0.
class ExitCodeSet {
 public:
  void add(unsigned code) { bits_[code / 8] = static_cast<unsigned char>(bits_[code / 8] | 1U << (code % 8)); }
  bool contains(unsigned code) const { return code < 256 && (bits_[code / 8] >> (code % 8) & 1U) != 0; }

 private:
  unsigned char bits_[256 / 8] = {};
};

inline constexpr unsigned kMaxGraceSeconds = 1000000;
// grace_ms when neither --grace nor PIDONE_GRACE was given: the supervisor
// decides (a grace period as PID 1, none otherwise).
inline constexpr unsigned kGraceByDefault = ~0U;

struct Options {
  Forwarding forwarding = Forwarding::ProcessGroup;
  SignalRewrites rewrites;
  ExitCodeSet exits_as_success;
  int parent_death_signal = 0;
  bool subreaper_requested = false;
  bool warn_reap = false;
  int verbosity = log::kDefaultVerbosity;
  unsigned grace_ms = kGraceByDefault;
  bool pause = false;        // no application: only reap, until SIGINT or SIGTERM
  char** command = nullptr;  // argv of the application, null-terminated; null with pause
};

enum class Action : unsigned char { Run, ShowHelp, ShowVersion, ShowLicense, UsageError };

// Applies the environment first, then the command line (flags win). On
// UsageError one line has been written to stderr.
Action parse_command_line(int argc, char** argv, char** environment, Options& options);

// --help: the usage line, then every flag and variable of the option table.
void print_help();

}  // namespace pidone
