"""The static x86_64 pidone under valgrind's memcheck in a few scenarios:
no invalid access, no use of an uninitialised value (in memory or in a
system call's arguments), and the status and behaviour of a plain run.

--trace-children=no: the application runs natively once pidone's child has
exec'ed it; until then the child (and its exec failure) is checked too.
pidone makes no heap allocation, so there is no leak to look for.
"""

import os
import re
import shutil
import signal

import pytest

from binaries import arch_problem, binaries_for, missing_binaries, unavailable
from harness import App, children_of, process_gone, run, wait_until

VALGRIND = ["valgrind", "--error-exitcode=1", "--trace-children=no"]
# Generous: valgrind takes a while to start, more on a loaded machine.
SLOW = 60.0
SUMMARY = re.compile(r"==\d+== ERROR SUMMARY: (\d+) errors")


@pytest.fixture(scope="module")
def binaries():
    """Only the x86_64 binaries: valgrind runs natively."""
    if shutil.which("valgrind") is None:
        unavailable("valgrind is not installed")
    x86_64 = binaries_for("x86_64")
    problem = arch_problem("x86_64") or missing_binaries(x86_64)
    if problem:
        unavailable(problem)
    return x86_64


def under_valgrind(binaries, *pidone_args):
    return [*VALGRIND, binaries.pidone, *pidone_args]


def pidone_lines(stderr_lines):
    """stderr without valgrind's own lines."""
    return [line for line in stderr_lines if not line.startswith("==")]


def assert_clean(stderr_lines):
    """Every process valgrind watched (pidone, and its child until exec)
    reported no error."""
    summaries = [SUMMARY.match(line) for line in stderr_lines]
    counts = [int(match.group(1)) for match in summaries if match]
    assert counts and all(count == 0 for count in counts), "\n".join(stderr_lines)


@pytest.mark.parametrize("pidone_args, expected_code, expected_stdout, expected_stderr", [
    (["@app", "exit", "3"], 3, [], []),
    (["-vvv", "-e", "143", "@app", "kill", "15"], 0, [], None),
    (["/nonexistent/program"], 127, [], ["[pidone] /nonexistent/program: No such file or directory"]),
    (["--grace", "x", "@app", "exit", "0"], 1,
     [], ["[pidone] --grace: 'x' is not a number of seconds (0 to 1000000, fractions allowed)"]),
    (["--version"], 0, None, []),
], ids=["exit-status", "verbose-remap", "exec-failure", "usage-error", "version"])
def test_one_shot_runs_are_clean(binaries, pidone_args, expected_code, expected_stdout, expected_stderr):
    args = [arg for word in pidone_args for arg in (binaries.app() if word == "@app" else [word])]
    result = run(under_valgrind(binaries, *args), timeout=SLOW)
    assert_clean(result.stderr_lines)
    assert result.code == expected_code
    if expected_stdout is not None:
        assert result.stdout_lines == expected_stdout
    if expected_stderr is not None:
        assert pidone_lines(result.stderr_lines) == expected_stderr


def test_forwarding_and_status_are_clean(binaries):
    with App(under_valgrind(binaries, "-v", *binaries.app("slow-term", 0, 7))) as app:
        app.ready(timeout=SLOW)
        for signo in (signal.SIGHUP, signal.SIGUSR1, 40):
            app.signal(signo)
            app.wait_line(f"signal {signo}")
        app.signal(signal.SIGTERM)
        assert app.wait(SLOW) == 7
        app.stderr.wait_closed()
        assert_clean(app.stderr.lines)


def test_reaping_orphans_is_clean(binaries):
    with App(under_valgrind(binaries, *binaries.app("orphans", 200))) as app:
        app.ready(timeout=SLOW)
        application = wait_until(lambda: len(children_of(app.pid)) == 1 and children_of(app.pid)[0], timeout=SLOW,
                                 message="every orphan reaped")
        app.signal(signal.SIGTERM)
        app.wait_line(f"signal {signal.SIGTERM}")
        os.kill(application, signal.SIGKILL)
        assert app.wait(SLOW) == 128 + signal.SIGKILL
        app.stderr.wait_closed()
        assert_clean(app.stderr.lines)


def test_grace_scan_of_proc_is_clean(binaries):
    """--grace reads /proc (getdents64, /proc/PID/stat) to find a session
    that left the application's group."""
    argv = binaries.app("spawn", "detach", "ignore-term", "--", "exit", 4)
    with App(under_valgrind(binaries, "--grace", "0.5", *argv)) as app:
        escaped = app.ready("grandchild", timeout=SLOW)
        assert app.wait(SLOW) == 4
        assert process_gone(escaped.pid)
        app.stderr.wait_closed()
        assert_clean(app.stderr.lines)
