"""Signals sent to pidone reach the application: every catchable signal in
process-group mode (child and grandchild) and with -c (child only), job
control, and rewrites (-r, PIDONE_REWRITE)."""

import contextlib
import signal

import pytest

from binaries import QEMU_FAULT_SIGNALS, QEMU_SIGNALS_63_64
from harness import SIGRTMAX, SIGRTMIN, App, is_running_or_sleeping, is_stopped, wait_until

JOB_CONTROL = (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)
NEVER_FORWARDED = (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD)
FAULTS = (signal.SIGILL, signal.SIGBUS, signal.SIGFPE, signal.SIGSEGV)  # sent, not raised
STANDARD = [s for s in range(1, 32) if s not in NEVER_FORWARDED + JOB_CONTROL + FAULTS]
MARKER = signal.SIGWINCH  # sent last to prove earlier signals were handled

# (signals, sender): host-sent standard signals; real-time ones come from a
# process of the same architecture (qemu-user renumbers host-sent ones).
FAMILIES = {
    "standard": (STANDARD, "host"),
    "faults": (list(FAULTS), "host"),
    "realtime": (list(range(SIGRTMIN, SIGRTMAX - 1)), "same-arch"),
    "realtime-63-64": ([SIGRTMAX - 1, SIGRTMAX], "same-arch"),
}


def family_signals(binaries, family):
    """The family's signals and a send(app, signo) for them."""
    signals, sender = FAMILIES[family]
    if family == "realtime-63-64":
        binaries.skip_if_emulated(QEMU_SIGNALS_63_64)
    if family == "faults":
        binaries.skip_if_emulated(QEMU_FAULT_SIGNALS)
    if sender == "host":
        return signals, lambda app, signo: app.signal(signo)
    return signals, lambda app, signo: binaries.send_signal(app.pid, signo)


@contextlib.contextmanager
def pidone_with_grandchild(binaries, *options):
    """pidone running `testapp spawn signals -- signals`: (app, child, grandchild)."""
    with App([binaries.pidone, *options, *binaries.app("spawn", "signals", "--", "signals")]) as app:
        grandchild = app.ready("grandchild")
        yield app, app.ready(), grandchild


def last_usable_signal(binaries):
    return SIGRTMAX - 2 if binaries.emulated else SIGRTMAX


@pytest.mark.parametrize("family", FAMILIES)
def test_group_mode_forwards_every_signal_to_child_and_grandchild(binaries, family):
    signals, send = family_signals(binaries, family)
    with pidone_with_grandchild(binaries) as (app, child, grandchild):
        assert child.sid == child.pid and grandchild.pgid == child.pid
        for signo in signals:
            send(app, signo)
            app.wait_line(f"signal {signo}")
            app.wait_line(f"grandchild signal {signo}")


@pytest.mark.parametrize("family", FAMILIES)
def test_single_child_mode_forwards_every_signal_to_the_child_only(binaries, family):
    signals, send = family_signals(binaries, family)
    with pidone_with_grandchild(binaries, "-c") as (app, child, grandchild):
        for signo in signals:
            send(app, signo)
            app.wait_line(f"signal {signo}")
        # Anything wrongly sent to the grandchild was queued before this
        # marker and is dequeued first (lower number first).
        marker = last_usable_signal(binaries)
        binaries.send_signal(grandchild.pid, marker)
        app.wait_line(f"grandchild signal {marker}")
        grandchild_signals = [l for l in app.lines if l.startswith("grandchild signal ")]
        assert grandchild_signals == [f"grandchild signal {marker}"]


@pytest.mark.parametrize("signo", JOB_CONTROL, ids=lambda s: signal.Signals(s).name)
def test_job_control_signal_stops_group_and_pidone_and_sigcont_resumes_them(binaries, signo):
    with pidone_with_grandchild(binaries) as (app, child, grandchild):
        app.signal(signo)
        everyone = (app.pid, child.pid, grandchild.pid)
        wait_until(lambda: all(is_stopped(pid) for pid in everyone), message="all stopped")
        app.signal(signal.SIGCONT)
        wait_until(lambda: all(is_running_or_sleeping(pid) for pid in everyone), message="all resumed")
        app.wait_line("signal 18")
        app.wait_line("grandchild signal 18")
        # Stopped by SIGSTOP: the blocked job-control signal itself never came.
        assert not app.has_line(f"signal {signo}")


@pytest.mark.parametrize("signo", JOB_CONTROL, ids=lambda s: signal.Signals(s).name)
def test_single_child_mode_forwards_job_control_signals_unchanged_and_stops_pidone(binaries, signo):
    with App([binaries.pidone, "-c", *binaries.app("signals")]) as app:
        child = app.ready()
        app.signal(signo)
        app.wait_line(f"signal {signo}")
        wait_until(lambda: is_stopped(app.pid), message="pidone stopped")
        assert is_running_or_sleeping(child.pid)
        app.signal(signal.SIGCONT)
        app.wait_line("signal 18")
        assert is_running_or_sleeping(app.pid)


def test_rewritten_job_control_signal_is_forwarded_as_rewritten_and_stops_pidone(binaries):
    with App([binaries.pidone, "-r", "TSTP:USR1", *binaries.app("signals")]) as app:
        child = app.ready()
        app.signal(signal.SIGTSTP)
        app.wait_line("signal 10")
        wait_until(lambda: is_stopped(app.pid), message="pidone stopped")
        assert is_running_or_sleeping(child.pid)
        app.signal(signal.SIGCONT)
        app.wait_line("signal 18")
        assert not app.has_line(f"signal {signal.SIGTSTP}")


def assert_rewritten(binaries, options, sent, expected, env=None, send=None):
    """pidone with `options`: signal `sent` reaches the app as `expected`
    (0: not at all), and `sent` itself never does."""
    with App([binaries.pidone, *options, *binaries.app("signals")], extra_env=env) as app:
        app.ready()
        (send or (lambda pid, signo: app.signal(signo)))(app.pid, sent)
        if expected:
            app.wait_line(f"signal {expected}")
        app.signal(MARKER)
        app.wait_line(f"signal {MARKER}")
        if sent != expected:
            assert not app.has_line(f"signal {sent}")


@pytest.mark.parametrize("rule, sent, expected", [
    ("10:12", 10, 12),
    ("SIGUSR1:usr2", 10, 12),
    ("term:SIGQUIT", 15, 3),
    ("Hup:10", 1, 10),
    ("USR1:RTMIN+2", 10, 36),
    ("USR1:RTMAX-3", 10, 61),
    ("USR1:RTMIN", 10, 34),
    ("USR1:64", 10, 64),
    ("10:0", 10, 0),
    ("SIGUSR1:0", 10, 0),
])
def test_rewrite_option(binaries, rule, sent, expected):
    if expected >= SIGRTMAX - 1:
        binaries.skip_if_emulated(QEMU_SIGNALS_63_64)
    assert_rewritten(binaries, ["-r", rule], sent, expected)


def test_rewrite_of_a_realtime_signal_by_name(binaries):
    assert_rewritten(binaries, ["--rewrite", "RTMIN+2:USR2"], 36, 12, send=binaries.send_signal)


def test_several_rewrites_apply_together(binaries):
    options = ["-r", "USR1:USR2", "--rewrite", "USR2:HUP"]
    assert_rewritten(binaries, options, 10, 12)
    assert_rewritten(binaries, options, 12, 1)


def test_rewrite_from_environment(binaries):
    env = {"PIDONE_REWRITE": "USR1:USR2,TERM:0"}
    assert_rewritten(binaries, [], 10, 12, env=env)
    assert_rewritten(binaries, [], 15, 0, env=env)


def test_rewrite_option_wins_over_environment(binaries):
    assert_rewritten(binaries, ["-r", "USR1:HUP"], 10, 1, env={"PIDONE_REWRITE": "USR1:USR2"})
