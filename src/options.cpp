#include "options.hpp"

#include <string.h>
#include <unistd.h>

namespace pidone {
namespace {

constexpr int kDebugVerbosity = static_cast<int>(log::Level::Debug);
constexpr unsigned kMaxVerbosity = 99;

// One parse: the options so far, and whether to stop for --help and the like.
struct Parsing {
  Options& options;
  int verbose_flags = 0;
  Action action = Action::Run;
};

// Applies a flag or a variable; false after one line on stderr. A flag that
// takes no value is applied with the value "1".
using Apply = bool (*)(Text value, Text source, Parsing& parsing);

bool reject(Text source, Text value, const char* problem) {
  log::error(source, ": '", value, "' ", problem);
  return false;
}

bool apply_rewrites(Text rules, Text source, Parsing& parsing) {
  return for_each_field(rules, ',', [&](Text rule) {
    Text from_text;
    Text to_text;
    if (!split_once(rule, ':', from_text, to_text)) return reject(source, rule, "is not SIGNAL:SIGNAL");
    const int from = parse_signal(from_text);
    if (from == 0) return reject(source, from_text, "is not a signal");
    if (!is_forwarded(from)) return reject(source, from_text, "is a signal pidone never forwards");
    unsigned to = 0;
    if (!parse_unsigned(to_text, 0, to)) {  // "0" drops the signal
      to = static_cast<unsigned>(parse_signal(to_text));
      if (to == 0) return reject(source, to_text, "is not a signal (or 0 to drop it)");
    }
    parsing.options.rewrites.set(from, static_cast<int>(to));
    return true;
  });
}

bool apply_exit_remaps(Text codes, Text source, Parsing& parsing) {
  return for_each_field(codes, ',', [&](Text code_text) {
    unsigned code = 0;
    if (!parse_unsigned(code_text, 255, code)) return reject(source, code_text, "is not an exit code (0-255)");
    parsing.options.exits_as_success.add(code);
    return true;
  });
}

bool apply_grace(Text seconds, Text source, Parsing& parsing) {
  if (parse_seconds(seconds, kMaxGraceSeconds, parsing.options.grace_ms)) return true;
  return reject(source, seconds, "is not a number of seconds (0 to 1000000, fractions allowed)");
}

bool apply_parent_death_signal(Text name, Text source, Parsing& parsing) {
  parsing.options.parent_death_signal = parse_signal(name);
  return parsing.options.parent_death_signal != 0 || reject(source, name, "is not a signal");
}

// pidone's own switches are strict: a typo must not silently turn one off.
bool parse_switch(Text value, Text source, bool& on) {
  on = equal(value, "1");
  return on || equal(value, "0") || reject(source, value, "is not 0 or 1");
}

template <bool Options::*kSwitch>
// cppcheck-suppress unusedFunction ; used as a template argument, which cppcheck does not see
bool apply_switch(Text value, Text source, Parsing& parsing) {
  return parse_switch(value, source, parsing.options.*kSwitch);
}

bool apply_single_child(Text value, Text source, Parsing& parsing) {
  bool single = false;
  if (!parse_switch(value, source, single)) return false;
  parsing.options.forwarding = single ? Forwarding::SingleChild : Forwarding::ProcessGroup;
  return true;
}

bool apply_process_group(Text /*value*/, Text /*source*/, Parsing& parsing) {
  parsing.options.forwarding = Forwarding::ProcessGroup;
  return true;
}

bool apply_verbose_flag(Text /*value*/, Text /*source*/, Parsing& parsing) {
  ++parsing.verbose_flags;
  return true;
}

bool apply_verbose_variable(Text value, Text source, Parsing& parsing) {
  unsigned extra = 0;
  if (!parse_unsigned(value, kMaxVerbosity, extra)) return reject(source, value, "is not a number (0-99)");
  parsing.options.verbosity = log::kDefaultVerbosity + static_cast<int>(extra);
  return true;
}

template <Action kAction>
// cppcheck-suppress unusedFunction ; used as a template argument, which cppcheck does not see
bool apply_action(Text /*value*/, Text /*source*/, Parsing& parsing) {
  parsing.action = kAction;
  return true;
}

// A peer's variable whose value pidone reads as the peer does, though it
// would be a typo in pidone's own: one warning line, and pidone carries on.
void warn_read_as_peer(Text source, Text value, const char* expected, unsigned read_as, const char* peer) {
  log::warning(source, ": '", value, "' is not ", expected, "; read as ", read_as, ", as ", peer, " does");
}

// dumb-init compares each of its variables with one value ("0" turns
// DUMB_INIT_SETSID off, "1" turns DUMB_INIT_DEBUG on) and reads anything
// else as the other, so that is what pidone does too.
bool dumb_init_switch(Text value, Text source, unsigned decisive) {
  const char digits[] = {'0', '1'};
  if (equal(value, Text(&digits[decisive], 1))) return true;
  if (!equal(value, Text(&digits[1 - decisive], 1)))
    warn_read_as_peer(source, value, "0 or 1", 1 - decisive, "dumb-init");
  return false;
}

bool apply_dumb_init_setsid(Text value, Text source, Parsing& parsing) {
  const bool off = dumb_init_switch(value, source, 0);
  parsing.options.forwarding = off ? Forwarding::SingleChild : Forwarding::ProcessGroup;
  return true;
}

bool apply_dumb_init_debug(Text value, Text source, Parsing& parsing) {
  if (dumb_init_switch(value, source, 1)) parsing.options.verbosity = kDebugVerbosity;
  return true;
}

// What tini's level becomes from atoi(): blanks, a sign, then digits; 0
// when there are none. tini keeps the level unsigned, so a negative one
// wraps around to the most verbose.
unsigned atoi_level(Text text) {
  size_t at = 0;
  while (at < text.size && (text.data[at] == ' ' || (text.data[at] >= '\t' && text.data[at] <= '\r'))) ++at;
  const bool negative = at < text.size && text.data[at] == '-';
  if (at < text.size && (negative || text.data[at] == '+')) ++at;
  unsigned level = 0;
  for (; at < text.size && text.data[at] >= '0' && text.data[at] <= '9' && level <= kMaxVerbosity; ++at)
    level = level * 10 + static_cast<unsigned>(text.data[at] - '0');
  return level < kMaxVerbosity && !(negative && level > 0) ? level : kMaxVerbosity;
}

// tini reads TINI_VERBOSITY with atoi(), so "x" and "" mean 0 rather than an
// error.
bool apply_tini_verbosity(Text value, Text source, Parsing& parsing) {
  unsigned level = 0;
  if (!parse_unsigned(value, kMaxVerbosity, level)) {
    level = atoi_level(value);
    warn_read_as_peer(source, value, "a number (0-99)", level, "tini");
  }
  parsing.options.verbosity = static_cast<int>(level);
  return true;
}

bool apply_tini_subreaper(Text /*value*/, Text /*source*/, Parsing& parsing) {
  return parsing.options.subreaper_requested = true;
}

// Every flag and variable, in one place: this table drives the parsing of
// both and the --help list.
struct OptionSpec {
  char short_name;         // '\0': long form only
  bool counts_when_empty;  // tini reads its variables whenever they are set
  const char* long_name;   // nullptr: no flag, or short form only
  const char* value_name;  // nullptr: the flag takes no value
  const char* variable;    // nullptr: no environment variable
  Apply apply;
  const char* help;  // nullptr: not a flag
};

// Variables apply in this order, so the peers' come first and pidone's own win.
constexpr OptionSpec kOptions[] = {
    {'\0', false, nullptr, nullptr, "DUMB_INIT_SETSID", apply_dumb_init_setsid, nullptr},
    {'\0', false, nullptr, nullptr, "DUMB_INIT_DEBUG", apply_dumb_init_debug, nullptr},
    {'\0', true, nullptr, nullptr, "TINI_SUBREAPER", apply_tini_subreaper, nullptr},
    {'\0', true, nullptr, nullptr, "TINI_VERBOSITY", apply_tini_verbosity, nullptr},
    {'\0', true, nullptr, nullptr, "TINI_KILL_PROCESS_GROUP", apply_process_group, nullptr},
    {'c', false, "single-child", nullptr, "PIDONE_SINGLE_CHILD", apply_single_child,
     "signal the child only; no setsid"},
    {'g', false, nullptr, nullptr, nullptr, apply_process_group, "signal the child's process group (default)"},
    {'r', false, "rewrite", "S:R", "PIDONE_REWRITE", apply_rewrites,
     "send R when S arrives; R=0 drops S (repeatable,\n"
     "                          comma-separated; 15, TERM, SIGUSR1, RTMIN+2, ...)"},
    {'s', false, "subreaper", nullptr, "PIDONE_SUBREAPER", apply_switch<&Options::subreaper_requested>,
     "warn if pidone cannot become a subreaper"},
    {'p', false, "pdeathsig", "SIG", "PIDONE_PDEATHSIG", apply_parent_death_signal,
     "get (and forward) SIG when pidone's parent dies"},
    {'e', false, "remap-exit", "CODE", "PIDONE_REMAP_EXIT", apply_exit_remaps,
     "exit 0 when the status is CODE (repeatable,\n"
     "                          comma-separated)"},
    {'w', false, "warn-reap", nullptr, nullptr, apply_switch<&Options::warn_reap>, "warn about each reaped orphan"},
    {'\0', false, "grace", "SECONDS", "PIDONE_GRACE", apply_grace,
     "after the child exits, SIGTERM what remains, wait\n"
     "                          up to SECONDS, then SIGKILL (default 3 as PID 1)"},
    {'P', false, "pause", nullptr, "PIDONE_PAUSE", apply_switch<&Options::pause>,
     "run no command: only reap, until SIGINT or SIGTERM"},
    {'v', false, "verbose", nullptr, nullptr, apply_verbose_flag, "more messages (repeatable)"},
    {'\0', false, nullptr, nullptr, "PIDONE_VERBOSE", apply_verbose_variable, nullptr},
    {'V', false, "version", nullptr, nullptr, apply_action<Action::ShowVersion>, "print the version"},
    {'h', false, "help", nullptr, nullptr, apply_action<Action::ShowHelp>, "print this help"},
    {'l', false, "license", nullptr, nullptr, apply_action<Action::ShowLicense>, "print the license"},
};

bool apply_environment(char** environment, Parsing& parsing) {
  for (const OptionSpec& spec : kOptions) {
    Text value;
    if (spec.variable == nullptr || !find_variable(environment, spec.variable, value)) continue;
    if (value.empty() && !spec.counts_when_empty) continue;
    if (!spec.apply(value, spec.variable, parsing)) return false;
  }
  return true;
}

const OptionSpec* find_short(char name) {
  for (const OptionSpec& spec : kOptions)
    if (spec.short_name == name && name != '\0') return &spec;
  return nullptr;
}

const OptionSpec* find_long(Text name) {
  for (const OptionSpec& spec : kOptions)
    if (spec.long_name != nullptr && equal(name, spec.long_name)) return &spec;
  return nullptr;
}

// Walks argv the way getopt does with "+" (no permutation): bundled short
// flags (-cv), values attached or in the next word (-rTERM:QUIT, -r TERM:QUIT,
// --rewrite=TERM:QUIT, --rewrite TERM:QUIT), and "--" ending the options.
class FlagReader {
 public:
  FlagReader(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // The first word of the command; argc when there is none.
  int command_index() const { return index_; }

  enum class Step : unsigned char { Flag, End, Error };

  // Reads the next flag into spec/label/value.
  Step next(const OptionSpec*& spec, Text& label, Text& value) {
    if (bundle_ != nullptr && *bundle_ != '\0') return next_short(spec, label, value);
    ++index_;
    bundle_ = nullptr;
    if (index_ >= argc_) return Step::End;
    const char* word = argv_[index_];
    if (word[0] != '-' || word[1] == '\0') return Step::End;
    if (word[1] != '-') {
      bundle_ = word + 1;
      return next_short(spec, label, value);
    }
    if (word[2] == '\0') {  // "--"
      ++index_;
      return Step::End;
    }
    Text name(word + 2);
    Text inline_value;
    const bool has_inline_value = split_once(Text(word + 2), '=', name, inline_value);
    label = Text(word, static_cast<size_t>(name.end() - word));
    spec = find_long(name);
    if (spec == nullptr) return unknown(label);
    if (spec->value_name == nullptr) {
      value = Text("1");
      if (!has_inline_value) return Step::Flag;
      log::error("option ", label, " takes no value");
      return Step::Error;
    }
    if (has_inline_value) {
      value = inline_value;
      return Step::Flag;
    }
    return next_word_as_value(label, value);
  }

 private:
  Step next_short(const OptionSpec*& spec, Text& label, Text& value) {
    short_label_[1] = *bundle_++;
    label = Text(short_label_, 2);
    spec = find_short(short_label_[1]);
    if (spec == nullptr) return unknown(label);
    if (spec->value_name == nullptr) {
      value = Text("1");
      return Step::Flag;
    }
    if (*bundle_ != '\0') {
      value = Text(bundle_);
      bundle_ = nullptr;
      return Step::Flag;
    }
    return next_word_as_value(label, value);
  }

  Step next_word_as_value(Text label, Text& value) {
    if (index_ + 1 >= argc_) {
      log::error("option ", label, " needs a value");
      return Step::Error;
    }
    value = Text(argv_[++index_]);
    return Step::Flag;
  }

  static Step unknown(Text label) {
    log::error("unknown option ", label, " (see pidone --help)");
    return Step::Error;
  }

  int argc_;
  char** argv_;
  int index_ = 0;
  const char* bundle_ = nullptr;  // the rest of a word of short flags
  char short_label_[2] = {'-', '\0'};
};

void append_flag_column(log::Line& line, const OptionSpec& spec) {
  constexpr size_t kHelpColumn = 26;
  // cppcheck-suppress ctuuninitvar ; a Line reads only the bytes it wrote
  line.append(spec.short_name != '\0' ? "  -" : "      ");
  if (spec.short_name != '\0') line.append(Text(&spec.short_name, 1));
  if (spec.long_name != nullptr) {
    line.append(spec.short_name != '\0' ? ", --" : "--");
    line.append(spec.long_name);
  }
  if (spec.value_name != nullptr) {
    line.append(" ");
    line.append(spec.value_name);
  }
  line.pad_to(kHelpColumn);
}

}  // namespace

void print_help() {
  write_all(STDOUT_FILENO,
            "Usage: pidone [OPTIONS] [--] COMMAND [ARG...]\n"
            "       pidone --pause [OPTIONS]\n"
            "Runs COMMAND as its child, forwards signals to it (to its process group by\n"
            "default), reaps zombies, and exits with its status (128+N after signal N).\n"
            "Options end at the first word that is not one.\n\n");
  for (const OptionSpec& spec : kOptions) {
    if (spec.help == nullptr) continue;
    log::Line line;
    append_flag_column(line, spec);
    line.append(spec.help);
    line.write_to(STDOUT_FILENO);
  }
  constexpr size_t kWidth = 79;
  log::Line line;
  line.append("\nEnvironment (flags win):");
  for (const OptionSpec& spec : kOptions) {
    if (spec.variable == nullptr) continue;
    if (line.length() + 1 + strlen(spec.variable) > kWidth) {
      line.write_to(STDOUT_FILENO);
      line = log::Line();
    }
    line.append(" ");
    line.append(spec.variable);
  }
  line.write_to(STDOUT_FILENO);
  write_all(STDOUT_FILENO, "Exit status: COMMAND's; 127 if not found, 126 if it cannot run; 1 on errors.\n");
}

Action parse_command_line(int argc, char** argv, char** environment, Options& options) {
  Parsing parsing{options};
  if (!apply_environment(environment, parsing)) return Action::UsageError;
  FlagReader reader(argc, argv);
  const OptionSpec* spec = nullptr;
  Text label;
  Text value;
  for (;;) {
    const FlagReader::Step step = reader.next(spec, label, value);
    if (step == FlagReader::Step::Error) return Action::UsageError;
    if (step == FlagReader::Step::End) break;
    if (!spec->apply(value, label, parsing)) return Action::UsageError;
    if (parsing.action != Action::Run) return parsing.action;
  }
  if (parsing.verbose_flags > 0) options.verbosity = log::kDefaultVerbosity + parsing.verbose_flags;
  const bool has_command = reader.command_index() < argc;
  if (options.pause == has_command) {
    log::error(options.pause ? "--pause (or PIDONE_PAUSE=1) takes no command"
                             : "no command given (usage: pidone [OPTIONS] [--] COMMAND [ARG...])");
    return Action::UsageError;
  }
  if (has_command) options.command = argv + reader.command_index();
  return Action::Run;
}

}  // namespace pidone
