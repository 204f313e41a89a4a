#pragma once
// What becomes of a signal that reaches pidone: which signal goes to whom,
// and whether pidone stops too. Only the decision, so that every
// combination can be tested without processes.
#include "options.hpp"
#include "session.hpp"

namespace pidone {

enum class Recipient : unsigned char {
  Nobody,      // not forwarded, or dropped by a rewrite to 0
  Child,       // -c: the application alone
  ChildGroup,  // the application's process group
  Remaining,   // the application has exited: whatever it left behind
};

struct Delivery {
  int signal;  // 0 when Recipient::Nobody
  Recipient to;
  bool stop_pidone;
};

Delivery plan_delivery(int received, const SignalRewrites& rewrites, Forwarding forwarding, Session session,
                       bool application_exited);

}  // namespace pidone
