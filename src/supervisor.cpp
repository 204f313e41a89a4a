#include "supervisor.hpp"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "children.hpp"
#include "log.hpp"
#include "signals.hpp"
#include "spawn.hpp"
#include "terminal.hpp"

namespace pidone {
namespace {

// While waiting out the grace period for members of the application's group
// that are not pidone's children, nothing tells pidone when they exit.
constexpr long long kGroupPollMs = 20;
// How long SIGKILLed processes get to disappear before pidone gives up.
constexpr long long kKillWaitMs = 1000;

// The system call rather than musl's vDSO lookup, which would cost a
// kilobyte for a clock read only while winding down.
long long now_ms() {
  timespec now{};
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

void become_subreaper(bool requested) {
  // prctl() is variadic and passes on four arguments: unused ones must be 0.
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0) {
    log::debug("registered as a child subreaper");
    return;
  }
  // qemu-user answers EINVAL; pidone still reaps its own children.
  log::emit(requested ? log::Level::Warning : log::Level::Debug,
            "cannot become a child subreaper: ", SystemError{errno}, "; orphans will not be re-parented to pidone");
}

class Supervisor {
 public:
  Supervisor(const Options& options, pid_t child)
      : options_(options),
        child_(child),
        is_init_(getpid() == 1),
        whole_group_(options.forwarding == Forwarding::ProcessGroup) {}

  // Forwards signals and reaps until the application has exited; returns
  // its wait status.
  int wait_for_application() {
    const sigset_t every_signal = all_signals();
    while (!application_exited_) {
      const int signal = sigwaitinfo(&every_signal, nullptr);
      if (signal > 0) handle(signal);
    }
    return application_status_;
  }

  // What happens to the rest once the application is gone.
  void wind_down() {
    if (options_.grace_ms == 0) {
      if (whole_group_) send(-child_, SIGTERM);  // as dumb-init does
      return;
    }
    log::debug("application gone: SIGTERM to what remains, ", options_.grace_ms, " ms grace");
    signal_remaining(SIGTERM);
    const long long deadline = now_ms() + options_.grace_ms;
    while (anything_remains()) {
      const long long left = deadline - now_ms();
      if (left <= 0) break;
      wait_for_signal(must_poll_group() && left > kGroupPollMs ? kGroupPollMs : left);
    }
    kill_remaining();
  }

 private:
  void handle(int signal) {
    if (signal == SIGCHLD) {
      reap();
    } else {
      forward(signal);
    }
  }

  // One SIGCHLD can stand for many exits: reap until none is left.
  void reap() {
    for (;;) {
      int status = 0;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid == -1 && errno == EINTR) continue;
      children_remain_ = pid == 0;
      if (pid <= 0) return;
      if (pid == child_) {
        application_exited_ = true;
        application_status_ = status;
        log::info("application exited with status ", exit_code_of(status));
      } else {
        log::emit(options_.warn_reap ? log::Level::Warning : log::Level::Debug, "reaped orphan ", pid);
      }
    }
  }

  void forward(int signal) {
    if (!is_forwarded(signal)) {
      log::debug("not forwarding ", SignalName{signal});
      return;
    }
    const bool job_control = is_job_control_stop(signal);
    int outgoing = options_.rewrites.apply(signal);
    // The application's group is orphaned (its parent, pidone, is in another
    // session), and the kernel ignores the default stop action of TSTP, TTIN
    // and TTOU in an orphaned group: unless told otherwise, stop it for sure
    // with SIGSTOP.
    if (job_control && whole_group_ && !options_.rewrites.has_rule(signal)) outgoing = SIGSTOP;
    if (outgoing == 0) {
      log::debug("dropping ", SignalName{signal});
    } else if (application_exited_) {
      signal_remaining(outgoing);
    } else if (!whole_group_) {  // NOLINT(bugprone-branch-clone): same call, different reasons
      send(child_, outgoing);
    } else if (send(-child_, outgoing) == ESRCH) {
      send(child_, outgoing);  // the child has not called setsid() yet
    }
    if (job_control) {  // whatever was sent, as dumb-init does
      log::debug("stopping pidone as well");
      kill(getpid(), SIGSTOP);  // as PID 1 the kernel ignores this: fine
    }
  }

  // Returns 0 or kill()'s errno. Failing to signal is never fatal: ESRCH only
  // means the target is gone.
  static int send(pid_t target, int signal) {
    if (kill(target, signal) == 0) {
      log::debug("sent ", SignalName{signal}, " to ", target);
      return 0;
    }
    const int error = errno;
    if (error != ESRCH) log::warning("cannot send ", SignalName{signal}, " to ", target, ": ", SystemError{error});
    return error;
  }

  // As PID 1, everything else in the PID namespace, including processes that
  // left the group with setsid(). Otherwise the application's group and the
  // orphans re-parented to pidone.
  void signal_remaining(int signal) const {
    if (is_init_) {
      send(-1, signal);
      return;
    }
    if (whole_group_) send(-child_, signal);
    signal_children_of(getpid(), signal);
  }

  bool must_poll_group() const { return !is_init_ && whole_group_; }

  bool anything_remains() {
    reap();
    if (children_remain_) return true;
    return must_poll_group() && (kill(-child_, 0) == 0 || errno == EPERM);
  }

  void wait_for_signal(long long timeout_ms) {
    const sigset_t every_signal = all_signals();
    const timespec timeout{static_cast<time_t>(timeout_ms / 1000), static_cast<long>(timeout_ms % 1000 * 1000000)};
    const int signal = sigtimedwait(&every_signal, nullptr, &timeout);
    if (signal > 0) handle(signal);
  }

  void kill_remaining() {
    const long long give_up = now_ms() + kKillWaitMs;
    while (anything_remains()) {
      if (now_ms() >= give_up) {
        log::warning("processes survived SIGKILL; exiting without them");
        return;
      }
      log::debug("grace period over: SIGKILL to what remains");
      signal_remaining(SIGKILL);
      wait_for_signal(kGroupPollMs);
    }
  }

  const Options& options_;
  const pid_t child_;
  const bool is_init_;
  const bool whole_group_;
  bool application_exited_ = false;
  int application_status_ = 0;
  bool children_remain_ = true;
};

}  // namespace

int supervise(const Options& options) {
  const InheritedSignals inherited = take_over_signals();
  if (getpid() != 1) become_subreaper(options.subreaper_requested);
  if (options.parent_death_signal != 0 && prctl(PR_SET_PDEATHSIG, options.parent_death_signal, 0, 0, 0) == -1)
    log::warning("cannot set the parent-death signal: ", SystemError{errno});

  SpawnMode mode = SpawnMode::SameSession;
  if (options.forwarding == Forwarding::ProcessGroup)
    mode = release_terminal() ? SpawnMode::NewSessionWithTerminal : SpawnMode::NewSession;
  const pid_t child = spawn(options.command, mode, inherited);
  if (child == -1) return kExitCannotStart;
  log::info("started ", options.command[0], " as pid ", child);
  // Like dumb-init: pidone itself must not keep a mount busy.
  if (chdir("/") == -1) log::debug("chdir /: ", SystemError{errno});

  Supervisor supervisor(options, child);
  const int code = exit_code_of(supervisor.wait_for_application());
  supervisor.wind_down();
  return options.exits_as_success.contains(static_cast<unsigned>(code)) ? 0 : code;
}

}  // namespace pidone
