// Where a signal goes, for every combination of session, rewrite and
// job-control signal, without a process in sight.
#include "delivery.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace pidone {
namespace {

constexpr Session kSessions[] = {Session::Shared, Session::Detached, Session::Foreground};

Recipient application_recipient(Session session) {
  return session == Session::Shared ? Recipient::Child : Recipient::ChildGroup;
}

TEST(Delivery, OrdinarySignalsGoAsTheyAreToTheApplicationThenToWhatRemains) {
  const SignalRewrites none;
  for (const Session session : kSessions) {
    for (const int signal : {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGTERM, SIGWINCH, SIGCONT, 34, 50, 64}) {
      const Delivery running = plan_delivery(signal, none, session, false);
      EXPECT_EQ(running.signal, signal);
      EXPECT_EQ(running.to, application_recipient(session));
      EXPECT_FALSE(running.stop_pidone);
      const Delivery exited = plan_delivery(signal, none, session, true);
      EXPECT_EQ(exited.signal, signal);
      EXPECT_EQ(exited.to, Recipient::Remaining);
      EXPECT_FALSE(exited.stop_pidone);
    }
  }
}

TEST(Delivery, SignalsPidoneNeverForwardsGoNowhere) {
  const SignalRewrites none;
  for (const Session session : kSessions)
    for (const int signal : {SIGKILL, SIGSTOP, SIGCHLD, 32, 33})
      for (const bool exited : {false, true}) {
        const Delivery delivery = plan_delivery(signal, none, session, exited);
        EXPECT_EQ(delivery.to, Recipient::Nobody) << signal;
        EXPECT_EQ(delivery.signal, 0);
        EXPECT_FALSE(delivery.stop_pidone);
      }
}

TEST(Delivery, RewritesChangeTheSignalAndZeroDropsIt) {
  SignalRewrites rewrites;
  rewrites.set(SIGTERM, SIGQUIT);
  rewrites.set(SIGHUP, 0);
  for (const Session session : kSessions) {
    EXPECT_EQ(plan_delivery(SIGTERM, rewrites, session, false).signal, SIGQUIT);
    EXPECT_EQ(plan_delivery(SIGTERM, rewrites, session, true).signal, SIGQUIT);
    const Delivery dropped = plan_delivery(SIGHUP, rewrites, session, false);
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
    const Delivery detached = plan_delivery(signal, none, Session::Detached, false);
    EXPECT_EQ(detached.signal, SIGSTOP);
    EXPECT_EQ(detached.to, Recipient::ChildGroup);
    EXPECT_TRUE(detached.stop_pidone);
    const Delivery shared = plan_delivery(signal, none, Session::Shared, false);
    EXPECT_EQ(shared.signal, signal);
    EXPECT_EQ(shared.to, Recipient::Child);
    EXPECT_TRUE(shared.stop_pidone);
    const Delivery foreground = plan_delivery(signal, none, Session::Foreground, false);
    EXPECT_EQ(foreground.signal, signal);
    EXPECT_EQ(foreground.to, Recipient::ChildGroup);
    EXPECT_FALSE(foreground.stop_pidone);
    for (const Session session : kSessions) {
      const Delivery exited = plan_delivery(signal, none, session, true);
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
  for (const Session session : kSessions) {
    const Delivery usr1 = plan_delivery(SIGTSTP, rewrites, session, false);
    EXPECT_EQ(usr1.signal, SIGUSR1);
    EXPECT_EQ(usr1.stop_pidone, session != Session::Foreground);
    EXPECT_EQ(plan_delivery(SIGTTIN, rewrites, session, false).signal, SIGTTIN);
    const Delivery dropped = plan_delivery(SIGTTOU, rewrites, session, false);
    EXPECT_EQ(dropped.to, Recipient::Nobody);
    EXPECT_FALSE(dropped.stop_pidone) << "-r TTOU:0 drops it: pidone does not stop either";
  }
}

}  // namespace
}  // namespace pidone
