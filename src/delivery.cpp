#include "delivery.hpp"

namespace pidone {

Delivery plan_delivery(int received, const SignalRewrites& rewrites, Forwarding forwarding, Session session,
                       bool application_exited) {
  int outgoing = is_forwarded(received) ? rewrites.apply(received) : 0;
  // -r TSTP:0 drops ^Z altogether: pidone does not stop either.
  if (outgoing == 0) return {0, Recipient::Nobody, false};
  const bool job_control = is_job_control_stop(received);
  // A detached application leads a session of its own, so its group is
  // orphaned (its parent, pidone, is in another session), and the kernel
  // ignores the default stop action of TSTP, TTIN and TTOU there. Unless
  // told otherwise, stop it for sure with SIGSTOP. In the foreground
  // hand-off the group is not orphaned, and a handler for TSTP (an editor's,
  // say) gets to run.
  if (job_control && session == Session::Detached && !rewrites.has_rule(received)) outgoing = SIGSTOP;
  if (application_exited) return {outgoing, Recipient::Remaining, false};
  // As dumb-init does: when pidone is a shell's job, pidone stopping is what
  // shows the shell that its job stopped. Holding the terminal as session
  // leader, pidone has no such shell above it.
  const bool stop_pidone = job_control && session != Session::Foreground;
  return {outgoing, forwarding == Forwarding::SingleChild ? Recipient::Child : Recipient::ChildGroup, stop_pidone};
}

}  // namespace pidone
