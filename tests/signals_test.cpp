#include "signals.hpp"

#include <gtest/gtest.h>
#include <string.h>

#include <string>

namespace pidone {
namespace {

bool has_bit(const sigset_t& set, int signal) {
  unsigned long long bits = 0;
  memcpy(&bits, &set, sizeof bits);
  return (bits >> (signal - 1) & 1) != 0;
}

TEST(Signals, ParsesEveryStandardNameBothWays) {
  for (int signal = 1; signal <= 31; ++signal) {
    const std::string name = standard_signal_name(signal);
    EXPECT_EQ(parse_signal(name.c_str()), signal) << name;
    EXPECT_EQ(parse_signal(("SIG" + name).c_str()), signal) << name;
    std::string lower = "sig" + name;
    for (char& c : lower) c = static_cast<char>(tolower(c));
    EXPECT_EQ(parse_signal(lower.c_str()), signal) << lower;
    EXPECT_EQ(parse_signal(std::to_string(signal).c_str()), signal);
  }
  EXPECT_STREQ(standard_signal_name(SIGTERM), "TERM");
  EXPECT_STREQ(standard_signal_name(SIGSTKFLT), "STKFLT");
  EXPECT_EQ(standard_signal_name(0), nullptr);
  EXPECT_EQ(standard_signal_name(34), nullptr);
}

TEST(Signals, ParsesRealTimeNamesAsGlibcNumbersThem) {
  EXPECT_EQ(parse_signal("RTMIN"), 34);
  EXPECT_EQ(parse_signal("SIGRTMIN+1"), 35);
  EXPECT_EQ(parse_signal("rtmin+30"), 64);
  EXPECT_EQ(parse_signal("RTMAX"), 64);
  EXPECT_EQ(parse_signal("SIGRTMAX-2"), 62);
  EXPECT_EQ(parse_signal("RTMAX-30"), 34);
  EXPECT_EQ(parse_signal("64"), 64);
  EXPECT_EQ(parse_signal("40"), 40);
}

TEST(Signals, RejectsUnknownNamesAndNumbers) {
  for (const char* bad : {"", "0", "65", "-1", "NOPE", "SIG", "SIGSIGTERM", "TERM ", "RTMIN+31", "RTMAX-31", "RTMIN-1",
                          "RTMAX+1", "RTMIN+", "SIG15", "15x"})
    EXPECT_EQ(parse_signal(bad), 0) << bad;
}

TEST(Signals, ForwardsAllButChildKillStopAndGlibcs) {
  for (int signal = 1; signal <= kMaxSignal; ++signal) {
    const bool expected = signal != SIGCHLD && signal != SIGKILL && signal != SIGSTOP && signal != 32 && signal != 33;
    EXPECT_EQ(is_forwarded(signal), expected) << signal;
  }
  EXPECT_FALSE(is_forwarded(0));
  EXPECT_FALSE(is_forwarded(65));
}

TEST(Signals, JobControlStopsAreTstpTtinTtou) {
  for (int signal = 1; signal <= kMaxSignal; ++signal)
    EXPECT_EQ(is_job_control_stop(signal), signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU);
}

TEST(Signals, AllSignalsIncludesTheOnesLibcReserves) {
  const sigset_t all = all_signals();
  for (int signal = 1; signal <= kMaxSignal; ++signal) EXPECT_TRUE(has_bit(all, signal)) << signal;
  const sigset_t none = no_signals();
  for (int signal = 1; signal <= kMaxSignal; ++signal) EXPECT_FALSE(has_bit(none, signal)) << signal;
}

TEST(Signals, SetsAndReportsTheMaskUnfiltered) {
  sigset_t wanted = no_signals();
  const unsigned long long bits = 1ULL << (33 - 1) | 1ULL << (SIGUSR1 - 1);
  memcpy(&wanted, &bits, sizeof bits);
  sigset_t original;
  ASSERT_TRUE(set_signal_mask(wanted, &original));
  sigset_t reported;
  ASSERT_TRUE(set_signal_mask(original, &reported));
  EXPECT_TRUE(has_bit(reported, 33));
  EXPECT_TRUE(has_bit(reported, SIGUSR1));
  EXPECT_FALSE(has_bit(reported, SIGUSR2));
}

}  // namespace
}  // namespace pidone
