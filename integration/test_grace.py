"""--grace: when the application exits, pidone SIGTERMs what remains, waits
for it up to the deadline, SIGKILLs the rest and exits with the
application's status; without it (grace 0) it exits at once."""

import contextlib
import os

import pytest

from binaries import QEMU_NO_SUBREAPER
from harness import App, process_gone, wait_until

# pidone's exit may come this much after the deadline on a loaded machine.
LATE = 2.0


@contextlib.contextmanager
def pidone_spawning(binaries, options, grandchild, child, env=None):
    """pidone running `testapp spawn GRANDCHILD -- CHILD`: (app, grandchild)."""
    argv = [binaries.pidone, *options, *binaries.app("spawn", *grandchild, "--", *child)]
    with App(argv, extra_env=env) as app:
        yield app, app.ready("grandchild")


@pytest.mark.parametrize("options, env", [
    (["--grace", "10"], None),
    ([], {"PIDONE_GRACE": "10"}),
], ids=["--grace", "PIDONE_GRACE"])
def test_slow_sigterm_handler_finishes_before_pidone_exits(binaries, tmp_path, options, env):
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    marker = tmp_path / "handled"
    slow = ["slow-term", 1, 0, marker]
    with pidone_spawning(binaries, options, slow, ["exit", 3], env) as (app, _):
        assert app.wait() == 3
        assert marker.exists(), "pidone exited before the handler finished"
        assert app.has_line("grandchild signal 15")
        assert 1.0 <= app.elapsed < 10.0


def test_escaped_process_gets_sigterm_after_reparenting(binaries, tmp_path):
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    marker = tmp_path / "handled"
    escaping = ["detach", "slow-term", 0.5, 0, marker]
    with pidone_spawning(binaries, ["--grace", "10"], escaping, ["exit", 4]) as (app, grandchild):
        assert grandchild.sid == grandchild.pid  # left the application's group
        assert app.wait() == 4
        assert marker.exists()


@pytest.mark.parametrize("grace", [1, 0.5])
def test_sigterm_ignoring_process_is_killed_at_the_deadline(binaries, grace):
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    options = ["--grace", str(grace)]
    with pidone_spawning(binaries, options, ["ignore-term"], ["exit", 5]) as (app, grandchild):
        assert app.wait() == 5
        assert grace - 0.05 <= app.elapsed <= grace + LATE, app.elapsed
        # pidone reaped it (it was re-parented to pidone), so it is gone.
        assert process_gone(grandchild.pid)


def test_grace_keeps_a_status_of_128_plus_n(binaries):
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    options = ["--grace", "1"]
    with pidone_spawning(binaries, options, ["ignore-term"], ["kill", 9]) as (app, grandchild):
        assert app.wait() == 137
        assert 0.95 <= app.elapsed <= 1 + LATE
        assert process_gone(grandchild.pid)


def test_grace_ends_early_when_everything_has_exited(binaries):
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    options = ["--grace", "30"]
    with pidone_spawning(binaries, options, ["signals"], ["exit", 6]) as (app, grandchild):
        # `signals` reports SIGTERM but survives it: SIGKILL it by hand.
        app.wait_line("grandchild signal 15")
        os.kill(grandchild.pid, 9)
        assert app.wait(timeout=15) == 6
        assert app.elapsed < 15


def test_without_grace_group_mode_sends_sigterm_and_exits_at_once(binaries, tmp_path):
    marker = tmp_path / "handled"
    slow = ["slow-term", 2, 0, marker]
    with pidone_spawning(binaries, [], slow, ["exit", 3]) as (app, _):
        assert app.wait() == 3
        assert not marker.exists()
        assert app.elapsed < 2
        app.wait_line("grandchild signal 15")
        wait_until(lambda: marker.exists(), message="the handler finishes on its own")


def test_without_grace_single_child_mode_just_exits(binaries):
    with pidone_spawning(binaries, ["-c"], ["signals"], ["exit", 3]) as (app, grandchild):
        assert app.wait() == 3
        binaries.send_signal(grandchild.pid, 28)
        app.wait_line("grandchild signal 28")
        assert not app.has_line("grandchild signal 15")
