"""The README's "Migrating from dumb-init, tini and Docker's --init", measured:
the same script runs under Debian's real dumb-init and tini (and tini-static
as Docker's `docker-init`), under pidone with the setting the README gives to
restore each peer's behaviour, and under pidone's defaults; each must show
the outcome the README states.

What is observed, with testapp's `spawn` (the application and one process it
started, in the application's process group):
- reach: a signal sent to the init reaches the whole group, or the child only;
- session: the child leads a new session, or shares the init's;
- at exit (not PID 1): what the application left behind gets SIGTERM, or is
  left alone;
- the words after the command: tini permutes its arguments, so
  `tini myapp -- --serve` runs `myapp --serve`;
- as PID 1 (a new PID namespace, as in a container): the init exits at once
  when the application exits, or gives what remains its grace period.

The peers' variables are compared the same way: each value of
DUMB_INIT_SETSID, DUMB_INIT_DEBUG and TINI_VERBOSITY must do under pidone
what it does under the peer that defines it.

The peers are Debian's amd64 packages, so this runs the native pidone only;
each outcome is measured once per init and setting.
"""

import functools
import os
import shutil
import signal

import pytest

from binaries import binaries_for, missing_binaries, native_arch, unavailable
from harness import App, run

UNSHARE = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"]
GRACE_AS_PID1 = 3.0  # pidone's default grace period when it is PID 1
PROBE = signal.SIGRTMIN + 6  # sent after the fact; delivered after any standard signal

# The inits as the README names them: (command line, extra environment).
PEERS = {
    "dumb-init": (["/usr/bin/dumb-init", "--"], {}),
    "tini -s": (["/usr/bin/tini", "-s", "--"], {}),
    "tini -s -g": (["/usr/bin/tini", "-s", "-g", "--"], {}),
    "docker-init": (["/usr/bin/docker-init", "--"], {}),  # what `docker run --init` runs
}
PIDONE_DEFAULTS = ([], {})
# The settings that restore each peer's behaviour: flags, and the variables
# for images without a shell and for `docker run --init -e ...`.
AS_DUMB_INIT = {
    "pidone --grace 0": (["--grace", "0"], {}),
    "pidone PIDONE_GRACE=0": ([], {"PIDONE_GRACE": "0"}),
}
AS_TINI = {
    "pidone -c --grace 0": (["-c", "--grace", "0"], {}),
    "pidone PIDONE_SINGLE_CHILD=1 PIDONE_GRACE=0": ([], {"PIDONE_SINGLE_CHILD": "1", "PIDONE_GRACE": "0"}),
    "pidone DUMB_INIT_SETSID=0 PIDONE_GRACE=0": ([], {"DUMB_INIT_SETSID": "0", "PIDONE_GRACE": "0"}),
}


@functools.cache
def pidone_binaries():
    binaries = binaries_for(native_arch())
    problem = missing_binaries(binaries)
    if problem:
        unavailable(problem)
    return binaries


def init_command(name, variables=()):
    """(argv prefix, environment) of the init called `name` in the tables,
    with `variables` ((NAME, value) pairs) added to the environment."""
    if name in PEERS:
        argv, extra = PEERS[name]
        if not os.access(argv[0], os.X_OK):
            unavailable(f"{argv[0]} is missing (apt-get install dumb-init tini)")
    else:
        flags, extra = {"pidone": PIDONE_DEFAULTS, **AS_DUMB_INIT, **AS_TINI}[name]
        argv = [str(pidone_binaries().pidone), *flags, "--"]
    return argv, dict(os.environ, **extra, **dict(variables))


def app(*args):
    return pidone_binaries().app(*args)


@functools.cache
def signal_reach_and_session(name, variables=()):
    """('group' or 'child only', 'new' or "init's") under the init `name`."""
    argv, env = init_command(name, variables)
    with App([*argv, *app("spawn", "signals", "--", "signals")], env=env) as running:
        grandchild = running.ready("grandchild")
        child = running.ready()
        session = "new" if child.sid == child.pid else "init's" if child.sid == os.getsid(running.pid) else "?"
        running.signal(signal.SIGUSR1)
        running.wait_line(f"signal {int(signal.SIGUSR1)}")
        # Had the init signalled the group, SIGUSR1 would be pending or
        # handled in the grandchild before this probe is.
        os.kill(grandchild.pid, PROBE)
        probe_line = running.wait_line(f"grandchild signal {int(PROBE)}")
        lines = running.lines
        reached = f"grandchild signal {int(signal.SIGUSR1)}" in lines[:lines.index(probe_line)]
        return "group" if reached else "child only", session


@functools.cache
def left_behind_at_exit(name):
    """'SIGTERM' or 'left alone': what the init (not PID 1) does to the
    process the application leaves behind when it exits 0."""
    argv, env = init_command(name)
    with App([*argv, *app("spawn", "signals", "--", "exit", "0")], env=env) as running:
        grandchild = running.ready("grandchild")
        assert running.wait() == 0
        os.kill(grandchild.pid, PROBE)
        probe_line = running.wait_line(f"grandchild signal {int(PROBE)}")
        lines = running.lines
        terminated = f"grandchild signal {int(signal.SIGTERM)}" in lines[:lines.index(probe_line)]
        return "SIGTERM" if terminated else "left alone"


@functools.cache
def end_as_pid1(name):
    """'at once' or 'after the grace period': when the init, as PID 1 of a PID
    namespace, exits after the application exits 0, leaving behind a process
    that ignores SIGTERM (the kernel SIGKILLs it when PID 1 exits)."""
    if shutil.which("unshare") is None:
        unavailable("unshare (util-linux) is not installed")
    argv, env = init_command(name)
    result = run([*UNSHARE, *argv, *app("spawn", "worker", "ignore", "--", "exit", "0")], env=env)
    assert result.code == 0, result
    if result.elapsed < GRACE_AS_PID1 - 1:
        return "at once"
    assert result.elapsed >= GRACE_AS_PID1, result
    return "after the grace period"


@pytest.mark.parametrize("peer,pidone", [("dumb-init", as_dumb_init) for as_dumb_init in AS_DUMB_INIT]
                         + [("tini -s", as_tini) for as_tini in AS_TINI])
def test_restoring_setting_gives_the_peers_signal_reach_and_session(peer, pidone):
    assert signal_reach_and_session(pidone) == signal_reach_and_session(peer)


@pytest.mark.parametrize("peer,pidone", [("dumb-init", as_dumb_init) for as_dumb_init in AS_DUMB_INIT]
                         + [("tini -s", as_tini) for as_tini in AS_TINI])
def test_restoring_setting_treats_what_is_left_behind_as_the_peer_does(peer, pidone):
    assert left_behind_at_exit(pidone) == left_behind_at_exit(peer)


@pytest.mark.parametrize("peer,pidone", [("dumb-init", as_dumb_init) for as_dumb_init in AS_DUMB_INIT]
                         + [(tini, as_tini) for tini in ("tini -s", "docker-init") for as_tini in AS_TINI])
def test_restoring_setting_ends_as_pid1_as_the_peer_does(peer, pidone):
    assert end_as_pid1(pidone) == end_as_pid1(peer) == "at once"


# What the README says changes when the binary is only renamed.

def test_dumb_init_signals_the_group_in_a_new_session_as_pidone_does():
    assert signal_reach_and_session("dumb-init") == signal_reach_and_session("pidone") == ("group", "new")


def test_tini_signals_the_child_only_in_the_init_session_unlike_pidone():
    assert signal_reach_and_session("tini -s") == ("child only", "init's")
    assert signal_reach_and_session("docker-init") == ("child only", "init's")
    assert signal_reach_and_session("pidone") == ("group", "new")


def test_tini_g_signals_the_group_but_keeps_its_session_and_leaves_the_rest_alone():
    """No pidone setting matches it exactly (the README says so)."""
    assert signal_reach_and_session("tini -s -g") == ("group", "init's")
    assert left_behind_at_exit("tini -s -g") == "left alone"


def test_at_exit_tini_leaves_the_rest_alone_dumb_init_and_pidone_send_sigterm():
    assert left_behind_at_exit("tini -s") == "left alone"
    assert left_behind_at_exit("dumb-init") == left_behind_at_exit("pidone") == "SIGTERM"


def test_as_pid1_pidone_waits_its_default_grace_the_peers_do_not():
    assert end_as_pid1("pidone") == "after the grace period"
    assert end_as_pid1("dumb-init") == end_as_pid1("docker-init") == "at once"


def words_after_the_command(name):
    """What `INIT echo -- --serve` prints (no "--" before the command)."""
    argv, env = init_command(name)
    result = run([*argv[:-1], "echo", "--", "--serve"], env=env)
    assert result.code == 0, result
    return result.stdout


def test_tini_permutes_the_words_after_the_command_pidone_and_dumb_init_do_not():
    assert words_after_the_command("tini -s") == "--serve\n"
    assert words_after_the_command("dumb-init") == words_after_the_command("pidone") == "-- --serve\n"


def test_pidone_runs_tinis_command_line_once_the_double_dash_comes_first():
    argv, env = init_command("pidone")
    assert run([*argv, "echo", "--serve"], env=env).stdout == "--serve\n"


# The peers' variables, read by pidone as the peers read them: each value
# gives the peer's outcome under pidone, plus one warning line where the
# value would be a typo in a PIDONE_ variable.

@pytest.mark.parametrize("value", ["0", "1", "", "yes", "00", "false", " 0"])
def test_dumb_init_setsid_value_means_what_it_means_to_dumb_init(value):
    variables = (("DUMB_INIT_SETSID", value),)
    assert signal_reach_and_session("pidone", variables) == signal_reach_and_session("dumb-init", variables)


def debug_output(name, variables):
    """True when the init prints more than a warning about the variable."""
    argv, env = init_command(name, variables)
    result = run([*argv, "true"], env=env)
    assert result.code == 0, result
    return any(not line.startswith(f"[pidone] {variables[0][0]}: ") for line in result.stderr_lines)


@pytest.mark.parametrize("value", ["1", "0", "", "2", "yes", "true", "01"])
def test_dumb_init_debug_value_means_what_it_means_to_dumb_init(value):
    variables = (("DUMB_INIT_DEBUG", value),)
    assert debug_output("pidone", variables) == debug_output("dumb-init", variables)


def shows_information(name, variables):
    """True when the init prints its level-2 line about starting the command
    (tini: `[INFO  tini ...] Spawned child process`, pidone: `started`)."""
    argv, env = init_command(name, variables)
    result = run([*argv, "true"], env=env)
    assert result.code == 0, result
    output = result.stdout + result.stderr
    return "[INFO  tini" in output or "] started true as pid" in output


@pytest.mark.parametrize("value", ["0", "1", "2", "3", "", "x", "2x", " 2", "+2", "-1", "-0", "12345"])
def test_tini_verbosity_value_means_what_it_means_to_tini(value):
    variables = (("TINI_VERBOSITY", value),)
    assert shows_information("pidone", variables) == shows_information("tini -s", variables)
