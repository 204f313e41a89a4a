#include <time.h>

#include "application.hpp"
#include "measurements.hpp"
#include "proc_reading.hpp"
#include "process.hpp"
#include "stats.hpp"

namespace bench {

// Lets each init finish starting its child before the window opens, so that
// only idle wake-ups are counted.
constexpr timespec kSettle{0, 250'000'000};

void measure_idle(const Options& options, Results& results) {
  int repetitions = options.work.idle_repetitions;
  SampleTable peak_kib(options.init_count, repetitions);
  SampleTable wakeups(options.init_count, repetitions);
  int64_t mapped_bytes[kMaxInits];
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    RunningInit running[kMaxInits];
    start_under_each(options, "sleep", running);
    nanosleep(&kSettle, nullptr);
    int64_t switches[kMaxInits];
    int64_t start = now_ns();
    for (int i = 0; i < options.init_count; ++i) switches[i] = context_switches(running[i].pid);
    timespec window{options.work.idle_seconds, 0};
    nanosleep(&window, nullptr);
    double seconds = static_cast<double>(now_ns() - start) / 1e9;
    for (int i = 0; i < options.init_count; ++i) {
      wakeups.row(i)[repetition] = static_cast<double>(context_switches(running[i].pid) - switches[i]) / seconds;
      peak_kib.row(i)[repetition] = static_cast<double>(status_field(running[i].pid, "VmHWM:"));
      mapped_bytes[i] = mapped_files_size(running[i].pid);
    }
    stop_each(options, running);
  }
  for (int i = 0; i < options.init_count; ++i) {
    const char* name = options.inits[i].name;
    results.add("vmhwm_kib", name, repetitions, median(peak_kib.row(i), repetitions));
    results.add("mapped_bytes", name, 1, static_cast<double>(mapped_bytes[i]));
    results.add("wakeups_per_s", name, options.work.idle_seconds, median(wakeups.row(i), repetitions));
  }
}

}  // namespace bench
