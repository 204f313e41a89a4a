"""An idle pidone does not wake up: with a sleeping application, its context
switch counts stay the same over 3 seconds (no timer, no polling)."""

import time

from harness import App, context_switches, process_state, wait_until

IDLE_SECONDS = 3  # the claim is about this long a period, so it is waited out


def test_pidone_does_not_wake_up_while_idle(binaries):
    with App([binaries.pidone, *binaries.app("sleep")]) as app:
        app.ready()
        wait_until(lambda: process_state(app.pid) == "S", message="pidone waiting")
        before = context_switches(app.pid)
        time.sleep(IDLE_SECONDS)
        after = context_switches(app.pid)
        assert after == before, f"pidone woke up {after - before} times in {IDLE_SECONDS} s"
        assert app.running
