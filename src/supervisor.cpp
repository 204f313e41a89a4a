#include "supervisor.hpp"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "children.hpp"
#include "delivery.hpp"
#include "exit_status.hpp"
#include "log.hpp"
#include "signals.hpp"
#include "spawn.hpp"

namespace pidone {
namespace {

// While waiting out the grace period for members of the application's group
// that are not pidone's children, nothing tells pidone when they exit.
constexpr long long kGroupPollMs = 20;
// How long SIGKILLed processes get to disappear before pidone gives up.
constexpr long long kKillWaitMs = 1000;
// The grace period as PID 1 when none is given. When PID 1 exits, the kernel
// SIGKILLs everything left in its namespace, so a worker that a shell
// wrapper left behind would die halfway through its shutdown. Three seconds
// let a well-behaved server finish, and leave the application itself seven
// of docker stop's and podman's ten (Kubernetes gives thirty). Processes
// that exit at once on SIGTERM cost nothing: pidone exits when the last one
// is reaped. Not as PID 1, pidone's exit kills nobody, so there is none.
constexpr unsigned kGraceAsInitMs = 3000;

// The system call rather than musl's vDSO lookup, which would cost a
// kilobyte for a clock read only while winding down.
long long now_ms() {
  timespec now{};
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

// prctl() as the bare system call, with the unused arguments 0 as the
// kernel wants them: musl's variadic wrapper is a hundred bytes.
bool set_process_control(int option, unsigned long value) {
  return syscall(SYS_prctl, option, value, 0UL, 0UL, 0UL) == 0;
}

void become_subreaper(bool requested) {
  if (set_process_control(PR_SET_CHILD_SUBREAPER, 1)) {
    log::debug("registered as a child subreaper");
    return;
  }
  // qemu-user answers EINVAL; pidone still reaps its own children.
  log::emit(requested ? log::Level::Warning : log::Level::Debug,
            "cannot become a child subreaper: ", SystemError{errno}, "; orphans will not be re-parented to pidone");
}

// Like dumb-init: pidone itself must not keep a mount busy.
void leave_working_directory() {
  if (chdir("/") == -1) log::debug("chdir /: ", SystemError{errno});
}

class Supervisor {
 public:
  Supervisor(const Options& options, pid_t child, Session session)
      : options_(options),
        child_(child),
        session_(session),
        is_init_(getpid() == 1),
        whole_group_(options.forwarding == Forwarding::ProcessGroup),
        grace_ms_(options.grace_ms != kGraceByDefault ? options.grace_ms
                  : is_init_                          ? kGraceAsInitMs
                                                      : 0) {}

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

  // --pause: no application. Reaps whatever is re-parented to pidone until
  // SIGINT or SIGTERM, as Kubernetes' pause container does.
  void pause() {
    const sigset_t every_signal = all_signals();
    for (;;) {
      const int signal = sigwaitinfo(&every_signal, nullptr);
      if (signal == SIGINT || signal == SIGTERM) return;
      if (signal == SIGCHLD) {
        reap();
      } else if (signal > 0) {
        log::debug("pausing: ignoring ", SignalName{signal});
      }
    }
  }

  // What happens to the rest once the application is gone.
  void wind_down() {
    if (grace_ms_ == 0) {
      if (whole_group_) send(-child_, SIGTERM);  // as dumb-init does
      return;
    }
    log::debug("application gone: SIGTERM to what remains, ", grace_ms_, " ms grace");
    signal_remaining(SIGTERM);
    const long long deadline = now_ms() + grace_ms_;
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
        log::info("application exited with status ", exit_status::of_wait_status(status));
      } else {
        log::emit(options_.warn_reap ? log::Level::Warning : log::Level::Debug, "reaped orphan ", pid);
      }
    }
  }

  void forward(int signal) {
    const Delivery delivery =
        plan_delivery(signal, options_.rewrites, options_.forwarding, session_, application_exited_);
    switch (delivery.to) {
      case Recipient::Nobody: log::debug("not forwarding ", SignalName{signal}); break;
      case Recipient::Child: send(child_, delivery.signal); break;
      case Recipient::ChildGroup:
        if (send(-child_, delivery.signal) == ESRCH) send(child_, delivery.signal);  // no group of its own yet
        break;
      case Recipient::Remaining: signal_remaining(delivery.signal); break;
    }
    if (delivery.stop_pidone) {
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
  const pid_t child_;  // 0 in pause mode: waitpid() never returns it
  const Session session_;
  const bool is_init_;
  const bool whole_group_;
  const unsigned grace_ms_;
  bool application_exited_ = false;
  int application_status_ = 0;
  bool children_remain_ = true;
};

}  // namespace

int supervise(const Options& options) {
  const InheritedSignals inherited = take_over_signals();
  if (getpid() != 1) become_subreaper(options.subreaper_requested);
  if (options.parent_death_signal != 0 &&
      !set_process_control(PR_SET_PDEATHSIG, static_cast<unsigned long>(options.parent_death_signal)))
    log::warning("cannot set the parent-death signal: ", SystemError{errno});
  if (options.pause) {
    leave_working_directory();
    Supervisor(options, 0, Session::Shared).pause();
    return exit_status::kPauseStopped;
  }
  const Session session = plan_session(options.forwarding);
  const pid_t child = spawn(options.command, session, inherited);
  if (child == -1) return exit_status::kCannotStart;
  log::info("started ", options.command[0], " as pid ", child);
  leave_working_directory();

  Supervisor supervisor(options, child, session);
  const int code = exit_status::of_wait_status(supervisor.wait_for_application());
  take_back_terminal(session);
  supervisor.wind_down();
  return options.exits_as_success.contains(static_cast<unsigned>(code)) ? 0 : code;
}

}  // namespace pidone
