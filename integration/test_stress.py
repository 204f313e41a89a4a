"""Stress and fault tests: pidone stays up, reaps everything and returns the
application's status under a signal storm, 100,000 orphans, fork failure,
closed standard descriptors, an empty environment, a 1 MiB argument list,
an inherited signal mask and ignored signals, the death of its parent, and
escaped process groups at the --grace deadline.

qemu-user is much slower at forking than the host: the aarch64 runs use
smaller counts where the count is the point (orphans, forking during the
storm), and say so below.
"""

import errno
import hashlib
import os
import re
import signal
import time
from pathlib import Path

import pytest

from binaries import QEMU_NO_SUBREAPER, unavailable
from harness import (DEADLINE, SIGRTMIN, App, children_of, process_gone, process_state, run, status_field,
                     wait_until, zombie_children)
from launch import BLOCKABLE
from test_pid_namespace import NamespaceApp, as_pid1, pidone_host_pid  # noqa: F401 (as_pid1: a fixture)

LAUNCH = ["/usr/bin/python3", str(Path(__file__).with_name("launch.py"))]


def launch(mode, *arguments, command):
    return [*LAUNCH, mode, *map(str, arguments), "--", *map(str, command)]


def numbers(signals):
    return ",".join(str(s) for s in sorted(signals)) or "none"


def from_host(binaries, signo):
    """The number the host must send for `signo` to arrive: qemu-user
    renumbers real-time signals sent from the host (n arrives as n-2)."""
    return signo + 2 if binaries.emulated and signo >= SIGRTMIN else signo


def scaled(binaries, native, emulated):
    return emulated if binaries.emulated else native


def require_root(what):
    if os.geteuid() != 0:
        unavailable(f"{what} needs root")


def signals_reported(app, prefix=""):
    """How many times each signal was reported by the processes whose lines
    start with `prefix` ("" for the application, "grandchild ")."""
    pattern = re.compile(rf"{prefix}signal (\d+)")
    counts = {}
    for line in app.lines:
        match = pattern.fullmatch(line)
        if match:
            counts[int(match.group(1))] = counts.get(int(match.group(1)), 0) + 1
    return counts


# ---- the signal storm ----

STORM_SIGNALS = 100_000
# Standard signals (which coalesce while pending), real-time ones (which
# queue: none may be lost) and SIGCHLD, which pidone keeps for itself.
STORM_STANDARD = [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGPIPE,
                  signal.SIGALRM, signal.SIGTERM, signal.SIGCONT, signal.SIGURG, signal.SIGWINCH]
STORM_REALTIME = [SIGRTMIN + 1, SIGRTMIN + 16]
STORM_KINDS = [*STORM_STANDARD, *STORM_REALTIME, signal.SIGCHLD]
STORM_MARKER = SIGRTMIN + 20  # after the storm: queued behind everything before it
# Real-time signals queue against the user's RLIMIT_SIGPENDING, which every
# process of the user shares: keep the queues well under it.
STORM_CHECK_EVERY = 500


def pending_signals(pid):
    queued, limit = status_field(pid, "SigQ").split("/")
    return int(queued), int(limit)


def wait_for_queue_room(pidone, limit):
    wait_until(lambda: pending_signals(pidone)[0] < limit // 16, timeout=120, message="the signal queues to drain")


def send_storm(binaries, pidone, count):
    """Sends `count` signals of STORM_KINDS in turn; returns how many of each."""
    sent = {}
    for index in range(count):
        if index % STORM_CHECK_EVERY == 0:
            queued, limit = pending_signals(pidone)
            if queued > limit // 8:
                wait_for_queue_room(pidone, limit)
        signo = STORM_KINDS[index % len(STORM_KINDS)]
        while True:
            try:
                os.kill(pidone, from_host(binaries, signo))
                break
            except OSError as error:  # the queue is full after all: let it drain
                if error.errno != errno.EAGAIN:
                    raise
                wait_for_queue_room(pidone, limit)
        sent[signo] = sent.get(signo, 0) + 1
    return sent


def test_signal_storm_while_the_application_forks(binaries, as_pid1, capsys):
    """100,000 signals at pidone (PID 1, so that every orphan is its child,
    on both architectures) while the application's detached grandchild forks
    orphans (5,000; 300 under qemu-user). Started with every signal blocked,
    so the storm can begin at once: pidone and the application inherit the
    mask, and pidone blocks everything anyway."""
    orphans = scaled(binaries, 5000, 300)
    app_argv = binaries.app("spawn", "signals", "--", "spawn", "detach", "orphans", orphans, "--", "signals")
    command = as_pid1(binaries.pidone, "--grace", "0.5", *app_argv)
    with NamespaceApp(launch("signal-state", numbers(BLOCKABLE), "none", command=command)) as app:
        pidone = pidone_host_pid(app)
        assert not app.has_line(f"grandchild orphans {orphans}"), "the orphans were forked before the storm"
        started = time.monotonic()
        sent = send_storm(binaries, pidone, STORM_SIGNALS)
        os.kill(pidone, from_host(binaries, STORM_MARKER))
        app.wait_line(f"signal {STORM_MARKER}", timeout=180)
        app.wait_line(f"grandchild signal {STORM_MARKER}", timeout=180)
        app.wait_line(f"grandchild orphans {orphans}", timeout=180)
        with capsys.disabled():
            print(f"\n{binaries.arch}: {STORM_SIGNALS} signals sent and forwarded in "
                  f"{time.monotonic() - started:.1f} s while {orphans} orphans were forked and reaped")

        assert app.running and app.stderr.lines == [], "pidone complained or died"
        application, grandchild = signals_reported(app), signals_reported(app, "grandchild ")
        forwarded = [*STORM_STANDARD, *STORM_REALTIME]
        assert set(forwarded) <= set(application) and set(forwarded) <= set(grandchild)
        # The application existed before the first signal: it gets every
        # real-time one. Its grandchild was forked during the storm.
        for signo in STORM_REALTIME:
            assert application[signo] == sent[signo], (signo, application[signo], sent[signo])
            # The kernel gives a forked child none of its parent's pending
            # signals; qemu-user keeps guest signals pending in its own memory,
            # which fork() copies, so under it the grandchild may see more.
            if not binaries.emulated:
                assert grandchild[signo] <= sent[signo], (signo, grandchild[signo], sent[signo])
        # Every orphan reaped: the application is pidone's only child.
        only_child = wait_until(lambda: len(children_of(pidone)) == 1 and children_of(pidone)[0], timeout=60,
                                message="every orphan reaped")
        assert zombie_children(pidone) == []
        os.kill(only_child, signal.SIGKILL)
        assert app.wait(DEADLINE) == 128 + signal.SIGKILL


# ---- orphans as PID 1 ----

def orphans_chain(batches, per_batch):
    """testapp arguments: `batches` grandchildren, each forking `per_batch`
    orphans (in turn: each batch's zombies wait for their middle process,
    so they must fit in the pid space), then the application waits for
    SIGTERM and exits 7."""
    chain = []
    for _ in range(batches):
        chain += ["spawn", "orphans", per_batch, "--"]
    return [*chain, "slow-term", 0, 7]


def reap_orphans_as_pid1(binaries, as_pid1, batches, per_batch):
    """Runs the chain; returns pidone's VmHWM in kB once every orphan is reaped."""
    argv = as_pid1(binaries.pidone, *binaries.app(*orphans_chain(batches, per_batch)))
    with NamespaceApp(argv) as app:
        app.ready(timeout=300)
        assert len([l for l in app.lines if l == f"grandchild orphans {per_batch}"]) == batches
        pidone = pidone_host_pid(app)
        wait_until(lambda: len(children_of(pidone)) == 1, timeout=120, message="every orphan reaped")
        assert zombie_children(pidone) == []
        high_water_mark = int(status_field(pidone, "VmHWM").split()[0])
        os.kill(pidone, signal.SIGTERM)
        assert app.wait(DEADLINE) == 7
        return high_water_mark


def test_hundred_thousand_orphans_reaped_as_pid1_in_constant_memory(binaries, as_pid1, capsys):
    """100,000 orphans (10,000 under qemu-user, which forks about 50 times
    slower) are reaped with no zombie left, and pidone's peak memory is the
    same as for a tenth of them. Under qemu-user, VmHWM is the emulator's:
    it may move by its own allocations, not by the count."""
    total = scaled(binaries, 100_000, 10_000)
    per_batch = scaled(binaries, 5000, 1000)
    small = reap_orphans_as_pid1(binaries, as_pid1, total // 10 // per_batch, per_batch)
    large = reap_orphans_as_pid1(binaries, as_pid1, total // per_batch, per_batch)
    tolerance_kb = scaled(binaries, 12, 128)  # 3 pages; qemu: its own heap
    with capsys.disabled():
        print(f"\n{binaries.arch}: orphans reaped as PID 1: VmHWM {small} kB after {total // 10}, "
              f"{large} kB after {total}")
    assert large <= small + tolerance_kb, f"VmHWM {small} kB for 10% of the orphans, {large} kB for all"


# ---- fork and exec failure ----

UNPRIVILEGED_UID = 61_734  # no other process runs as this uid


def test_fork_failure_exits_1_with_one_clear_line(binaries):
    """RLIMIT_NPROC as a user without privileges: pidone itself counts (and
    under qemu-user, so does the emulator's own thread)."""
    require_root("changing to another user")
    limit = scaled(binaries, 1, 2)
    result = run(["prlimit", f"--nproc={limit}", "setpriv", f"--reuid={UNPRIVILEGED_UID}",
                  f"--regid={UNPRIVILEGED_UID}", "--clear-groups", binaries.pidone, *binaries.app("exit", 0)])
    assert result.code == 1
    expected = f"[pidone] cannot start {binaries.testapp}: fork: Resource temporarily unavailable"
    assert result.stderr_lines == [expected]
    assert result.stdout == ""


# ---- odd start-up conditions ----

def comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


@pytest.mark.parametrize("app_args, expected", [
    (["exit", 4], 4),
    (["kill", 15], 143),
])
def test_closed_stdin_stdout_stderr_keep_the_status(binaries, app_args, expected):
    """With 0, 1 and 2 closed, every write (testapp's, pidone's -vvv debug
    lines) fails with EBADF, and nothing else changes."""
    result = run(launch("closed-stdio", command=[binaries.pidone, "-vvv", *binaries.app(*app_args)]))
    assert (result.code, result.stdout, result.stderr) == (expected, "", "")


def test_closed_stdio_exec_failure_is_still_127(binaries, tmp_path):
    result = run(launch("closed-stdio", command=[binaries.pidone, tmp_path / "missing"]))
    assert result.code == 127


def test_closed_stdio_pidone_still_forwards(binaries):
    """The application cannot print either: readiness is its name in /proc.
    SIGTERM is rewritten to SIGUSR1, so the status tells who died of what:
    138 if the application got SIGUSR1, 143 if pidone itself died."""
    command = [binaries.pidone, "-r", "TERM:USR1", *binaries.app("sleep")]
    with App(launch("closed-stdio", command=command)) as app:
        wait_until(lambda: any(comm(child) == "testapp" for child in children_of(app.pid)),
                   message="the application started")
        app.signal(signal.SIGTERM)
        assert app.wait() == 128 + signal.SIGUSR1


def test_empty_environment(binaries):
    """No PATH: pidone looks in /usr/local/bin:/bin:/usr/bin, finds env, and
    env prints the empty environment it was given."""
    result = run([binaries.pidone, "env"], env={})
    assert (result.code, result.stdout, result.stderr) == (0, "", "")
    result = run([binaries.pidone, *binaries.app("env", "PATH")], env={})
    assert (result.code, result.stdout_lines) == (0, ["env PATH unset"])


MIB = 1 << 20


def test_one_mebibyte_of_arguments_reaches_the_application(binaries):
    words = [f"{i:05d}".ljust(255, "x") for i in range(MIB // 256)]  # 256 bytes each with the NUL
    digest = ("import sys, hashlib; words = [w.encode() for w in sys.argv[1:]]; "
              "print(len(words), hashlib.sha256(b'\\0'.join(words)).hexdigest())")
    result = run([binaries.pidone, "/usr/bin/python3", "-c", digest, *words], timeout=60)
    expected = hashlib.sha256(b"\0".join(w.encode() for w in words)).hexdigest()
    assert (result.code, result.stdout_lines, result.stderr) == (0, [f"{len(words)} {expected}"], "")


def test_one_mebibyte_of_options(binaries):
    options = ["--remap-exit=7"] * (MIB // len("--remap-exit=7"))
    result = run([binaries.pidone, *options, *binaries.app("exit", 7)], timeout=60)
    assert (result.code, result.stderr) == (0, "")


# ---- inherited signal state ----

def inherited_state(binaries):
    """Signals blocked and ignored in pidone's parent. Under qemu-user only
    standard signals, and no ignored ones but SIGCHLD (pidone sets that one
    itself): the emulator renumbers real-time signals and loses inherited
    SIG_IGN across an emulated exec (both checked natively)."""
    if binaries.emulated:
        return {signal.SIGHUP, signal.SIGUSR1, signal.SIGWINCH}, {signal.SIGCHLD}
    blocked = {signal.SIGHUP, signal.SIGUSR1, signal.SIGWINCH, SIGRTMIN, SIGRTMIN + 1, SIGRTMIN + 16, 64}
    ignored = {signal.SIGINT, signal.SIGUSR2, signal.SIGPIPE, signal.SIGCHLD, SIGRTMIN + 2, SIGRTMIN + 20}
    return blocked, ignored


def test_application_inherits_exactly_the_mask_and_ignored_signals(binaries):
    blocked, ignored = inherited_state(binaries)
    command = [binaries.pidone, *binaries.app("mask")]
    result = run(launch("signal-state", numbers(blocked), numbers(ignored), command=command))
    assert result.code == 0, result.stderr
    assert result.stdout_lines == [f"blocked {numbers(blocked)}", f"ignored {numbers(ignored)}"]


def test_pidone_forwards_signals_it_inherited_blocked_or_ignored(binaries):
    blocked, ignored = inherited_state(binaries)
    command = [binaries.pidone, *binaries.app("signals")]
    with App(launch("signal-state", numbers(blocked), numbers(ignored), command=command)) as app:
        app.ready()
        for signo in sorted((blocked | ignored) - {signal.SIGCHLD}):
            os.kill(app.pid, from_host(binaries, signo))
            app.wait_line(f"signal {signo}")


# ---- the parent of a pidone that is not PID 1 dies ----

def under_dying_parent(binaries, *pidone_options):
    return App(launch("dying-parent", command=[binaries.pidone, *pidone_options, *binaries.app("slow-term", 0, 5)]))


def kill_parent(app):
    """Kills pidone's parent once the application is ready; returns pidone's pid."""
    app.ready()
    parent, pidone = map(int, app.wait_line(re.compile(r"parent \d+ \d+")).split()[1:])
    os.kill(parent, signal.SIGKILL)
    app.wait_line("parent gone")
    return pidone


def test_parent_death_delivers_the_pdeathsig_to_the_application(binaries):
    with under_dying_parent(binaries, "-p", "TERM") as app:
        kill_parent(app)
        app.wait_line("signal 15")
        app.wait_line("command exited 5")
        assert app.wait() == 5


def test_without_pdeathsig_pidone_keeps_supervising_after_its_parent_dies(binaries):
    with under_dying_parent(binaries) as app:
        pidone = kill_parent(app)
        assert process_state(pidone) in ("R", "S")
        os.kill(pidone, signal.SIGUSR1)
        app.wait_line(f"signal {signal.SIGUSR1}")
        assert not app.has_line("signal 15")
        os.kill(pidone, signal.SIGTERM)
        app.wait_line("command exited 5")
        assert app.wait() == 5


# ---- --grace and process groups that left the application's ----

ESCAPED_GROUPS = ["spawn", "detach", "ignore-term", "--", "spawn", "detach", "slow-term", 30, "--", "exit", 3]
GRACE = 1.0
LATE = 5.0  # generous: a loaded machine, or qemu-user


def escaped_pids(app):
    """Pids of the two sessions of ESCAPED_GROUPS, once both are ready."""
    def ready_lines():
        lines = [line for line in app.lines if line.startswith("grandchild ready ")]
        return len(lines) == 2 and lines
    return [int(line.split()[2]) for line in wait_until(ready_lines, message="two escaped sessions")]


def test_nothing_survives_the_grace_deadline(binaries):
    """The application starts two sessions of their own (one ignores
    SIGTERM, one handles it for 30 s) and exits: both are re-parented to
    pidone, which SIGTERMs them, SIGKILLs them at the deadline and reaps
    them."""
    binaries.skip_if_emulated(QEMU_NO_SUBREAPER)
    with App([binaries.pidone, "--grace", GRACE, *binaries.app(*ESCAPED_GROUPS)]) as app:
        escaped = escaped_pids(app)
        assert app.wait(GRACE + LATE) == 3
        assert GRACE <= app.elapsed
        assert app.has_line(f"grandchild signal {signal.SIGTERM}")
        assert not app.has_line("grandchild term-handled")
        for pid in escaped:
            assert process_gone(pid), f"{pid} survived the deadline"


def test_nothing_survives_the_grace_deadline_as_pid1(binaries, as_pid1):
    """The same as PID 1 (on both architectures: no subreaper needed), where
    pidone reaches them with kill(-1)."""
    with NamespaceApp(as_pid1(binaries.pidone, "--grace", GRACE, *binaries.app(*ESCAPED_GROUPS))) as app:
        escaped_pids(app)
        assert app.wait(GRACE + LATE) == 3
        assert GRACE <= app.elapsed
        assert app.has_line(f"grandchild signal {signal.SIGTERM}")
        assert not app.has_line("grandchild term-handled")
