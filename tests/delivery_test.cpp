// Where a signal goes, for every combination of forwarding mode, session,
// rewrite and job-control signal, without a process in sight.
#include "delivery.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace pidone {
namespace {

// The sessions plan_session() gives each forwarding mode.
struct Mode {
  Forwarding forwarding;
  Session session;
};
constexpr Mode kModes[] = {{Forwarding::SingleChild, Session::Shared},
                           {Forwarding::SingleChild, Session::Foreground},
                           {Forwarding::ProcessGroup, Session::Detached},
                           {Forwarding::ProcessGroup, Session::Foreground}};

Recipient application_recipient(Forwarding forwarding) {
  return forwarding == Forwarding::SingleChild ? Recipient::Child : Recipient::ChildGroup;
}

TEST(Delivery, OrdinarySignalsGoAsTheyAreToTheApplicationThenToWhatRemains) {
  const SignalRewrites none;
  for (const auto [forwarding, session] : kModes) {
    for (const int signal : {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGTERM, SIGWINCH, SIGCONT, 34, 50, 64}) {
      const Delivery running = plan_delivery(signal, none, forwarding, session, false);
      EXPECT_EQ(running.signal, signal);
      EXPECT_EQ(running.to, application_recipient(forwarding));
      EXPECT_FALSE(running.stop_pidone);
      const Delivery exited = plan_delivery(signal, none, forwarding, session, true);
      EXPECT_EQ(exited.signal, signal);
      EXPECT_EQ(exited.to, Recipient::Remaining);
      EXPECT_FALSE(exited.stop_pidone);
    }
  }
}

TEST(Delivery, SignalsPidoneNeverForwardsGoNowhere) {
  const SignalRewrites none;
  for (const auto [forwarding, session] : kModes)
    for (const int signal : {SIGKILL, SIGSTOP, SIGCHLD, 32, 33})
      for (const bool exited : {false, true}) {
        const Delivery delivery = plan_delivery(signal, none, forwarding, session, exited);
        EXPECT_EQ(delivery.to, Recipient::Nobody) << signal;
        EXPECT_EQ(delivery.signal, 0);
        EXPECT_FALSE(delivery.stop_pidone);
      }
}

TEST(Delivery, RewritesChangeTheSignalAndZeroDropsIt) {
  SignalRewrites rewrites;
  rewrites.set(SIGTERM, SIGQUIT);
  rewrites.set(SIGHUP, 0);
  for (const auto [forwarding, session] : kModes) {
    EXPECT_EQ(plan_delivery(SIGTERM, rewrites, forwarding, session, false).signal, SIGQUIT);
    EXPECT_EQ(plan_delivery(SIGTERM, rewrites, forwarding, session, true).signal, SIGQUIT);
    const Delivery dropped = plan_delivery(SIGHUP, rewrites, forwarding, session, false);
    EXPECT_EQ(dropped.to, Recipient::Nobody);
    EXPECT_EQ(dropped.signal, 0);
  }
}

// A detached application's group is orphaned, where the kernel ignores the
// default stop of TSTP, TTIN and TTOU: it gets SIGSTOP. Elsewhere the group
// is not orphaned and gets the signal itself. pidone stops too, except when
// it holds the terminal as session leader.
TEST(Delivery, JobControlSignals) {
  const SignalRewrites none;
  for (const int signal : {SIGTSTP, SIGTTIN, SIGTTOU}) {
    const Delivery detached = plan_delivery(signal, none, Forwarding::ProcessGroup, Session::Detached, false);
    EXPECT_EQ(detached.signal, SIGSTOP);
    EXPECT_EQ(detached.to, Recipient::ChildGroup);
    EXPECT_TRUE(detached.stop_pidone);
    const Delivery shared = plan_delivery(signal, none, Forwarding::SingleChild, Session::Shared, false);
    EXPECT_EQ(shared.signal, signal);
    EXPECT_EQ(shared.to, Recipient::Child);
    EXPECT_TRUE(shared.stop_pidone);
    for (const Forwarding forwarding : {Forwarding::SingleChild, Forwarding::ProcessGroup}) {
      const Delivery foreground = plan_delivery(signal, none, forwarding, Session::Foreground, false);
      EXPECT_EQ(foreground.signal, signal);
      EXPECT_EQ(foreground.to, application_recipient(forwarding));
      EXPECT_FALSE(foreground.stop_pidone);
    }
    for (const auto [forwarding, session] : kModes) {
      const Delivery exited = plan_delivery(signal, none, forwarding, session, true);
      EXPECT_EQ(exited.to, Recipient::Remaining);
      EXPECT_FALSE(exited.stop_pidone) << "nothing to stop for once the application is gone";
    }
  }
}

TEST(Delivery, RewrittenJobControlSignalsAreSentAsWrittenAndZeroStopsNobody) {
  SignalRewrites rewrites;
  rewrites.set(SIGTSTP, SIGUSR1);
  rewrites.set(SIGTTIN, SIGTTIN);
  rewrites.set(SIGTTOU, 0);
  for (const auto [forwarding, session] : kModes) {
    const Delivery usr1 = plan_delivery(SIGTSTP, rewrites, forwarding, session, false);
    EXPECT_EQ(usr1.signal, SIGUSR1);
    EXPECT_EQ(usr1.stop_pidone, session != Session::Foreground);
    EXPECT_EQ(plan_delivery(SIGTTIN, rewrites, forwarding, session, false).signal, SIGTTIN);
    const Delivery dropped = plan_delivery(SIGTTOU, rewrites, forwarding, session, false);
    EXPECT_EQ(dropped.to, Recipient::Nobody);
    EXPECT_FALSE(dropped.stop_pidone) << "-r TTOU:0 drops it: pidone does not stop either";
  }
}

}  // namespace
}  // namespace pidone
