"""pidone on a real pseudo-terminal. As the session leader on it, pidone
keeps the terminal and makes the application's process group its
foreground group, so ^C reaches the application directly, and the
application's exit hangs up nothing it left behind. As the foreground job of
a shell, ^C reaches pidone, which forwards it, and ^Z stops the application
and pidone until SIGCONT."""

import os
import signal

import pytest

from harness import is_running_or_sleeping, is_stopped, process_gone, wait_until
from terminal import Terminal

# A worker as the issue found them: a shell that needs WORK seconds to clean
# up on SIGTERM and has no handler for SIGHUP. It reports its pid when set up.
WORKER = ('trap "sleep {work}; echo worker-cleanup; exit 0" TERM; echo "worker-ready $$"; '
          'while :; do sleep 0.1; done')
# The application: starts the worker, exits 3 once a line is typed.
APPLICATION = "sh -c '{worker}' & read line; exit 3"


def test_application_owns_the_controlling_terminal(binaries):
    with Terminal().start([binaries.pidone, *binaries.app("tty")]) as app:
        app.wait_line("tty session=yes foreground=yes")
        assert app.wait() == 0


def test_interrupt_character_reaches_the_application(binaries):
    terminal = Terminal()
    with terminal.start([binaries.pidone, *binaries.app("signals")]) as app:
        app.ready()
        terminal.interrupt()
        app.wait_line("signal 2")


def test_application_leads_the_foreground_group_in_pidones_session(binaries):
    with Terminal().start([binaries.pidone, *binaries.app("signals")]) as app:
        child = app.ready()
        assert child.pgid == child.pid and child.sid == child.ppid  # pidone leads the session


def test_single_child_mode_hands_over_the_foreground_and_each_interrupt_arrives_once(binaries):
    """With -c the application still gets a foreground group of its own:
    were it in pidone's, ^C would reach it from the terminal and again
    forwarded by pidone."""
    terminal = Terminal()
    with terminal.start([binaries.pidone, "-c", *binaries.app("signals")]) as app:
        child = app.ready()
        assert child.pgid == child.pid and child.sid == child.ppid
        terminal.interrupt()
        app.wait_line("signal 2")
        # pidone dequeues a pending SIGINT before SIGUSR1, so once USR1 is
        # handled, any SIGINT pidone would have forwarded has arrived too.
        app.signal(signal.SIGUSR1)
        app.wait_line("signal 10")
        assert app.lines.count("signal 2") == 1, app.lines


def test_no_sighup_or_sigcont_reaches_the_application_at_start(binaries):
    with Terminal().start([binaries.pidone, *binaries.app("signals")]) as app:
        app.ready()
        # Both were queued for pidone before the application started; the
        # marker has a higher number, so it is handled after them.
        app.signal(signal.SIGWINCH)
        app.wait_line("signal 28")
        reported = [line for line in app.lines if line.startswith("signal ")]
        assert reported == ["signal 28"]


def test_in_a_shells_foreground_job_the_application_cannot_take_the_terminal(binaries):
    with Terminal().start_job([binaries.pidone, *binaries.app("tty")]) as app:
        app.wait_line("tty session=no foreground=no")
        assert app.wait() == 0


def test_interrupt_character_reaches_the_application_through_pidone(binaries):
    terminal = Terminal()
    with terminal.start_job([binaries.pidone, "-v", *binaries.app("signals")]) as app:
        app.ready()
        terminal.interrupt()
        app.wait_line("signal 2")


def test_suspend_character_stops_application_and_pidone_and_sigcont_resumes_both(binaries):
    terminal = Terminal()
    with terminal.start_job([binaries.pidone, *binaries.app("sleep")]) as app:
        child = app.ready()
        pidone = child.ppid
        terminal.suspend()
        wait_until(lambda: is_stopped(child.pid) and is_stopped(pidone), message="both stopped")
        app.wait_line("job stopped 19")
        os.kill(pidone, signal.SIGCONT)  # as the shell's `fg` would
        wait_until(lambda: is_running_or_sleeping(child.pid) and is_running_or_sleeping(pidone),
                   message="both resumed")
        app.wait_line("job continued")


def start_application_with_worker(terminal, binaries, grace, work=0.3, worker=WORKER):
    script = APPLICATION.format(worker=worker.format(work=work).replace("'", "'\\''"))
    return terminal.start([binaries.pidone, "--grace", str(grace), "sh", "-c", script])


@pytest.mark.parametrize("grace", [5, 0])
def test_worker_left_behind_gets_sigterm_and_no_hangup(binaries, grace):
    """The application leads a process group, not a session: its exit sends
    no SIGHUP to the worker, which gets SIGTERM and cleans up, within the
    grace period, or after pidone exited with --grace 0."""
    terminal = Terminal()
    with start_application_with_worker(terminal, binaries, grace) as app:
        app.wait_line(lambda line: line.startswith("worker-ready "))
        os.write(terminal.master, b"\n")
        assert app.wait() == 3
        app.wait_line("worker-cleanup")
        if grace:
            assert app.elapsed >= 0.3, "pidone exited before the worker's cleanup"


def test_worker_ignoring_sigterm_is_killed_at_the_deadline(binaries):
    terminal = Terminal()
    stubborn = 'trap "" TERM; echo "worker-ready $$"; while :; do sleep 0.1; done'
    with start_application_with_worker(terminal, binaries, 1, worker=stubborn) as app:
        worker = int(app.wait_line(lambda line: line.startswith("worker-ready ")).split()[1])
        os.write(terminal.master, b"\n")
        assert app.wait() == 3
        assert 1.0 <= app.elapsed, app.elapsed
        wait_until(lambda: process_gone(worker), message="the worker was SIGKILLed")
