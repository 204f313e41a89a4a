"""Process harness shared by every integration test module (plain, Docker,
micro-VM): start a command whose output carries testapp's lines, wait for
lines with deadlines, send signals, collect the exit status, and clean up
every process it saw. Also small /proc readers and `wait_until`.

testapp's output lines are documented at the top of testapp/testapp.cpp.
"""

import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

# Deadlines: short for what must happen, generous for what may be slow on a
# loaded 2-core machine or under qemu-user. A test waiting on a deadline
# returns as soon as the condition holds, so generous ones cost nothing.
DEADLINE = 20.0

SIGRTMIN = 34  # the kernel's numbering (libcs reserve some: musl 32..34)
SIGRTMAX = 64


def wait_until(predicate, timeout=DEADLINE, interval=0.01, message=None):
    """Polls predicate() until it returns a true value, which is returned.
    Fails the test with `message` (or the predicate's name) at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            what = message or getattr(predicate, "__name__", "condition")
            raise AssertionError(f"timed out after {timeout:g} s waiting for: {what}")
        time.sleep(interval)


@dataclass(frozen=True)
class Ready:
    """Fields of testapp's `ready <pid> <ppid> <pgid> <sid>` line."""

    pid: int
    ppid: int
    pgid: int
    sid: int


def _matcher(match):
    if callable(match):
        return match
    if isinstance(match, re.Pattern):
        return lambda line: match.fullmatch(line) is not None
    return lambda line: line == match


class LineLog:
    """Lines read from a file descriptor by a background thread, which owns
    the descriptor and closes it at end of file (closing it elsewhere while
    the thread may still read would let it read a reused descriptor)."""

    def __init__(self, fd, name):
        self.name = name
        self._fd = fd
        self._lines = []
        self._partial = b""
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, name=f"read {name}", daemon=True)
        self._thread.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:  # EIO: the last process holding a pty slave is gone
                chunk = b""
            with self._changed:
                if not chunk:
                    os.close(self._fd)
                    if self._partial:
                        self._lines.append(self._partial.decode(errors="replace").rstrip("\r"))
                    self._closed = True
                    self._changed.notify_all()
                    return
                pieces = (self._partial + chunk).split(b"\n")
                self._partial = pieces.pop()
                self._lines.extend(p.decode(errors="replace").rstrip("\r") for p in pieces)
                self._changed.notify_all()

    @property
    def lines(self):
        with self._changed:
            return list(self._lines)

    @property
    def closed(self):
        with self._changed:
            return self._closed

    def find(self, match, start=0):
        """Index of the first line at or after `start` that matches, or None."""
        matches = _matcher(match)
        with self._changed:
            for index in range(start, len(self._lines)):
                if matches(self._lines[index]):
                    return index
        return None

    def wait_for(self, match, timeout=DEADLINE, start=0):
        """Waits for a line that matches (an exact string, a compiled regex
        that must match the whole line, or a predicate) and returns it."""
        matches = _matcher(match)
        deadline = time.monotonic() + timeout
        with self._changed:
            index = start
            while True:
                while index < len(self._lines):
                    if matches(self._lines[index]):
                        return self._lines[index]
                    index += 1
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    state = "closed" if self._closed else f"{timeout:g} s passed"
                    raise AssertionError(
                        f"no line matching {match!r} on {self.name} ({state}); lines: {self._lines!r}")
                self._changed.wait(left)

    def wait_closed(self, timeout=DEADLINE):
        with self._changed:
            if not self._changed.wait_for(lambda: self._closed, timeout):
                raise AssertionError(f"{self.name} still open after {timeout:g} s")

    def join(self, timeout=DEADLINE):
        self._thread.join(timeout)


class App:
    """A running command (usually pidone with testapp) and its output.

    stdout (and stderr, unless merged) are read into LineLogs. close()
    SIGKILLs the command and all its descendants, then every pid seen in
    testapp's `ready`, `grandchild ready` and `orphan` lines (which may have
    left the tree) if that pid is a testapp started since: pids of another
    PID namespace are never the host's processes; give kill_reported=False,
    or override seen_pids, for those.
    """

    _PID_LINES = re.compile(r"(?:grandchild )?(?:ready|orphan) (\d+)\b.*")

    def __init__(self, argv, *, env=None, cwd=None, stdin=subprocess.DEVNULL,
                 stdout=None, stderr=None, output_fd=None, extra_env=None, kill_reported=True):
        """With `output_fd` (for example a pty master, which then belongs to
        the App), lines are read from it and stdout/stderr must be given;
        otherwise both are pipes."""
        if extra_env is not None:
            env = dict(os.environ if env is None else env, **extra_env)
        self.argv = [str(a) for a in argv]
        self._started_since_boot = time.clock_gettime(time.CLOCK_BOOTTIME)  # as /proc/PID/stat counts
        if output_fd is None:
            stdout_reader, stdout = os.pipe2(os.O_CLOEXEC)
            stderr_reader, stderr = os.pipe2(os.O_CLOEXEC)
        try:
            self.process = subprocess.Popen(self.argv, env=env, cwd=cwd, stdin=stdin,
                                            stdout=stdout, stderr=stderr)
        finally:
            if output_fd is None:
                os.close(stdout)
                os.close(stderr)
        self.started = time.monotonic()
        self._kill_reported = kill_reported
        self.ended = None
        self._pidfd = os.pidfd_open(self.process.pid)
        if output_fd is None:
            self.stdout = LineLog(stdout_reader, "stdout")
            self.stderr = LineLog(stderr_reader, "stderr")
        else:
            self.stdout = self.stderr = LineLog(output_fd, "terminal")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def pid(self):
        return self.process.pid

    @property
    def lines(self):
        return self.stdout.lines

    def wait_line(self, match, timeout=DEADLINE, start=0):
        return self.stdout.wait_for(match, timeout, start)

    def has_line(self, match):
        return self.stdout.find(match) is not None

    def ready(self, who="", timeout=DEADLINE):
        """Waits for testapp's ready line (who="grandchild" for spawn's)."""
        prefix = f"{who} ready " if who else "ready "
        line = self.wait_line(lambda l: l.startswith(prefix), timeout)
        return Ready(*(int(field) for field in line[len(prefix):].split()))

    def signal(self, signo):
        """Sends a signal to the command's process (pidone)."""
        signal.pidfd_send_signal(self._pidfd, signo)

    def wait(self, timeout=DEADLINE):
        """Waits for the command to exit; returns its status like a shell does
        (128+N when a signal killed it)."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.argv} still running after {timeout:g} s; stdout {self.stdout.lines!r}, "
                f"stderr {self.stderr.lines!r}") from None
        if self.ended is None:
            self.ended = time.monotonic()
        return 128 - code if code < 0 else code

    def wait_exited(self, timeout=DEADLINE):
        """wait() and also the end of its output (so all lines are read)."""
        code = self.wait(timeout)
        if self.stdout is not self.stderr:
            self.stdout.join(timeout)
            self.stderr.join(timeout)
        return code

    @property
    def running(self):
        return self.process.poll() is None

    @property
    def elapsed(self):
        """Seconds from start to exit, as seen by wait()."""
        return (self.ended or time.monotonic()) - self.started

    def seen_pids(self):
        pids = []
        for line in self.stdout.lines:
            match = self._PID_LINES.fullmatch(line)
            if match:
                pids.append(int(match.group(1)))
        return pids

    def _is_our_testapp(self, pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read()
            with open(f"/proc/{pid}/stat") as f:
                ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        except (OSError, IndexError, ValueError):
            return False
        started = ticks / os.sysconf("SC_CLK_TCK")
        return b"testapp" in command and started >= self._started_since_boot - 0.1

    def close(self):
        """Kills the command, its descendants and the testapps it reported."""
        tree = descendants(self.pid)
        kill_quietly(self.pid, signal.SIGKILL)
        for pid in tree:
            kill_quietly(pid, signal.SIGKILL)
        if self._kill_reported:
            for pid in self.seen_pids():
                if self._is_our_testapp(pid):
                    kill_quietly(pid, signal.SIGKILL)
        try:
            self.process.wait(DEADLINE)
        finally:
            os.close(self._pidfd)


def kill_quietly(pid, signo):
    """kill() that ignores processes that are already gone."""
    try:
        os.kill(pid, signo)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str
    elapsed: float

    @property
    def stdout_lines(self):
        return self.stdout.splitlines()

    @property
    def stderr_lines(self):
        return self.stderr.splitlines()


def run(argv, timeout=DEADLINE, **kwargs):
    """Runs a command to completion; status like a shell's (128+N)."""
    started = time.monotonic()
    try:
        done = subprocess.run([str(a) for a in argv], capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, **kwargs)
    except subprocess.TimeoutExpired as expired:
        raise AssertionError(f"{argv} still running after {timeout:g} s") from expired
    code = done.returncode
    return Result(128 - code if code < 0 else code, done.stdout.decode(errors="replace"),
                  done.stderr.decode(errors="replace"), time.monotonic() - started)


# ---- /proc readers (host view) ----

def proc_stat(pid):
    """(state letter, ppid, pgid, sid) from /proc/<pid>/stat, or None when gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2]), int(fields[3])


def process_state(pid):
    """R, S, T, Z, ... or None when the process no longer exists."""
    stat = proc_stat(pid)
    return stat[0] if stat else None


def process_gone(pid):
    """True once the pid is no longer a process (reaped)."""
    return process_state(pid) is None


def is_stopped(pid):
    return process_state(pid) in ("T", "t")


def is_running_or_sleeping(pid):
    return process_state(pid) in ("R", "S", "D")


def children_of(pid):
    """Host pids of the direct children of process `pid` (of all its threads)."""
    children = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return children
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children") as f:
                children.extend(int(child) for child in f.read().split())
        except FileNotFoundError:
            pass
    return children


def descendants(pid):
    """Host pids of every process below `pid` (children first)."""
    found = []
    pending = children_of(pid)
    while pending:
        child = pending.pop(0)
        found.append(child)
        pending.extend(children_of(child))
    return found


def zombie_children(pid):
    return [child for child in children_of(pid) if process_state(child) == "Z"]


def status_field(pid, name):
    """A field of /proc/<pid>/status, as text (e.g. 'voluntary_ctxt_switches')."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key == name:
                return value.strip()
    raise KeyError(name)


def context_switches(pid):
    return (int(status_field(pid, "voluntary_ctxt_switches"))
            + int(status_field(pid, "nonvoluntary_ctxt_switches")))


def working_directory(pid):
    return os.readlink(f"/proc/{pid}/cwd")
