"""pidone as PID 1 of a new PID namespace (`unshare --pid --fork
--mount-proc`): forwarding, exit status, reaping of many orphans while the
application runs, SIGTERM from inside the namespace, and --grace reaching a
process that left the application's group."""

import functools
import os
import subprocess

import pytest

from binaries import unavailable
from harness import App, DEADLINE, children_of, process_state, run, wait_until

UNSHARE = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"]
ORPHANS = 10_000
ORPHANS_EMULATED = 2_000  # qemu-user forks a hundred times slower; test_stress goes deeper


@functools.cache
def namespace_problem():
    try:
        done = subprocess.run([*UNSHARE, "true"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return "unshare (util-linux) is not installed"
    if done.returncode != 0:
        return f"cannot create a PID namespace here: {done.stderr.strip()}"
    return None


@pytest.fixture
def as_pid1():
    """Prefixes a command so that it runs as PID 1 of a new PID namespace."""
    if namespace_problem():
        unavailable(namespace_problem())
    return lambda *argv: [*UNSHARE, *argv]


def NamespaceApp(argv):
    """An App whose testapp pids belong to the namespace; killing unshare
    (--kill-child) kills its PID 1 and with it the whole namespace."""
    return App(argv, kill_reported=False)


def pidone_host_pid(app):
    """unshare's only child is the namespace's PID 1: pidone."""
    return wait_until(lambda: children_of(app.pid) and children_of(app.pid)[0],
                      message="unshare's child")


STANDARD = [1, 2, 3, 10, 12, 13, 14, 15, 28, 31]


def test_signals_sent_to_pid1_reach_the_application(binaries, as_pid1):
    with NamespaceApp(as_pid1(binaries.pidone, *binaries.app("spawn", "signals", "--", "signals"))) as app:
        grandchild = app.ready("grandchild")
        child = app.ready()
        # pid 2 may be qemu-user's helper thread: only the parent is fixed.
        assert child.ppid == 1 and grandchild.pgid == child.pid
        pidone = pidone_host_pid(app)
        for signo in STANDARD:
            os.kill(pidone, signo)
            app.wait_line(f"signal {signo}")
            app.wait_line(f"grandchild signal {signo}")


@pytest.mark.parametrize("app_args, expected", [
    (["exit", 0], 0), (["exit", 7], 7), (["exit", 255], 255),
    (["kill", 15], 143), (["kill", 9], 137),
])
def test_exit_status_as_pid1(binaries, as_pid1, app_args, expected):
    result = run(as_pid1(binaries.pidone, *binaries.app(*app_args)))
    assert result.code == expected


def test_reaps_thousands_of_orphans_while_the_application_runs(binaries, as_pid1):
    orphans = ORPHANS_EMULATED if binaries.emulated else ORPHANS
    with NamespaceApp(as_pid1(binaries.pidone, *binaries.app("orphans", orphans))) as app:
        app.wait_line(f"orphans {orphans}", timeout=120)
        assert app.ready().ppid == 1
        pidone = pidone_host_pid(app)
        # The application is then pidone's only child: every orphan reaped.
        application = wait_until(lambda: len(children_of(pidone)) == 1 and children_of(pidone)[0],
                                 timeout=60, message="only the application left")
        assert process_state(application) in ("S", "R")
        assert app.running


def test_sigterm_to_pid1_from_inside_the_namespace_stops_the_application(binaries, as_pid1):
    with NamespaceApp(as_pid1(binaries.pidone, *binaries.app("sleep"))) as app:
        app.ready()
        pidone = pidone_host_pid(app)
        sender = run(["nsenter", "--target", pidone, "--pid", "--mount", "--",
                      *binaries.app("send", 15, 1)])
        # Once the application is gone, pidone SIGTERMs every process of the
        # namespace, the sender included if it has not exited yet.
        assert (sender.code, sender.stdout_lines) in ((0, ["sent 15 1"]), (143, []))
        assert app.wait() == 143


def test_grace_as_pid1_reaches_processes_that_left_the_group(binaries, as_pid1, tmp_path):
    marker = tmp_path / "handled"
    argv = binaries.app("spawn", "detach", "slow-term", 0.5, 0, marker, "--", "exit", 3)
    with NamespaceApp(as_pid1(binaries.pidone, "--grace", "10", *argv)) as app:
        grandchild = app.ready("grandchild")
        assert grandchild.sid == grandchild.pid
        assert app.wait(DEADLINE) == 3
        assert marker.exists()
        assert app.elapsed < 10


def test_default_grace_as_pid1_lets_a_worker_left_behind_finish(binaries, as_pid1, tmp_path):
    """No --grace: as PID 1, pidone still SIGTERMs what the application left
    behind and waits for it, so the kernel does not SIGKILL it halfway."""
    marker = tmp_path / "handled"
    argv = binaries.app("spawn", "slow-term", 0.5, 0, marker, "--", "exit", 3)
    with NamespaceApp(as_pid1(binaries.pidone, *argv)) as app:
        app.ready("grandchild")
        assert app.wait(DEADLINE) == 3
        assert app.has_line("grandchild signal 15") and marker.exists()


@pytest.mark.parametrize("option, env", [(["--grace", "0"], None), ([], {"PIDONE_GRACE": "0"})],
                         ids=["--grace 0", "PIDONE_GRACE=0"])
def test_grace_0_as_pid1_exits_at_once_and_the_kernel_kills_the_worker(binaries, as_pid1, tmp_path,
                                                                          option, env):
    marker = tmp_path / "handled"
    argv = binaries.app("spawn", "slow-term", 0.5, 0, marker, "--", "exit", 3)
    with App(as_pid1(binaries.pidone, *option, *argv), extra_env=env, kill_reported=False) as app:
        app.ready("grandchild")
        assert app.wait(DEADLINE) == 3
        assert not marker.exists(), "the worker finished: pidone waited"


def test_default_grace_as_pid1_ends_with_sigkill_after_three_seconds(binaries, as_pid1):
    argv = binaries.app("spawn", "ignore-term", "--", "exit", 5)
    with NamespaceApp(as_pid1(binaries.pidone, *argv)) as app:
        app.ready("grandchild")
        assert app.wait(DEADLINE) == 5
        assert 3.0 <= app.elapsed < DEADLINE, app.elapsed
