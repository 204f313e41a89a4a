"""Options and their environment variables, as the running processes show
them: -e remaps, -p parent-death signal, -s and the automatic subreaper,
-w, process-group versus single-child mode, and pidone's chdir("/")."""

import os
import re
import signal

import pytest

from binaries import QEMU_NO_SUBREAPER
from harness import App, Ready, process_gone, run, wait_until, working_directory


@pytest.mark.parametrize("options, env, code, expected", [
    (["-e", "3"], None, 3, 0),
    (["--remap-exit", "3"], None, 3, 0),
    (["-e", "3", "-e", "4"], None, 4, 0),
    (["-e", "3"], None, 5, 5),
    ([], {"PIDONE_REMAP_EXIT": "3,4"}, 4, 0),
    ([], {"PIDONE_REMAP_EXIT": "3,4"}, 6, 6),
], ids=["-e", "--remap-exit", "two -e", "-e other code", "env", "env other code"])
def test_remap_exit(binaries, options, env, code, expected):
    result = run([binaries.pidone, *options, *binaries.app("exit", code)],
                 env=dict(os.environ, **(env or {})))
    assert result.code == expected


def test_remap_exit_applies_to_128_plus_n(binaries):
    result = run([binaries.pidone, "-e", "143", *binaries.app("kill", 15)])
    assert result.code == 0


def kill_parent_and_report(binaries, pidone_args, env=None):
    """Runs pidone as the child of a shell, kills the shell once the
    application is ready, then sends SIGWINCH to pidone as a marker; returns
    the signals the application reported."""
    script = '"$@" & echo "pidone $!"; wait'
    with App(["sh", "-c", script, "sh", binaries.pidone, *pidone_args,
              *binaries.app("signals")], extra_env=env) as app:
        pidone = int(app.wait_line(re.compile(r"pidone \d+")).split()[1])
        try:
            app.ready()
            app.signal(signal.SIGKILL)
            app.wait()
            os.kill(pidone, signal.SIGWINCH)
            app.wait_line("signal 28")
            return [int(l.split()[1]) for l in app.lines if l.startswith("signal ")]
        finally:
            os.kill(pidone, signal.SIGKILL)  # no longer below the App: re-parented


@pytest.mark.parametrize("options, env", [
    (["-p", "SIGUSR1"], None),
    (["--pdeathsig", "usr1"], None),
    (["-p", "10"], None),
    ([], {"PIDONE_PDEATHSIG": "USR1"}),
], ids=["-p SIGUSR1", "--pdeathsig usr1", "-p 10", "env"])
def test_pdeathsig_reaches_the_application_when_pidones_parent_dies(binaries, options, env):
    assert kill_parent_and_report(binaries, options, env) == [10, 28]


def test_without_pdeathsig_the_parents_death_sends_nothing(binaries):
    assert kill_parent_and_report(binaries, []) == [28]


@pytest.mark.parametrize("options, env", [
    ([], None),
    (["-s"], None),
    (["--subreaper"], None),
    ([], {"TINI_SUBREAPER": ""}),
    ([], {"PIDONE_SUBREAPER": "1"}),
], ids=["automatic", "-s", "--subreaper", "TINI_SUBREAPER", "PIDONE_SUBREAPER"])
def test_orphans_are_reparented_to_pidone_and_reaped(binaries, options, env):
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    with App([binaries.pidone, *options, *binaries.app("orphan")], extra_env=env) as app:
        line = app.wait_line(lambda l: l.startswith("orphan "))
        orphan, parent = line.split()[1:]
        assert int(parent) == app.pid
        wait_until(lambda: process_gone(int(orphan)), message="orphan reaped")


def test_subreaper_option_never_fails(binaries):
    """Natively it is silent; qemu-user refuses PR_SET_CHILD_SUBREAPER, which
    -s reports on stderr, and pidone carries on."""
    result = run([binaries.pidone, "-s", *binaries.app("exit", 5)])
    assert result.code == 5
    if binaries.emulated:
        assert any("subreaper" in line for line in result.stderr_lines), result.stderr
        assert all(line.startswith("[pidone] ") for line in result.stderr_lines)
    else:
        assert result.stderr == ""


def test_warn_reap_logs_each_reaped_orphan(binaries):
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    with App([binaries.pidone, "-w", *binaries.app("orphan")]) as app:
        orphan = app.wait_line(lambda l: l.startswith("orphan ")).split()[1]
        line = app.stderr.wait_for(lambda l: orphan in l)
        assert line.startswith("[pidone] ")


def ready_of(binaries, options=(), env=None):
    """The ready line of `testapp sleep 0` run under pidone."""
    result = run([binaries.pidone, *options, *binaries.app("sleep", 0)],
                 env=dict(os.environ, **(env or {})))
    assert result.code == 0, result
    fields = result.stdout_lines[0].split()
    assert fields[0] == "ready"
    return Ready(*map(int, fields[1:]))


GROUP, SINGLE = "group", "single"


@pytest.mark.parametrize("options, env, mode", [
    ([], None, GROUP),
    (["-c"], None, SINGLE),
    (["--single-child"], None, SINGLE),
    (["-g"], None, GROUP),
    (["-c", "-g"], None, GROUP),
    (["-g", "-c"], None, SINGLE),
    ([], {"DUMB_INIT_SETSID": "0"}, SINGLE),
    ([], {"DUMB_INIT_SETSID": "1"}, GROUP),
    ([], {"PIDONE_SINGLE_CHILD": "1"}, SINGLE),
    ([], {"PIDONE_SINGLE_CHILD": "0"}, GROUP),
    (["-g"], {"PIDONE_SINGLE_CHILD": "1"}, GROUP),
    (["-c"], {"PIDONE_SINGLE_CHILD": "0"}, SINGLE),
    ([], {"DUMB_INIT_SETSID": "0", "TINI_KILL_PROCESS_GROUP": ""}, GROUP),
], ids=lambda v: repr(v) if not isinstance(v, str) else v)
def test_mode_selection(binaries, options, env, mode):
    child = ready_of(binaries, options, env)
    if mode == GROUP:
        assert child.sid == child.pid and child.pgid == child.pid
    else:
        assert child.sid == os.getsid(0) and child.pgid != child.pid


def test_pidone_leaves_its_working_directory_and_the_child_keeps_it(binaries, tmp_path):
    with App([binaries.pidone, *binaries.app("signals")], cwd=tmp_path) as app:
        child = app.ready()
        assert working_directory(child.pid) == str(tmp_path)
        wait_until(lambda: working_directory(app.pid) == "/", message="pidone in /")


def test_verbose_messages_go_to_stderr_with_prefix(binaries):
    for options, env in ((["-v"], None), (["-vvv"], None), ([], {"PIDONE_VERBOSE": "3"}),
                         ([], {"DUMB_INIT_DEBUG": "1"}), ([], {"TINI_VERBOSITY": "3"})):
        result = run([binaries.pidone, *options, *binaries.app("exit", 4)],
                     env=dict(os.environ, **(env or {})))
        assert result.code == 4
        assert result.stdout == ""
        assert result.stderr_lines, (options, env)
        assert all(line.startswith("[pidone] ") for line in result.stderr_lines), result.stderr
