// The supervisor with real processes: pidone's parse_command_line and
// supervise() run in a forked process, exactly as main() runs them, and the
// test application is integration/testapp built for the host.
#include "supervisor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "process_helpers.hpp"
#include "signals.hpp"

namespace pidone {
namespace {

using namespace std::chrono_literals;
using testing::Clock;
using testing::start_supervised;
using testing::Supervised;
using testing::wait_until;

constexpr auto kQuick = 5s;  // generous: the machines are shared and noisy

std::string temp_path(const std::string& name) {
  const char* dir = getenv("TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/pidone-unit-" + std::to_string(getpid()) + "-" + name;
}

// Fields of a testapp "ready <pid> <ppid> <pgid> <sid>" line.
struct Ready {
  pid_t pid, ppid, pgid, sid;
};

Ready parse_ready(const std::string& line) {
  Ready ready{};
  EXPECT_EQ(sscanf(line.c_str(), "%*s %d %d %d %d", &ready.pid, &ready.ppid, &ready.pgid, &ready.sid), 4) << line;
  return ready;
}

Ready wait_ready(Supervised& supervised, const std::string& prefix = "ready ") {
  EXPECT_TRUE(supervised.out->wait_for(prefix, kQuick, true)) << supervised.err->rest(0ms);
  return parse_ready(supervised.out->seen().back().substr(prefix.size() - 6));
}

TEST(Supervisor, ReturnsTheApplicationsExitCode) {
  for (int code : {0, 1, 42, 255}) {
    Supervised supervised;
    start_supervised(supervised, {"@testapp", "exit", std::to_string(code)});
    EXPECT_EQ(supervised.wait_exit(kQuick), code);
  }
}

TEST(Supervisor, Returns128PlusTheSignalThatKilledTheApplication) {
  for (int signal : {SIGTERM, SIGKILL, SIGSEGV, SIGINT}) {
    Supervised supervised;
    start_supervised(supervised, {"@testapp", "kill", std::to_string(signal)});
    EXPECT_EQ(supervised.wait_exit(kQuick), 128 + signal) << signal;
  }
}

TEST(Supervisor, RemappedExitCodesBecomeZero) {
  Supervised exited;
  start_supervised(exited, {"-e", "42", "@testapp", "exit", "42"});
  EXPECT_EQ(exited.wait_exit(kQuick), 0);
  Supervised killed;
  start_supervised(killed, {"-e", "143", "@testapp", "kill", "15"});
  EXPECT_EQ(killed.wait_exit(kQuick), 0);
  Supervised other;
  start_supervised(other, {"-e", "42", "@testapp", "exit", "41"});
  EXPECT_EQ(other.wait_exit(kQuick), 41);
}

TEST(Supervisor, CommandNotFoundGives127AndOneLine) {
  Supervised supervised;
  start_supervised(supervised, {"/nonexistent/app"});
  EXPECT_EQ(supervised.wait_exit(kQuick), 127);
  EXPECT_EQ(supervised.err->rest(kQuick), "[pidone] /nonexistent/app: No such file or directory\n");
  Supervised in_path;
  start_supervised(in_path, {"pidone-no-such-command"}, {{"PATH=/usr/bin:/bin"}});
  EXPECT_EQ(in_path.wait_exit(kQuick), 127);
  EXPECT_EQ(in_path.err->rest(kQuick), "[pidone] pidone-no-such-command: No such file or directory\n");
}

TEST(Supervisor, CommandNotExecutableGives126AndOneLine) {
  const std::string path = temp_path("not-executable");
  close(open(path.c_str(), O_CREAT | O_WRONLY, 0644));
  Supervised supervised;
  start_supervised(supervised, {path});
  EXPECT_EQ(supervised.wait_exit(kQuick), 126);
  EXPECT_EQ(supervised.err->rest(kQuick), "[pidone] " + path + ": Permission denied\n");
  unlink(path.c_str());
}

TEST(Supervisor, SearchesPathForTheCommand) {
  Supervised supervised;
  // The environment given to parse_command_line is pidone's own; the child
  // inherits the test's, whose PATH finds sh.
  start_supervised(supervised, {"sh", "-c", "exit 7"});
  EXPECT_EQ(supervised.wait_exit(kQuick), 7);
}

TEST(Supervisor, ChildRunsInANewSessionInProcessGroupMode) {
  Supervised supervised;
  start_supervised(supervised, {"@testapp", "signals"});
  const Ready ready = wait_ready(supervised);
  EXPECT_EQ(ready.ppid, supervised.pid);
  EXPECT_EQ(ready.pgid, ready.pid);
  EXPECT_EQ(ready.sid, ready.pid);
}

TEST(Supervisor, ChildStaysInPidonesGroupInSingleChildMode) {
  Supervised supervised;
  start_supervised(supervised, {"-c", "@testapp", "signals"});
  const Ready ready = wait_ready(supervised);
  EXPECT_EQ(ready.pgid, getpgrp());
  EXPECT_NE(ready.sid, ready.pid);
}

std::vector<int> every_forwarded_signal_but_job_control() {
  std::vector<int> signals;
  for (int signal = 1; signal <= kMaxSignal; ++signal)
    if (is_forwarded(signal) && !is_job_control_stop(signal) && signal != SIGCONT) signals.push_back(signal);
  return signals;
}

TEST(Supervisor, ForwardsEverySignalToTheChildAndItsGroup) {
  Supervised supervised;
  start_supervised(supervised, {"@testapp", "spawn", "signals", "--", "signals"});
  wait_ready(supervised);
  for (int signal : every_forwarded_signal_but_job_control()) {
    ASSERT_EQ(kill(supervised.pid, signal), 0);
    const std::string line = "signal " + std::to_string(signal);
    EXPECT_TRUE(wait_until(
        [&] {
          std::string ignored;
          supervised.out->next(ignored, 10ms);
          return supervised.out->saw(line) && supervised.out->saw("grandchild " + line);
        },
        kQuick))
        << "signal " << signal;
  }
}

TEST(Supervisor, SingleChildModeForwardsToTheChildOnly) {
  Supervised supervised;
  start_supervised(supervised, {"-c", "@testapp", "spawn", "signals", "--", "signals"});
  wait_ready(supervised);
  ASSERT_EQ(kill(supervised.pid, SIGUSR1), 0);
  ASSERT_TRUE(supervised.out->wait_for("signal 10", kQuick));
  // A later signal to the grandchild itself shows its reports arrive: the
  // first one would have come before it.
  const Ready grandchild = parse_ready(supervised.out->seen()[0].substr(11));
  ASSERT_EQ(kill(grandchild.pid, SIGUSR2), 0);
  ASSERT_TRUE(supervised.out->wait_for("grandchild signal 12", kQuick));
  EXPECT_FALSE(supervised.out->saw("grandchild signal 10"));
  kill(grandchild.pid, SIGKILL);
}

TEST(Supervisor, RewritesAndDropsSignals) {
  Supervised supervised;
  start_supervised(supervised, {"-r", "USR1:USR2", "-r", "HUP:0", "-r", "RTMIN+2:40", "@testapp", "signals"});
  wait_ready(supervised);
  kill(supervised.pid, SIGUSR1);
  EXPECT_TRUE(supervised.out->wait_for("signal 12", kQuick));
  kill(supervised.pid, SIGHUP);
  kill(supervised.pid, 36);
  EXPECT_TRUE(supervised.out->wait_for("signal 40", kQuick));
  kill(supervised.pid, SIGINT);
  EXPECT_TRUE(supervised.out->wait_for("signal 2", kQuick));
  EXPECT_FALSE(supervised.out->saw("signal 1"));
  EXPECT_FALSE(supervised.out->saw("signal 10"));
  EXPECT_FALSE(supervised.out->saw("signal 36"));
}

TEST(Supervisor, JobControlStopsTheGroupAndPidoneAndContinueResumesThem) {
  Supervised supervised;
  start_supervised(supervised, {"@testapp", "sleep"});
  const Ready app = wait_ready(supervised);
  ASSERT_EQ(kill(supervised.pid, SIGTSTP), 0);
  EXPECT_TRUE(wait_until([&] { return testing::process_state(app.pid) == 'T'; }, kQuick));
  EXPECT_TRUE(wait_until([&] { return testing::process_state(supervised.pid) == 'T'; }, kQuick));
  ASSERT_EQ(kill(supervised.pid, SIGCONT), 0);
  EXPECT_TRUE(wait_until([&] { return testing::process_state(supervised.pid) == 'S'; }, kQuick));
  EXPECT_TRUE(wait_until([&] { return testing::process_state(app.pid) == 'S'; }, kQuick));
}

TEST(Supervisor, ReapsOrphansAsAChildSubreaper) {
  Supervised supervised;
  start_supervised(supervised, {"@testapp", "orphan"});
  ASSERT_TRUE(supervised.out->wait_for("orphan ", kQuick, true));
  const std::string& line = supervised.out->seen().back();
  EXPECT_EQ(line.substr(line.rfind(' ') + 1), std::to_string(supervised.pid)) << line;

  Supervised many;
  start_supervised(many, {"@testapp", "orphans", "200"});
  ASSERT_TRUE(many.out->wait_for("orphans 200", kQuick));
  EXPECT_TRUE(wait_until([&] { return testing::children_of(many.pid).size() == 1; }, kQuick))
      << "zombies left: " << testing::children_of(many.pid).size() - 1;
}

// In pause mode pidone starts nothing: whatever is re-parented to it is
// reaped, SIGINT or SIGTERM ends it with 0, and other signals change nothing.
TEST(Supervisor, PauseReapsOrphansUntilSigtermOrSigint) {
  for (const int stop : {SIGTERM, SIGINT}) {
    Supervised supervised;
    testing::StartOptions options;
    options.before = [] {
      // Subreaper before the orphans exist, so none escapes to the host's init.
      prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
      if (fork() == 0) execl(TESTAPP, "testapp", "orphans", "50", nullptr);
    };
    start_supervised(supervised, {"--pause"}, options);
    ASSERT_TRUE(supervised.out->wait_for("orphans 50", kQuick));
    ASSERT_EQ(kill(supervised.pid, SIGHUP), 0);
    ASSERT_EQ(kill(supervised.pid, SIGUSR1), 0);
    ASSERT_EQ(kill(supervised.pid, SIGTSTP), 0);
    const Ready app = wait_ready(supervised);
    kill(app.pid, SIGKILL);  // testapp orphans lives on after its report
    EXPECT_TRUE(wait_until([&] { return testing::children_of(supervised.pid).empty(); }, kQuick))
        << "left: " << testing::children_of(supervised.pid).size();
    EXPECT_NE(testing::process_state(supervised.pid), 'T');
    ASSERT_EQ(kill(supervised.pid, stop), 0);
    EXPECT_EQ(supervised.wait_exit(kQuick), 0) << stop;
  }
}

TEST(Supervisor, WithoutGraceTheGroupGetsSigtermAndPidoneExitsAtOnce) {
  Supervised supervised;
  start_supervised(supervised, {"@testapp", "spawn", "signals", "--", "exit", "4"});
  const Ready grandchild = wait_ready(supervised, "grandchild ready ");
  EXPECT_EQ(supervised.wait_exit(kQuick), 4);
  EXPECT_TRUE(supervised.out->wait_for("grandchild signal 15", kQuick));
  kill(grandchild.pid, SIGKILL);  // it reports SIGTERM and carries on
}

TEST(Supervisor, GraceLetsASlowSigtermHandlerFinish) {
  const std::string marker = temp_path("slow-term-marker");
  unlink(marker.c_str());
  Supervised supervised;
  const auto start = Clock::now();
  start_supervised(supervised,
                   {"--grace", "5", "@testapp", "spawn", "slow-term", "0.3", "0", marker, "--", "exit", "3"});
  EXPECT_EQ(supervised.wait_exit(10s), 3);
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(access(marker.c_str(), F_OK), 0) << "the handler did not finish";
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 4s) << "pidone waited for the deadline although nothing remained";
  unlink(marker.c_str());
}

TEST(Supervisor, GraceEndsWithSigkillForWhatIgnoresSigterm) {
  Supervised supervised;
  const auto start = Clock::now();
  start_supervised(supervised, {"--grace", "0.5", "@testapp", "spawn", "ignore-term", "--", "exit", "3"});
  const Ready grandchild = wait_ready(supervised, "grandchild ready ");
  EXPECT_EQ(supervised.wait_exit(10s), 3);
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 500ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(testing::process_state(grandchild.pid), 0) << "the SIGTERM-ignoring grandchild survived";
}

TEST(Supervisor, GraceReachesOrphansThatLeftTheGroup) {
  const std::string marker = temp_path("detached-marker");
  unlink(marker.c_str());
  Supervised supervised;
  start_supervised(supervised,
                   {"--grace", "5", "@testapp", "spawn", "detach", "slow-term", "0.1", "0", marker, "--", "exit", "0"});
  EXPECT_EQ(supervised.wait_exit(10s), 0);
  EXPECT_EQ(access(marker.c_str(), F_OK), 0) << "the detached process was not given SIGTERM";
  unlink(marker.c_str());
}

TEST(Supervisor, ChildGetsTheInheritedMaskAndIgnoredSignals) {
  Supervised supervised;
  testing::StartOptions options;
  options.before = [] {
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigaddset(&blocked, 40);
    sigprocmask(SIG_BLOCK, &blocked, nullptr);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGCHLD, SIG_IGN);
  };
  start_supervised(supervised, {"@testapp", "mask"}, options);
  EXPECT_TRUE(supervised.out->wait_for("blocked 10,40", kQuick));
  EXPECT_TRUE(supervised.out->wait_for("ignored 12,17", kQuick));
  EXPECT_EQ(supervised.wait_exit(kQuick), 0);
}

TEST(Supervisor, ForwardsSignalsThatItsParentIgnoredOrBlocked) {
  Supervised supervised;
  testing::StartOptions options;
  options.before = [] { signal(SIGUSR1, SIG_IGN); };
  start_supervised(supervised, {"@testapp", "signals"}, options);
  wait_ready(supervised);
  kill(supervised.pid, SIGUSR1);
  EXPECT_TRUE(supervised.out->wait_for("signal 10", kQuick));
}

TEST(Supervisor, SignalSentBeforeTheChildIsReadyIsNotLost) {
  Supervised supervised;
  start_supervised(supervised, {"@testapp", "sleep"});
  kill(supervised.pid, SIGTERM);
  EXPECT_EQ(supervised.wait_exit(kQuick), 128 + SIGTERM);
}

TEST(Supervisor, MovesToTheRootDirectoryButTheChildKeepsItsOwn) {
  char here[4096];
  ASSERT_NE(getcwd(here, sizeof here), nullptr);
  Supervised supervised;
  start_supervised(supervised, {"@testapp", "spawn", "cwd", "--", "signals"});
  wait_ready(supervised);
  EXPECT_TRUE(supervised.out->saw(std::string("grandchild cwd ") + here));
  char pidone_cwd[4096] = {};
  EXPECT_TRUE(wait_until(
      [&] {
        const ssize_t length =
            readlink(("/proc/" + std::to_string(supervised.pid) + "/cwd").c_str(), pidone_cwd, sizeof pidone_cwd - 1);
        return length == 1 && pidone_cwd[0] == '/';
      },
      kQuick));
}

TEST(Supervisor, ParentDeathSignalIsForwarded) {
  // pidone -p TERM runs an application that dies of SIGTERM; its parent, a
  // middle process, exits. This test process is a subreaper, so pidone is
  // re-parented to it and its exit status can be read here.
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  int pid_pipe[2];
  ASSERT_EQ(pipe(pid_pipe), 0);
  const pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    Supervised supervised;
    start_supervised(supervised, {"-p", "TERM", "@testapp", "sleep"});
    supervised.out->wait_for("ready ", kQuick, true);
    dprintf(pid_pipe[1], "%d\n", supervised.pid);
    supervised.pid = -1;  // leave it running
    _exit(0);
  }
  close(pid_pipe[1]);
  testing::LineReader reader(pid_pipe[0]);
  std::string pid_line;
  ASSERT_TRUE(reader.next(pid_line, kQuick));
  ASSERT_EQ(waitpid(middle, nullptr, 0), middle);
  const pid_t supervisor = std::atoi(pid_line.c_str());
  int status = 0;
  EXPECT_TRUE(wait_until([&] { return waitpid(supervisor, &status, WNOHANG) == supervisor; }, kQuick));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

}  // namespace
}  // namespace pidone
