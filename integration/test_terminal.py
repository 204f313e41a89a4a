"""pidone on a real pseudo-terminal. As the session leader on it, pidone
gives the terminal to the application's new session, so ^C reaches the
application directly, and the SIGHUP/SIGCONT that giving it up causes are
not forwarded. As the foreground job of a shell, ^C reaches pidone, which
forwards it, and ^Z stops the application and pidone until SIGCONT."""

import os
import signal

from harness import is_running_or_sleeping, is_stopped, wait_until
from terminal import Terminal


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


def test_sighup_and_sigcont_from_giving_up_the_terminal_are_not_forwarded(binaries):
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
