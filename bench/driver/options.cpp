#include "options.hpp"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process.hpp"

namespace bench {
namespace {

constexpr Work kFullWork{300, 3000, 20000, 5, 3, 3, 10, 2000, 15, 200};
constexpr Work kQuickWork{20, 200, 1000, 1, 1, 1, 10, 2000, 1, 10};

[[noreturn]] void usage(int status = 2) {
  fputs(
      "usage: bench-driver [--help] [--quick] --results FILE --true PATH --app PATH\n"
      "                    --init 'NAME=PROGRAM [ARG...]' ... [WORK OPTIONS]\n"
      "  --init        an init to compare, with the arguments that come before the\n"
      "                application's command line, e.g. 'tini=/usr/bin/tini -s --'\n"
      "  --quick       a smoke test of a few seconds instead of the full run\n"
      "  --cpu N       run everything on CPU N (default: the last CPU allowed)\n"
      "work options (each a positive number; defaults: full run / --quick):\n"
      "  --startup-runs N         300 / 20\n"
      "  --signal-rounds N        3000 / 200\n"
      "  --orphans N              20000 / 1000\n"
      "  --reaping-repetitions N  5 / 1\n"
      "  --idle-repetitions N     3 / 1\n"
      "  --idle-seconds N         3 / 1\n"
      "  --scale N                10 / 10   (the scaling runs' work multiplier;\n"
      "                                     they reap once per init)\n"
      "  --burst N                2000 / 2000 (zombies at once)\n"
      "  --burst-repetitions N    15 / 1\n"
      "  --exit-runs N            200 / 10  (pidone as PID 1, per scenario)\n",
      status == 0 ? stdout : stderr);
  exit(status);
}

int positive_number(const char* text) {
  char* end;
  long value = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value <= 0 || value > 100'000'000L) usage();
  return static_cast<int>(value);
}

// "NAME=PROGRAM ARG..." split in place at '=' and spaces.
Init parse_init(char* text) {
  Init init{};
  char* equals = strchr(text, '=');
  if (equals == nullptr || equals == text) usage();
  *equals = '\0';
  init.name = text;
  for (char* word = strtok(equals + 1, " "); word != nullptr; word = strtok(nullptr, " ")) {
    if (init.word_count == kMaxInitWords) usage();
    init.words[init.word_count++] = word;
  }
  if (init.word_count == 0) usage();
  return init;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options options{};
  options.work = kFullWork;
  options.cpu = -1;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--quick") == 0) options.work = kQuickWork;
  }
  struct NumberOption {
    const char* name;
    int* target;
  } numbers[] = {
      {"--startup-runs", &options.work.startup_runs},
      {"--signal-rounds", &options.work.signal_rounds},
      {"--orphans", &options.work.orphans},
      {"--reaping-repetitions", &options.work.reaping_repetitions},
      {"--idle-repetitions", &options.work.idle_repetitions},
      {"--idle-seconds", &options.work.idle_seconds},
      {"--scale", &options.work.scale},
      {"--burst", &options.work.burst},
      {"--burst-repetitions", &options.work.burst_repetitions},
      {"--exit-runs", &options.work.exit_runs},
  };
  for (int i = 1; i < argc; ++i) {
    const char* option = argv[i];
    if (strcmp(option, "--quick") == 0) continue;
    if (strcmp(option, "--help") == 0) usage(0);
    if (i + 1 == argc) usage();
    char* value = argv[++i];
    if (strcmp(option, "--results") == 0) {
      options.results_path = value;
    } else if (strcmp(option, "--true") == 0) {
      options.true_path = value;
    } else if (strcmp(option, "--app") == 0) {
      options.app_path = value;
    } else if (strcmp(option, "--cpu") == 0) {
      options.cpu = strcmp(value, "0") == 0 ? 0 : positive_number(value);
    } else if (strcmp(option, "--init") == 0) {
      if (options.init_count == kMaxInits) usage();
      options.inits[options.init_count++] = parse_init(value);
    } else {
      int* target = nullptr;
      for (const NumberOption& number : numbers) {
        if (strcmp(option, number.name) == 0) target = number.target;
      }
      if (target == nullptr) usage();
      *target = positive_number(value);
    }
  }
  if (options.results_path == nullptr || options.true_path == nullptr || options.app_path == nullptr ||
      options.init_count == 0) {
    usage();
  }
  return options;
}

void command_line(const Init& init, char* const* application, char** argv, int capacity) {
  int count = 0;
  for (int i = 0; i < init.word_count; ++i) {
    if (count == capacity - 1) fail("command line of %s too long", init.name);
    argv[count++] = init.words[i];
  }
  for (char* const* word = application; *word != nullptr; ++word) {
    if (count == capacity - 1) fail("command line of %s too long", init.name);
    argv[count++] = *word;
  }
  argv[count] = nullptr;
}

}  // namespace bench
