"""Pseudo-terminals for the terminal tests: processes get the slave side as
stdin, stdout and stderr (and as controlling terminal, through
`setsid --ctty`); the test reads their output and types into the master."""

import os
import sys
import termios
from pathlib import Path

from harness import App

JOB_SHELL = Path(__file__).resolve().parent / "job_shell.py"


class Terminal:
    """One pseudo-terminal, for one App."""

    def __init__(self):
        self.master, self._slave = os.openpty()
        attributes = termios.tcgetattr(self._slave)
        attributes[3] &= ~termios.ECHO  # typed control characters stay out of the output
        attributes[3] |= termios.ISIG
        termios.tcsetattr(self._slave, termios.TCSANOW, attributes)
        self._control = attributes[6]

    def start(self, argv):
        """Starts argv as the session leader of a new session whose
        controlling terminal is this one; the App reads the terminal."""
        app = App(["setsid", "--ctty", *argv], stdin=self._slave, stdout=self._slave,
                  stderr=self._slave, output_fd=self.master)
        os.close(self._slave)  # the master reports EOF once the processes are gone
        return app

    def start_job(self, argv):
        """Starts argv as the foreground job of a shell-like session leader."""
        return self.start([sys.executable, JOB_SHELL, *argv])

    def type_control(self, index):
        os.write(self.master, self._control[index])

    def interrupt(self):
        """Types the interrupt character (^C)."""
        self.type_control(termios.VINTR)

    def suspend(self):
        """Types the suspend character (^Z)."""
        self.type_control(termios.VSUSP)
