// libFuzzer target over pidone's command-line, environment and signal-name
// parsers (scripts/fuzz.sh builds and runs it).
//
// Input: byte 0 picks how many of the following words are arguments (low 5
// bits) and the log verbosity (high 3 bits); the rest is split at NUL bytes
// into words: the first ones are argv[1..] (argv[0] is "pidone"), the others
// environment entries ("NAME=value"). Every word lives in a heap block of
// exactly its size, so a read one byte past its NUL is an ASan finding.
//
// Besides crashes, leaks and undefined behaviour, it checks what the parser
// promises: it never writes into argv or the environment, the command it
// returns is a tail of argv, and every parsed value is within its range.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.hpp"
#include "options.hpp"
#include "signals.hpp"

namespace {

constexpr size_t kMaxWords = 64;

// The fuzzer stops at the first failed check, with a stack trace.
void check(bool condition) {
  if (!condition) __builtin_trap();
}

struct Words {
  char* items[kMaxWords + 2] = {};  // room for argv[0] and the final null
  char* copies[kMaxWords + 2] = {};
  size_t count = 0;

  ~Words() {
    for (size_t i = 0; i < count; ++i) {
      free(items[i]);
      free(copies[i]);
    }
  }

  void add(const uint8_t* data, size_t size) {
    items[count] = static_cast<char*>(malloc(size + 1));
    copies[count] = static_cast<char*>(malloc(size + 1));
    memcpy(items[count], data, size);
    items[count][size] = '\0';
    memcpy(copies[count], items[count], size + 1);
    ++count;
  }

  bool unchanged() const {
    for (size_t i = 0; i < count; ++i)
      if (strcmp(items[i], copies[i]) != 0) return false;
    return true;
  }
};

void check_signal_parser(const char* word) {
  const int signal = pidone::parse_signal(pidone::Text(word));
  check(signal >= 0 && signal <= pidone::kMaxSignal);
}

void check_options(const pidone::Options& options) {
  check(options.forwarding == pidone::Forwarding::ProcessGroup ||
        options.forwarding == pidone::Forwarding::SingleChild);
  check(options.parent_death_signal >= 0 && options.parent_death_signal <= pidone::kMaxSignal);
  check(options.grace_ms == pidone::kGraceByDefault || options.grace_ms <= pidone::kMaxGraceSeconds * 1000);
  check(options.verbosity >= 0);
  for (int signal = 1; signal <= pidone::kMaxSignal; ++signal) {
    const int target = options.rewrites.apply(signal);
    check(target >= 0 && target <= pidone::kMaxSignal);
    check(!options.rewrites.has_rule(signal) || pidone::is_forwarded(signal));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t argument_words = data[0] & 0x1f;
  pidone::log::set_verbosity(data[0] >> 5);

  Words arguments;
  Words environment;
  arguments.add(reinterpret_cast<const uint8_t*>("pidone"), 6);
  // Each word ends at a NUL or at the end of the input.
  for (size_t start = 1; start <= size && arguments.count + environment.count < kMaxWords;) {
    const void* nul = memchr(data + start, '\0', size - start);
    const size_t length =
        nul != nullptr ? static_cast<size_t>(static_cast<const uint8_t*>(nul) - data) - start : size - start;
    Words& words = arguments.count <= argument_words ? arguments : environment;
    words.add(data + start, length);
    start += length + 1;
  }

  const int argc = static_cast<int>(arguments.count);
  pidone::Options options;
  const pidone::Action action = pidone::parse_command_line(argc, arguments.items, environment.items, options);

  check(arguments.unchanged() && environment.unchanged());
  if (action == pidone::Action::Run) {
    check(options.pause ? options.command == nullptr
                        : options.command > arguments.items && options.command < arguments.items + argc);
    check_options(options);
  } else {
    check(action == pidone::Action::ShowHelp || action == pidone::Action::ShowVersion ||
          action == pidone::Action::ShowLicense || action == pidone::Action::UsageError);
  }
  for (size_t i = 0; i < arguments.count; ++i) check_signal_parser(arguments.items[i]);
  for (size_t i = 0; i < environment.count; ++i) check_signal_parser(environment.items[i]);
  return 0;
}
