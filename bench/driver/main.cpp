// bench-driver: measures each init given with --init, side by side, and
// writes the figures to the --results file (see results.hpp). bench/run.sh
// runs it; bench/report.py makes the table and the plot.
#include <stdarg.h>
#include <stdio.h>

#include "cpu_pinning.hpp"
#include "measurements.hpp"
#include "options.hpp"
#include "process.hpp"
#include "results.hpp"

namespace bench {
namespace {

// Progress on stderr: the time since the driver started, then the message.
void progress(const char* format, ...) __attribute__((format(printf, 1, 2)));
void progress(const char* format, ...) {
  static const int64_t start = now_ns();
  fprintf(stderr, "[%6.1f s] ", static_cast<double>(now_ns() - start) / 1e9);
  va_list arguments;
  va_start(arguments, format);
  vfprintf(stderr, format, arguments);
  va_end(arguments);
  fputc('\n', stderr);
}

int run(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  const Work& work = options.work;
  Results results(options.results_path);
  results.add("cpu", "all", 1, static_cast<double>(pin_to_one_cpu(options.cpu)));
  progress("binaries");
  measure_binaries(options, results);
  progress("memory and idle wake-ups while the child sleeps");
  measure_idle(options, results);
  const int scales[] = {1, work.scale};
  for (int scale : scales) {
    progress("start-up, %dx", scale);
    measure_startup(options, work.startup_runs * scale, results);
    progress("signal round trip, %dx", scale);
    measure_signal_round_trip(options, work.signal_rounds * scale, results);
    progress("reaping, %dx", scale);
    measure_reaping(options, work.orphans * scale, scale == 1 ? work.reaping_repetitions : 1, results);
  }
  progress("burst reaping");
  measure_burst_reaping(options, work.burst, work.burst_repetitions, results);
  progress("exit latency of pidone's grace period");
  measure_exit_latency(options, work.exit_runs, results);
  progress("done");
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) { return bench::run(argc, argv); }
