#include <signal.h>

#include "application.hpp"
#include "measurements.hpp"
#include "process.hpp"
#include "stats.hpp"

namespace bench {

constexpr int kAcknowledgeTimeoutMs = 5'000;

void measure_signal_round_trip(const Options& options, int rounds, Results& results) {
  RunningInit running[kMaxInits];
  start_under_each(options, "ack", running);
  SampleTable round_trip(options.init_count, rounds);
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < options.init_count; ++i) {
      int64_t start = now_ns();
      kill(running[i].pid, SIGUSR1);
      if (!read_byte(running[i].app_fd, kAcknowledgeTimeoutMs)) {
        fail("%s: signal %d of %d not acknowledged", options.inits[i].name, round + 1, rounds);
      }
      round_trip.row(i)[round] = static_cast<double>(now_ns() - start);
    }
  }
  stop_each(options, running);
  for (int i = 0; i < options.init_count; ++i) {
    const char* name = options.inits[i].name;
    results.add("signal_us", name, rounds, median(round_trip.row(i), rounds) / 1e3);
  }
}

}  // namespace bench
