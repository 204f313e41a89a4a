"""Pause mode (`pidone --pause`) as PID 1 of a new PID namespace, as the
pause process of a pod is: no application of its own; the orphans of other
processes of the namespace (entered with nsenter, as an engine's exec or a
pod's other containers do) are reaped; SIGTERM and SIGINT end it with
status 0; any other signal is only logged (at debug level); idle, it does
not wake up."""

import time

import pytest

from harness import App, children_of, context_switches, process_state, run, wait_until, zombie_children
from test_pid_namespace import as_pid1, pidone_host_pid  # noqa: F401 (a fixture)

ORPHANS = 500
IDLE_SECONDS = 3  # the claim is about this long a period, so it is waited out
IGNORED = {1: "SIGHUP", 10: "SIGUSR1", 12: "SIGUSR2", 28: "SIGWINCH", 3: "SIGQUIT"}


def pause_process(as_pid1, binaries, *options):
    """pidone -P as PID 1 of a new namespace; returns (App of unshare, host
    pid of pidone) once it waits for signals."""
    app = App(as_pid1(binaries.pidone, *options, "--pause"), kill_reported=False)
    pidone = pidone_host_pid(app)
    wait_until(lambda: process_state(pidone) == "S", message="the pause process asleep")
    return app, pidone


def in_namespace_of(pidone, binaries, *args):
    """testapp run inside pidone's PID namespace (and /proc), as a child of
    nsenter: when it leaves orphans, PID 1 of the namespace inherits them."""
    return ["nsenter", "--target", pidone, "--pid", "--mount", "--", *binaries.app(*args)]


def test_orphans_of_other_processes_are_reaped_by_the_pause_process(binaries, as_pid1):
    app, pidone = pause_process(as_pid1, binaries)
    with app:
        with App(in_namespace_of(pidone, binaries, "orphans", ORPHANS)) as maker:
            maker.wait_line(f"orphans {ORPHANS}", timeout=120)
            maker.ready()
            wait_until(lambda: not children_of(pidone), timeout=60,
                       message="the pause process to reap every orphan")
            assert maker.running and app.running
        assert app.running and not zombie_children(pidone)


def test_an_orphan_is_re_parented_to_pid_1_the_pause_process(binaries, as_pid1):
    app, pidone = pause_process(as_pid1, binaries)
    with app, App(in_namespace_of(pidone, binaries, "orphan"), kill_reported=False) as maker:
        line = maker.wait_line(lambda l: l.startswith("orphan "))
        assert line.split()[2] == "1", line
        wait_until(lambda: not children_of(pidone), message="the orphan reaped")


@pytest.mark.parametrize("signo", [15, 2], ids=["SIGTERM", "SIGINT"])
def test_sigterm_and_sigint_end_it_with_status_0(binaries, as_pid1, signo):
    app, pidone = pause_process(as_pid1, binaries)
    with app:
        binaries.send_signal(pidone, signo)
        assert app.wait() == 0
        assert app.elapsed < 10


def test_sigterm_from_inside_the_namespace_ends_it(binaries, as_pid1):
    app, pidone = pause_process(as_pid1, binaries)
    with app:
        # The sender dies with the namespace, maybe before it reports.
        sender = run(in_namespace_of(pidone, binaries, "send", 15, 1))
        assert sender.code in (0, 137), sender.stderr
        assert app.wait() == 0


def test_other_signals_are_logged_at_debug_level_and_ignored(binaries, as_pid1):
    app, pidone = pause_process(as_pid1, binaries, "-vv")
    with app:
        for signo, name in IGNORED.items():
            binaries.send_signal(pidone, signo)
            app.stderr.wait_for(lambda line, name=name: "pausing: ignoring" in line and name in line)
        assert app.running and process_state(pidone) in ("S", "R")
        binaries.send_signal(pidone, 15)
        assert app.wait() == 0


def test_pause_process_does_not_wake_up_while_idle(binaries, as_pid1):
    app, pidone = pause_process(as_pid1, binaries)
    with app:
        before = context_switches(pidone)
        time.sleep(IDLE_SECONDS)
        after = context_switches(pidone)
        assert after == before, f"the pause process woke up {after - before} times in {IDLE_SECONDS} s"
        assert app.running
