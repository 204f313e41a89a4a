"""Starts a command (pidone, usually) in a state a test cannot set up with
subprocess alone. Run with /usr/bin/python3 (test_stress.py's launch()
builds its command lines).

  launch.py signal-state BLOCKED IGNORED -- COMMAND...
      Execs COMMAND with exactly the signal mask BLOCKED and exactly the
      signals IGNORED set to SIG_IGN (every other one SIG_DFL). Both are
      comma-separated numbers, or "none".

  launch.py closed-stdio -- COMMAND...
      Execs COMMAND with file descriptors 0, 1 and 2 closed.

  launch.py dying-parent -- COMMAND...
      Becomes a child subreaper and forks a "parent" process, which starts
      COMMAND and prints `parent <parent pid> <command pid>`. The test then
      kills the parent; COMMAND is re-parented to this process, which prints
      `parent gone`, waits for COMMAND, prints `command exited <status>` and
      exits with that status (128+N after signal N).
"""

import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36
# Every signal a process can block or ignore, but glibc's 32 and 33 (Python
# cannot change those).
BLOCKABLE = [s for s in range(1, 65) if s not in (signal.SIGKILL, signal.SIGSTOP, 32, 33)]


def signal_list(text):
    return set() if text == "none" else {int(n) for n in text.split(",")}


def exec_with_signal_state(blocked, ignored, command):
    """Python itself ignores SIGPIPE and SIGXFSZ: every disposition is set."""
    for signo in BLOCKABLE:
        signal.signal(signo, signal.SIG_IGN if signo in ignored else signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    os.execvp(command[0], command)


def exec_plainly(command):
    exec_with_signal_state(set(), set(), command)


def exec_with_closed_stdio(command):
    os.closerange(0, 3)
    exec_plainly(command)


def status_code(status):
    return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def say(line):
    os.write(1, (line + "\n").encode())


def run_under_dying_parent(command):
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit(f"launch.py: prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")
    read_end, write_end = os.pipe()
    parent = os.fork()
    if parent == 0:
        os.close(read_end)
        child = os.fork()
        if child == 0:
            os.close(write_end)
            exec_plainly(command)
        os.write(write_end, str(child).encode())
        os.close(write_end)
        say(f"parent {os.getpid()} {child}")
        while True:
            signal.pause()
    os.close(write_end)
    child = int(os.read(read_end, 32))
    os.waitpid(parent, 0)
    say("parent gone")
    while True:  # COMMAND is ours now, and so is any orphan it leaves
        pid, status = os.wait()
        if pid == child:
            say(f"command exited {status_code(status)}")
            sys.exit(status_code(status))


def main(argv):
    mode, rest = argv[0], argv[1:]
    separator = rest.index("--")
    arguments, command = rest[:separator], rest[separator + 1:]
    if mode == "signal-state":
        blocked, ignored = arguments
        exec_with_signal_state(signal_list(blocked), signal_list(ignored), command)
    elif mode == "closed-stdio":
        exec_with_closed_stdio(command)
    elif mode == "dying-parent":
        run_under_dying_parent(command)
    sys.exit(f"launch.py: unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
