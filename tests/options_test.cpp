#include "options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "process_helpers.hpp"

namespace pidone {
namespace {

struct Parsed {
  Action action;
  Options options;
  std::string errors;
  std::vector<std::string> command;
};

Parsed parse(std::vector<std::string> arguments, std::vector<std::string> environment = {}) {
  arguments.insert(arguments.begin(), "pidone");
  std::vector<char*> argv;
  for (auto& word : arguments) argv.push_back(word.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& word : environment) envp.push_back(word.data());
  envp.push_back(nullptr);
  Parsed parsed{};
  testing::CapturedStderr captured;
  parsed.action = parse_command_line(static_cast<int>(arguments.size()), argv.data(), envp.data(), parsed.options);
  parsed.errors = captured.text();
  if (parsed.action == Action::Run && parsed.options.command != nullptr)
    for (char** word = parsed.options.command; *word != nullptr; ++word) parsed.command.emplace_back(*word);
  return parsed;
}

using Words = std::vector<std::string>;

TEST(Options, DefaultsAreProcessGroupModeWithTheSupervisorsGrace) {
  const Parsed parsed = parse({"app", "arg"});
  ASSERT_EQ(parsed.action, Action::Run);
  EXPECT_EQ(parsed.command, (Words{"app", "arg"}));
  EXPECT_EQ(parsed.options.forwarding, Forwarding::ProcessGroup);
  EXPECT_EQ(parsed.options.grace_ms, kGraceByDefault);
  EXPECT_FALSE(parsed.options.pause);
  EXPECT_EQ(parsed.options.verbosity, log::kDefaultVerbosity);
  EXPECT_EQ(parsed.options.parent_death_signal, 0);
  EXPECT_FALSE(parsed.options.subreaper_requested);
  EXPECT_FALSE(parsed.options.warn_reap);
  for (int signal = 1; signal <= kMaxSignal; ++signal) EXPECT_FALSE(parsed.options.rewrites.has_rule(signal));
  for (unsigned code = 0; code < 256; ++code) EXPECT_FALSE(parsed.options.exits_as_success.contains(code));
  EXPECT_TRUE(parsed.errors.empty());
}

TEST(Options, StopAtTheFirstNonOptionWithoutPermuting) {
  EXPECT_EQ(parse({"echo", "-l"}).command, (Words{"echo", "-l"}));
  EXPECT_EQ(parse({"-c", "echo", "-c", "--grace", "1"}).command, (Words{"echo", "-c", "--grace", "1"}));
  EXPECT_EQ(parse({"--", "-c"}).command, (Words{"-c"}));
  EXPECT_EQ(parse({"-v", "--", "--", "x"}).command, (Words{"--", "x"}));
  EXPECT_EQ(parse({"-"}).command, (Words{"-"}));
}

TEST(Options, SingleChildAndProcessGroupLastOneWins) {
  EXPECT_EQ(parse({"-c", "x"}).options.forwarding, Forwarding::SingleChild);
  EXPECT_EQ(parse({"--single-child", "x"}).options.forwarding, Forwarding::SingleChild);
  EXPECT_EQ(parse({"-c", "-g", "x"}).options.forwarding, Forwarding::ProcessGroup);
  EXPECT_EQ(parse({"-g", "-c", "x"}).options.forwarding, Forwarding::SingleChild);
  EXPECT_EQ(parse({"-gc", "x"}).options.forwarding, Forwarding::SingleChild);
}

TEST(Options, RewritesTakeNumbersNamesAndZero) {
  const Parsed parsed =
      parse({"-r", "15:3", "--rewrite", "SIGUSR1:usr2", "--rewrite=HUP:0", "-rRTMIN+1:RTMAX", "-r", "TSTP:0", "x"});
  ASSERT_EQ(parsed.action, Action::Run) << parsed.errors;
  const SignalRewrites& rewrites = parsed.options.rewrites;
  EXPECT_EQ(rewrites.apply(SIGTERM), SIGQUIT);
  EXPECT_EQ(rewrites.apply(SIGUSR1), SIGUSR2);
  EXPECT_EQ(rewrites.apply(SIGHUP), 0);
  EXPECT_EQ(rewrites.apply(35), 64);
  EXPECT_EQ(rewrites.apply(SIGTSTP), 0);
  EXPECT_TRUE(rewrites.has_rule(SIGTSTP));
  EXPECT_EQ(rewrites.apply(SIGINT), SIGINT);
  EXPECT_FALSE(rewrites.has_rule(SIGINT));
}

TEST(Options, LaterRewriteOfTheSameSignalWins) {
  EXPECT_EQ(parse({"-r", "TERM:QUIT", "-r", "TERM:INT", "x"}).options.rewrites.apply(SIGTERM), SIGINT);
}

TEST(Options, FlagsWithoutValues) {
  const Parsed parsed = parse({"-s", "-w", "-v", "--verbose", "-vv", "x"});
  ASSERT_EQ(parsed.action, Action::Run);
  EXPECT_TRUE(parsed.options.subreaper_requested);
  EXPECT_TRUE(parsed.options.warn_reap);
  EXPECT_EQ(parsed.options.verbosity, log::kDefaultVerbosity + 4);
  EXPECT_TRUE(parse({"--subreaper", "--warn-reap", "x"}).options.subreaper_requested);
  EXPECT_TRUE(parse({"--subreaper", "--warn-reap", "x"}).options.warn_reap);
}

TEST(Options, ParentDeathSignalRemapsAndGrace) {
  const Parsed parsed = parse({"-p", "SIGKILL", "-e", "143", "--remap-exit=2", "-e3", "--grace", "0.5", "x"});
  ASSERT_EQ(parsed.action, Action::Run) << parsed.errors;
  EXPECT_EQ(parsed.options.parent_death_signal, SIGKILL);
  for (unsigned code : {2u, 3u, 143u}) EXPECT_TRUE(parsed.options.exits_as_success.contains(code));
  EXPECT_FALSE(parsed.options.exits_as_success.contains(0));
  EXPECT_FALSE(parsed.options.exits_as_success.contains(1));
  EXPECT_EQ(parsed.options.grace_ms, 500u);
  EXPECT_EQ(parse({"--pdeathsig=HUP", "x"}).options.parent_death_signal, SIGHUP);
  EXPECT_EQ(parse({"-p9", "x"}).options.parent_death_signal, 9);
  EXPECT_EQ(parse({"--grace=2", "x"}).options.grace_ms, 2000u);
  EXPECT_EQ(parse({"--grace", ".5", "x"}).options.grace_ms, 500u);
  EXPECT_EQ(parse({"--grace", "0", "x"}).options.grace_ms, 0u);
}

TEST(Options, PauseTakesNoCommand) {
  for (const Words& words : {Words{"-P"}, Words{"--pause"}, Words{"-v", "--pause"}}) {
    const Parsed parsed = parse(words);
    ASSERT_EQ(parsed.action, Action::Run) << parsed.errors;
    EXPECT_TRUE(parsed.options.pause);
    EXPECT_EQ(parsed.options.command, nullptr);
  }
  const Parsed from_environment = parse({}, {"PIDONE_PAUSE=1"});
  ASSERT_EQ(from_environment.action, Action::Run) << from_environment.errors;
  EXPECT_TRUE(from_environment.options.pause);
  EXPECT_FALSE(parse({"x"}, {"PIDONE_PAUSE=0"}).options.pause);
}

TEST(Options, InformationalFlagsStopParsing) {
  EXPECT_EQ(parse({"-h"}).action, Action::ShowHelp);
  EXPECT_EQ(parse({"--help", "x"}).action, Action::ShowHelp);
  EXPECT_EQ(parse({"-V"}).action, Action::ShowVersion);
  EXPECT_EQ(parse({"--version"}).action, Action::ShowVersion);
  EXPECT_EQ(parse({"-c", "--version"}).action, Action::ShowVersion);
  EXPECT_EQ(parse({"-l"}).action, Action::ShowLicense);
  EXPECT_EQ(parse({"--license"}).action, Action::ShowLicense);
  EXPECT_EQ(parse({"x", "--help"}).action, Action::Run);
}

struct BadInput {
  Words arguments;
  Words environment;
  std::string message;
};

class OptionsRejects : public ::testing::TestWithParam<BadInput> {};

TEST_P(OptionsRejects, WithOneLineAndUsageError) {
  const BadInput& bad = GetParam();
  const Parsed parsed = parse(bad.arguments, bad.environment);
  EXPECT_EQ(parsed.action, Action::UsageError);
  EXPECT_EQ(parsed.errors, "[pidone] " + bad.message + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    CommandLine, OptionsRejects,
    ::testing::Values(
        BadInput{{}, {}, "no command given (usage: pidone [OPTIONS] [--] COMMAND [ARG...])"},
        BadInput{{"-c"}, {}, "no command given (usage: pidone [OPTIONS] [--] COMMAND [ARG...])"},
        BadInput{{"--"}, {}, "no command given (usage: pidone [OPTIONS] [--] COMMAND [ARG...])"},
        BadInput{{"-x", "app"}, {}, "unknown option -x (see pidone --help)"},
        BadInput{{"-cx", "app"}, {}, "unknown option -x (see pidone --help)"},
        BadInput{{"--nope", "app"}, {}, "unknown option --nope (see pidone --help)"},
        BadInput{{"--grac=1", "app"}, {}, "unknown option --grac (see pidone --help)"},
        BadInput{{"-r"}, {}, "option -r needs a value"}, BadInput{{"--grace"}, {}, "option --grace needs a value"},
        BadInput{{"--verbose=2", "app"}, {}, "option --verbose takes no value"},
        BadInput{{"--pause", "app"}, {}, "--pause (or PIDONE_PAUSE=1) takes no command"},
        BadInput{{"-P", "--", "app"}, {}, "--pause (or PIDONE_PAUSE=1) takes no command"},
        BadInput{{"--pause=1"}, {}, "option --pause takes no value"},
        BadInput{{"-r", "TERM", "app"}, {}, "-r: 'TERM' is not SIGNAL:SIGNAL"},
        BadInput{{"-r", "NOPE:1", "app"}, {}, "-r: 'NOPE' is not a signal"},
        BadInput{{"-r", "0:1", "app"}, {}, "-r: '0' is not a signal"},
        BadInput{{"-r", "65:1", "app"}, {}, "-r: '65' is not a signal"},
        BadInput{{"-r", ":1", "app"}, {}, "-r: '' is not a signal"},
        BadInput{{"--rewrite", "TERM:NOPE", "app"}, {}, "--rewrite: 'NOPE' is not a signal (or 0 to drop it)"},
        BadInput{{"-r", "TERM:65", "app"}, {}, "-r: '65' is not a signal (or 0 to drop it)"},
        BadInput{{"-r", "TERM:", "app"}, {}, "-r: '' is not a signal (or 0 to drop it)"},
        BadInput{{"-r", "KILL:TERM", "app"}, {}, "-r: 'KILL' is a signal pidone never forwards"},
        BadInput{{"-r", "CHLD:TERM", "app"}, {}, "-r: 'CHLD' is a signal pidone never forwards"},
        BadInput{{"-r", "33:TERM", "app"}, {}, "-r: '33' is a signal pidone never forwards"},
        BadInput{{"-e", "256", "app"}, {}, "-e: '256' is not an exit code (0-255)"},
        BadInput{{"-e", "-1", "app"}, {}, "-e: '-1' is not an exit code (0-255)"},
        BadInput{{"--remap-exit", "x", "app"}, {}, "--remap-exit: 'x' is not an exit code (0-255)"},
        BadInput{{"-p", "NOPE", "app"}, {}, "-p: 'NOPE' is not a signal"},
        BadInput{{"-p", "0", "app"}, {}, "-p: '0' is not a signal"},
        BadInput{
            {"--grace", "-1", "app"}, {}, "--grace: '-1' is not a number of seconds (0 to 1000000, fractions allowed)"},
        BadInput{
            {"--grace", ".", "app"}, {}, "--grace: '.' is not a number of seconds (0 to 1000000, fractions allowed)"},
        BadInput{
            {"--grace", "1.", "app"}, {}, "--grace: '1.' is not a number of seconds (0 to 1000000, fractions allowed)"},
        BadInput{{"--grace", "abc", "app"},
                 {},
                 "--grace: 'abc' is not a number of seconds (0 to 1000000, fractions allowed)"},
        BadInput{{"--grace", "1000001", "app"},
                 {},
                 "--grace: '1000001' is not a number of seconds (0 to 1000000, fractions allowed)"}));

INSTANTIATE_TEST_SUITE_P(
    Environment, OptionsRejects,
    ::testing::Values(
        BadInput{{}, {"PIDONE_PAUSE=1", "PIDONE_SINGLE_CHILD=x"}, "PIDONE_SINGLE_CHILD: 'x' is not 0 or 1"},
        BadInput{{"app"}, {"PIDONE_PAUSE=1"}, "--pause (or PIDONE_PAUSE=1) takes no command"},
        BadInput{{"app"}, {"PIDONE_PAUSE=yes"}, "PIDONE_PAUSE: 'yes' is not 0 or 1"},
        BadInput{{"app"}, {"PIDONE_SINGLE_CHILD=true"}, "PIDONE_SINGLE_CHILD: 'true' is not 0 or 1"},
        BadInput{{"app"}, {"PIDONE_REWRITE=TERM:QUIT,BAD"}, "PIDONE_REWRITE: 'BAD' is not SIGNAL:SIGNAL"},
        BadInput{{"app"},
                 {"PIDONE_GRACE=soon"},
                 "PIDONE_GRACE: 'soon' is not a number of seconds (0 to 1000000, fractions allowed)"},
        BadInput{{"app"}, {"PIDONE_VERBOSE=-1"}, "PIDONE_VERBOSE: '-1' is not a number (0-99)"},
        BadInput{{"app"}, {"PIDONE_SUBREAPER=2"}, "PIDONE_SUBREAPER: '2' is not 0 or 1"},
        BadInput{{"app"}, {"PIDONE_PDEATHSIG=NOPE"}, "PIDONE_PDEATHSIG: 'NOPE' is not a signal"},
        BadInput{{"app"}, {"PIDONE_REMAP_EXIT=1,300"}, "PIDONE_REMAP_EXIT: '300' is not an exit code (0-255)"},
        BadInput{{"--version"},
                 {"PIDONE_GRACE=x"},
                 "PIDONE_GRACE: 'x' is not a number of seconds (0 to 1000000, fractions allowed)"}));

TEST(OptionsEnvironment, DumbInitVariables) {
  EXPECT_EQ(parse({"x"}, {"DUMB_INIT_SETSID=0"}).options.forwarding, Forwarding::SingleChild);
  EXPECT_EQ(parse({"x"}, {"DUMB_INIT_SETSID=1"}).options.forwarding, Forwarding::ProcessGroup);
  EXPECT_EQ(parse({"x"}, {"DUMB_INIT_DEBUG=1"}).options.verbosity, 3);
  EXPECT_EQ(parse({"x"}, {"DUMB_INIT_DEBUG=0"}).options.verbosity, log::kDefaultVerbosity);
}

struct PeerReading {
  std::string variable;
  Forwarding forwarding;
  int verbosity;
  std::string warning;  // empty: none
};

class PeerVariables : public ::testing::TestWithParam<PeerReading> {};

// As dumb-init reads them (only DUMB_INIT_SETSID=0 is off, only
// DUMB_INIT_DEBUG=1 is on) and as tini does (atoi), with a warning where
// the value would be a typo in pidone's own variables.
TEST_P(PeerVariables, ReadAsThePeerReadsThem) {
  const PeerReading& reading = GetParam();
  const Parsed parsed = parse({"x"}, {reading.variable});
  ASSERT_EQ(parsed.action, Action::Run) << parsed.errors;
  EXPECT_EQ(parsed.options.forwarding, reading.forwarding);
  EXPECT_EQ(parsed.options.verbosity, reading.verbosity);
  EXPECT_EQ(parsed.errors, reading.warning.empty() ? "" : "[pidone] " + reading.warning + "\n");
}

constexpr Forwarding kGroup = Forwarding::ProcessGroup;
constexpr int kQuiet = log::kDefaultVerbosity;

INSTANTIATE_TEST_SUITE_P(
    Peers, PeerVariables,
    ::testing::Values(PeerReading{"DUMB_INIT_SETSID=yes", kGroup, kQuiet,
                                  "DUMB_INIT_SETSID: 'yes' is not 0 or 1; read as 1, as dumb-init does"},
                      PeerReading{"DUMB_INIT_SETSID=00", kGroup, kQuiet,
                                  "DUMB_INIT_SETSID: '00' is not 0 or 1; read as 1, as dumb-init does"},
                      PeerReading{"DUMB_INIT_SETSID=false", kGroup, kQuiet,
                                  "DUMB_INIT_SETSID: 'false' is not 0 or 1; read as 1, as dumb-init does"},
                      PeerReading{"DUMB_INIT_DEBUG=2", kGroup, kQuiet,
                                  "DUMB_INIT_DEBUG: '2' is not 0 or 1; read as 0, as dumb-init does"},
                      PeerReading{"DUMB_INIT_DEBUG=true", kGroup, kQuiet,
                                  "DUMB_INIT_DEBUG: 'true' is not 0 or 1; read as 0, as dumb-init does"},
                      PeerReading{"TINI_VERBOSITY=x", kGroup, 0,
                                  "TINI_VERBOSITY: 'x' is not a number (0-99); read as 0, as tini does"},
                      PeerReading{"TINI_VERBOSITY=2x", kGroup, 2,
                                  "TINI_VERBOSITY: '2x' is not a number (0-99); read as 2, as tini does"},
                      PeerReading{"TINI_VERBOSITY= 3", kGroup, 3,
                                  "TINI_VERBOSITY: ' 3' is not a number (0-99); read as 3, as tini does"},
                      PeerReading{"TINI_VERBOSITY=+1", kGroup, 1,
                                  "TINI_VERBOSITY: '+1' is not a number (0-99); read as 1, as tini does"},
                      PeerReading{"TINI_VERBOSITY=-1", kGroup, 99,
                                  "TINI_VERBOSITY: '-1' is not a number (0-99); read as 99, as tini does"},
                      PeerReading{"TINI_VERBOSITY=-0", kGroup, 0,
                                  "TINI_VERBOSITY: '-0' is not a number (0-99); read as 0, as tini does"},
                      PeerReading{"TINI_VERBOSITY=", kGroup, 0,
                                  "TINI_VERBOSITY: '' is not a number (0-99); read as 0, as tini does"},
                      PeerReading{"TINI_VERBOSITY=12345", kGroup, 99,
                                  "TINI_VERBOSITY: '12345' is not a number (0-99); read as 99, as tini does"},
                      PeerReading{"TINI_VERBOSITY=3", kGroup, 3, ""}));

TEST(OptionsEnvironment, TiniVariablesCountByPresence) {
  EXPECT_TRUE(parse({"x"}, {"TINI_SUBREAPER="}).options.subreaper_requested);
  EXPECT_TRUE(parse({"x"}, {"TINI_SUBREAPER=whatever"}).options.subreaper_requested);
  EXPECT_EQ(parse({"x"}, {"DUMB_INIT_SETSID=0", "TINI_KILL_PROCESS_GROUP="}).options.forwarding,
            Forwarding::ProcessGroup);
  EXPECT_EQ(parse({"x"}, {"TINI_VERBOSITY=3"}).options.verbosity, 3);
  EXPECT_EQ(parse({"x"}, {"TINI_VERBOSITY=0"}).options.verbosity, 0);
}

TEST(OptionsEnvironment, PidoneVariables) {
  const Parsed parsed =
      parse({"x"}, {"PIDONE_SINGLE_CHILD=1", "PIDONE_REWRITE=TERM:QUIT,USR1:0", "PIDONE_GRACE=1.5", "PIDONE_VERBOSE=2",
                    "PIDONE_SUBREAPER=1", "PIDONE_PDEATHSIG=SIGTERM", "PIDONE_REMAP_EXIT=3,143"});
  ASSERT_EQ(parsed.action, Action::Run) << parsed.errors;
  EXPECT_EQ(parsed.options.forwarding, Forwarding::SingleChild);
  EXPECT_EQ(parsed.options.rewrites.apply(SIGTERM), SIGQUIT);
  EXPECT_EQ(parsed.options.rewrites.apply(SIGUSR1), 0);
  EXPECT_EQ(parsed.options.grace_ms, 1500u);
  EXPECT_EQ(parsed.options.verbosity, log::kDefaultVerbosity + 2);
  EXPECT_TRUE(parsed.options.subreaper_requested);
  EXPECT_EQ(parsed.options.parent_death_signal, SIGTERM);
  EXPECT_TRUE(parsed.options.exits_as_success.contains(3));
  EXPECT_TRUE(parsed.options.exits_as_success.contains(143));
  EXPECT_EQ(parse({"x"}, {"PIDONE_SINGLE_CHILD=0", "DUMB_INIT_SETSID=0"}).options.forwarding, Forwarding::ProcessGroup);
}

TEST(OptionsEnvironment, EmptyValuesCountAsUnset) {
  const Parsed parsed = parse({"x"}, {"PIDONE_GRACE=", "PIDONE_REWRITE=", "DUMB_INIT_SETSID=", "PIDONE_PDEATHSIG="});
  ASSERT_EQ(parsed.action, Action::Run) << parsed.errors;
  EXPECT_EQ(parsed.options.grace_ms, kGraceByDefault);
  EXPECT_EQ(parsed.options.forwarding, Forwarding::ProcessGroup);
  EXPECT_EQ(parsed.options.parent_death_signal, 0);
}

TEST(OptionsEnvironment, FlagsWin) {
  const Parsed parsed = parse({"-g", "-r", "TERM:INT", "--grace", "2", "-p", "HUP", "-v", "x"},
                              {"PIDONE_SINGLE_CHILD=1", "PIDONE_REWRITE=TERM:QUIT,USR1:0", "PIDONE_GRACE=9",
                               "PIDONE_PDEATHSIG=KILL", "PIDONE_VERBOSE=5"});
  ASSERT_EQ(parsed.action, Action::Run) << parsed.errors;
  EXPECT_EQ(parsed.options.forwarding, Forwarding::ProcessGroup);
  EXPECT_EQ(parsed.options.rewrites.apply(SIGTERM), SIGINT);
  EXPECT_EQ(parsed.options.rewrites.apply(SIGUSR1), 0);  // the environment's other rules stay
  EXPECT_EQ(parsed.options.grace_ms, 2000u);
  EXPECT_EQ(parsed.options.parent_death_signal, SIGHUP);
  EXPECT_EQ(parsed.options.verbosity, log::kDefaultVerbosity + 1);
}

}  // namespace
}  // namespace pidone
