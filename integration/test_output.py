"""Where pidone writes: --version, --help and --license on stdout with exit
0; every message of its own on stderr, starting with `[pidone] `."""

import os
import re

import pytest

from harness import App, run

VERSION = re.compile(r"pidone version 1\.0\.0 - git\.([0-9a-f]{7}|unknown)")
OPTIONS = ["--single-child", "--rewrite", "--subreaper", "--pdeathsig", "--remap-exit",
           "--warn-reap", "--grace", "--verbose", "--version", "--help", "--license", "-g"]


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_one_line_on_stdout(binaries, flag):
    result = run([binaries.pidone, flag])
    assert result.code == 0
    assert len(result.stdout_lines) == 1 and VERSION.fullmatch(result.stdout_lines[0]), result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_on_stdout_and_names_every_option(binaries, flag):
    result = run([binaries.pidone, flag])
    assert result.code == 0 and result.stderr == ""
    assert result.stdout.startswith("Usage: pidone")
    for option in OPTIONS:
        assert option in result.stdout, option


@pytest.mark.parametrize("flag", ["--license", "-l"])
def test_license_is_on_stdout(binaries, flag):
    result = run([binaries.pidone, flag])
    assert result.code == 0 and result.stderr == ""
    assert "license" in result.stdout.lower() and len(result.stdout_lines) > 3


def test_all_own_messages_go_to_stderr_with_prefix(binaries):
    """A busy verbose run: stdout carries only the application's lines."""
    with App([binaries.pidone, "-vvv", "-w", *binaries.app("orphans", 3)]) as app:
        child = app.ready()
        for signo in (10, 12, 15, 28):
            app.signal(signo)
            app.wait_line(f"signal {signo}")
        os.kill(child.pid, 9)
        assert app.wait_exited() == 137
    own = app.stderr.lines
    assert own and all(line.startswith("[pidone] ") for line in own), own
    assert all(not line.startswith("[pidone]") for line in app.lines)


def test_usage_error_goes_to_stderr_only(binaries):
    result = run([binaries.pidone, "--no-such-option"])
    assert result.code == 1 and result.stdout == ""
    assert result.stderr_lines and all(l.startswith("[pidone] ") for l in result.stderr_lines)
