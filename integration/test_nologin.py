"""nologin prints the standard refusal (or /etc/nologin.txt) on stdout and
exits 1, whatever its arguments and environment. Each run gets an /etc of its
own (a tmpfs in a private mount namespace), so the host's files do not
matter."""

import functools
import subprocess

import pytest

from binaries import unavailable
from harness import run

REFUSAL = "This account is currently not available.\n"
PRIVATE_ETC = ('mount -t tmpfs tmpfs /etc && '
               '{ [ -z "$NOLOGIN_TXT" ] || printf %s "$NOLOGIN_TXT" > /etc/nologin.txt; } && exec "$@"')


@functools.cache
def mount_namespace_problem():
    done = subprocess.run(["unshare", "--mount", "true"], capture_output=True, text=True)
    return None if done.returncode == 0 else f"no private mount namespace here: {done.stderr.strip()}"


def run_nologin(binaries, *args, nologin_txt="", env=None):
    if mount_namespace_problem():
        unavailable(mount_namespace_problem())
    environment = {"PATH": "/usr/bin:/bin", "NOLOGIN_TXT": nologin_txt, **(env or {})}
    return run(["unshare", "--mount", "sh", "-c", PRIVATE_ETC, "sh", binaries.nologin, *args],
               env=environment)


@pytest.mark.parametrize("args", [[], ["-c", "ls"], ["--help"], ["user", "extra", "args"]])
def test_nologin_refuses_with_the_standard_message(binaries, args):
    result = run_nologin(binaries, *args)
    assert (result.code, result.stdout, result.stderr) == (1, REFUSAL, "")


def test_nologin_ignores_its_environment(binaries):
    result = run_nologin(binaries, env={"SHELL": "/bin/sh", "LANG": "C.UTF-8", "HOME": "/"})
    assert (result.code, result.stdout) == (1, REFUSAL)


def test_nologin_prints_etc_nologin_txt_when_present(binaries):
    text = "Maintenance until noon.\nTry again later.\n"
    result = run_nologin(binaries, nologin_txt=text)
    assert (result.code, result.stdout) == (1, text)
