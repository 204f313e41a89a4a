"""A shell-like session leader for the terminal tests, started on a
pseudo-terminal as its controlling terminal (`setsid --ctty`):

    python3 job_shell.py COMMAND [ARG...]

runs COMMAND as the foreground job, in a process group of its own, prints
`job stopped <signal>` and `job continued` when the job changes state, and
exits with the job's status, as an interactive shell would run it.
"""

import os
import signal
import sys


def start_foreground_job(command):
    # Ignored while the shell hands the terminal over from what becomes the
    # background (tcsetpgrp from a background group raises SIGTTOU).
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.tcsetpgrp(0, os.getpid())
        # exec keeps ignored signals ignored: give the job the defaults
        # (Python itself ignores SIGPIPE and SIGXFSZ).
        for signo in (signal.SIGTTOU, signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(signo, signal.SIG_DFL)
        os.execvp(command[0], command)
    try:
        os.setpgid(pid, pid)  # both sides do it, as shells do: no race
    except PermissionError:
        pass  # the job has already exec'ed (after its own setpgid)
    os.tcsetpgrp(0, pid)
    return pid


def main():
    pid = start_foreground_job(sys.argv[1:])
    while True:
        _, status = os.waitpid(pid, os.WUNTRACED | os.WCONTINUED)
        if os.WIFSTOPPED(status):
            print(f"job stopped {os.WSTOPSIG(status)}", flush=True)
        elif os.WIFCONTINUED(status):
            print("job continued", flush=True)
        else:
            code = os.waitstatus_to_exitcode(status)
            sys.exit(128 - code if code < 0 else code)


if __name__ == "__main__":
    main()
