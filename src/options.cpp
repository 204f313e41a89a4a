#include "options.hpp"

namespace pidone {
namespace {

using Apply = bool (*)(Text value, Text source, Options& options);

bool reject(Text source, Text value, const char* problem) {
  log::error(source, ": '", value, "' ", problem);
  return false;
}

bool apply_rewrites(Text rules, Text source, Options& options) {
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
    options.rewrites.set(from, static_cast<int>(to));
    return true;
  });
}

bool apply_exit_remaps(Text codes, Text source, Options& options) {
  return for_each_field(codes, ',', [&](Text code_text) {
    unsigned code = 0;
    if (!parse_unsigned(code_text, 255, code)) return reject(source, code_text, "is not an exit code (0-255)");
    options.exits_as_success.add(code);
    return true;
  });
}

bool apply_grace(Text seconds, Text source, Options& options) {
  if (parse_seconds(seconds, kMaxGraceSeconds, options.grace_ms)) return true;
  return reject(source, seconds, "is not a number of seconds (0 to 1000000, fractions allowed)");
}

bool apply_parent_death_signal(Text name, Text source, Options& options) {
  options.parent_death_signal = parse_signal(name);
  return options.parent_death_signal != 0 || reject(source, name, "is not a signal");
}

bool parse_switch(Text value, Text source, bool& on) {
  on = equal(value, "1");
  return on || equal(value, "0") || reject(source, value, "is not 0 or 1");
}

// A 0/1 variable that chooses between the two forwarding modes.
template <Forwarding kWhenOne, Forwarding kWhenZero>
// cppcheck-suppress unusedFunction ; used as a template argument, which cppcheck does not see
bool apply_forwarding_switch(Text value, Text source, Options& options) {
  bool one = false;
  if (!parse_switch(value, source, one)) return false;
  options.forwarding = one ? kWhenOne : kWhenZero;
  return true;
}

bool parse_level(Text value, Text source, int& level) {
  unsigned number = 0;
  if (!parse_unsigned(value, 99, number)) return reject(source, value, "is not a number (0-99)");
  level = static_cast<int>(number);
  return true;
}

constexpr int kDebugVerbosity = static_cast<int>(log::Level::Debug);

struct Variable {
  const char* name;
  bool set_even_if_empty;  // tini's variables count by their presence alone
  Apply apply;
};

// In this order, so that pidone's own variables win over the peers'.
constexpr Variable kVariables[] = {
    {"DUMB_INIT_SETSID", false, apply_forwarding_switch<Forwarding::ProcessGroup, Forwarding::SingleChild>},
    {"DUMB_INIT_DEBUG", false,
     [](Text value, Text source, Options& options) {
       bool debug = false;
       if (!parse_switch(value, source, debug)) return false;
       if (debug) options.verbosity = kDebugVerbosity;
       return true;
     }},
    {"TINI_SUBREAPER", true, [](Text, Text, Options& options) { return options.subreaper_requested = true; }},
    {"TINI_VERBOSITY", false,
     [](Text value, Text source, Options& options) { return parse_level(value, source, options.verbosity); }},
    {"TINI_KILL_PROCESS_GROUP", true,
     [](Text, Text, Options& options) {
       options.forwarding = Forwarding::ProcessGroup;
       return true;
     }},
    {"PIDONE_SINGLE_CHILD", false, apply_forwarding_switch<Forwarding::SingleChild, Forwarding::ProcessGroup>},
    {"PIDONE_REWRITE", false, apply_rewrites},
    {"PIDONE_GRACE", false, apply_grace},
    {"PIDONE_VERBOSE", false,
     [](Text value, Text source, Options& options) {
       int extra = 0;
       if (!parse_level(value, source, extra)) return false;
       options.verbosity = log::kDefaultVerbosity + extra;
       return true;
     }},
    {"PIDONE_SUBREAPER", false,
     [](Text value, Text source, Options& options) {
       return parse_switch(value, source, options.subreaper_requested);
     }},
    {"PIDONE_PDEATHSIG", false, apply_parent_death_signal},
    {"PIDONE_REMAP_EXIT", false, apply_exit_remaps},
};

bool apply_environment(char** environment, Options& options) {
  for (const Variable& variable : kVariables) {
    Text value;
    if (!find_variable(environment, variable.name, value)) continue;
    if (value.empty() && !variable.set_even_if_empty) continue;
    if (!variable.apply(value, variable.name, options)) return false;
  }
  return true;
}

enum class Flag : unsigned char {
  SingleChild,
  ProcessGroup,
  Rewrite,
  Subreaper,
  ParentDeathSignal,
  RemapExit,
  WarnReap,
  Verbose,
  Grace,
  Version,
  Help,
  License,
};

struct FlagSpec {
  char short_name;  // '\0': long form only
  Flag flag;
  const char* long_name;  // nullptr: short form only
  Apply apply_value;      // nullptr: the flag takes no value
};

constexpr FlagSpec kFlags[] = {
    {'c', Flag::SingleChild, "single-child", nullptr},
    {'g', Flag::ProcessGroup, nullptr, nullptr},
    {'r', Flag::Rewrite, "rewrite", apply_rewrites},
    {'s', Flag::Subreaper, "subreaper", nullptr},
    {'p', Flag::ParentDeathSignal, "pdeathsig", apply_parent_death_signal},
    {'e', Flag::RemapExit, "remap-exit", apply_exit_remaps},
    {'w', Flag::WarnReap, "warn-reap", nullptr},
    {'v', Flag::Verbose, "verbose", nullptr},
    {'\0', Flag::Grace, "grace", apply_grace},
    {'V', Flag::Version, "version", nullptr},
    {'h', Flag::Help, "help", nullptr},
    {'l', Flag::License, "license", nullptr},
};

const FlagSpec* find_short(char name) {
  for (const FlagSpec& spec : kFlags)
    if (spec.short_name == name && name != '\0') return &spec;
  return nullptr;
}

const FlagSpec* find_long(Text name) {
  for (const FlagSpec& spec : kFlags)
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
  Step next(const FlagSpec*& spec, Text& label, Text& value) {
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
    if (spec->apply_value == nullptr) {
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
  Step next_short(const FlagSpec*& spec, Text& label, Text& value) {
    short_label_[1] = *bundle_++;
    label = Text(short_label_, 2);
    spec = find_short(short_label_[1]);
    if (spec == nullptr) return unknown(label);
    if (spec->apply_value == nullptr) return Step::Flag;
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

}  // namespace

Action parse_command_line(int argc, char** argv, char** environment, Options& options) {
  if (!apply_environment(environment, options)) return Action::UsageError;
  FlagReader reader(argc, argv);
  int verbose_flags = 0;
  const FlagSpec* spec = nullptr;
  Text label;
  Text value;
  for (;;) {
    FlagReader::Step step = reader.next(spec, label, value);
    if (step == FlagReader::Step::Error) return Action::UsageError;
    if (step == FlagReader::Step::End) break;
    if (spec->apply_value != nullptr) {
      if (!spec->apply_value(value, label, options)) return Action::UsageError;
      continue;
    }
    switch (spec->flag) {
      case Flag::SingleChild: options.forwarding = Forwarding::SingleChild; break;
      case Flag::ProcessGroup: options.forwarding = Forwarding::ProcessGroup; break;
      case Flag::Subreaper: options.subreaper_requested = true; break;
      case Flag::WarnReap: options.warn_reap = true; break;
      case Flag::Verbose: ++verbose_flags; break;
      case Flag::Version: return Action::ShowVersion;
      case Flag::Help: return Action::ShowHelp;
      case Flag::License: return Action::ShowLicense;
      default: break;  // the flags with values were applied above
    }
  }
  if (verbose_flags > 0) options.verbosity = log::kDefaultVerbosity + verbose_flags;
  if (reader.command_index() >= argc) {
    log::error("no command given (usage: pidone [OPTIONS] [--] COMMAND [ARG...])");
    return Action::UsageError;
  }
  options.command = argv + reader.command_index();
  return Action::Run;
}

}  // namespace pidone
