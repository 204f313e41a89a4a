"""pidone's exit status: the application's code, 128+N for a death by signal
N, 127/126 for exec failures, and 1 with one clear stderr line for every
kind of bad command line or environment value."""

import os

import pytest

from harness import run

CODES = [0, 1, 2, 3, 42, 100, 126, 127, 128, 129, 200, 254, 255]
DEATHS = {"SIGTERM": 15, "SIGKILL": 9, "SIGSEGV": 11, "SIGABRT": 6, "SIGUSR1": 10}


def run_pidone(binaries, *args, env=None):
    return run([binaries.pidone, *args], env=env)


@pytest.mark.parametrize("code", CODES)
def test_exit_code_of_the_application_is_pidones(binaries, code):
    result = run_pidone(binaries, *binaries.app("exit", code))
    assert result.code == code
    assert result.stdout == "" and result.stderr == ""


@pytest.mark.parametrize("name", DEATHS)
def test_death_by_signal_gives_128_plus_n(binaries, name):
    result = run_pidone(binaries, *binaries.app("kill", DEATHS[name]))
    assert result.code == 128 + DEATHS[name]


def test_exec_failure_not_found_is_127_with_one_line(binaries, tmp_path):
    missing = tmp_path / "no-such-program"
    result = run_pidone(binaries, missing, "arg")
    assert result.code == 127
    assert result.stderr_lines == [f"[pidone] {missing}: No such file or directory"]
    assert result.stdout == ""


def test_exec_failure_command_not_on_path_is_127(binaries, tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))
    result = run_pidone(binaries, "pidone-test-no-such-command", env=env)
    assert result.code == 127
    assert result.stderr_lines == ["[pidone] pidone-test-no-such-command: No such file or directory"]


def test_exec_failure_not_executable_is_126_with_one_line(binaries, tmp_path):
    script = tmp_path / "not-executable"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o644)
    result = run_pidone(binaries, script)
    assert result.code == 126
    assert result.stderr_lines == [f"[pidone] {script}: Permission denied"]
    assert result.stdout == ""


def test_exec_failure_of_a_directory_is_126(binaries, tmp_path):
    result = run_pidone(binaries, tmp_path)
    assert result.code == 126
    assert result.stderr_lines == [f"[pidone] {tmp_path}: Permission denied"]


def assert_usage_error(result, *mentioned):
    """Exit 1, nothing on stdout, one `[pidone] ` line naming the culprit."""
    assert result.code == 1, result
    assert result.stdout == ""
    assert len(result.stderr_lines) == 1, result.stderr
    line = result.stderr_lines[0]
    assert line.startswith("[pidone] ")
    for word in mentioned:
        assert word.lower() in line.lower(), line


BAD_COMMAND_LINES = {
    "no command": ([], []),
    "only options": (["-c", "-v"], []),
    "only the separator": (["--"], []),
    "unknown short option": (["-x", "true"], ["-x"]),
    "unknown long option": (["--bogus", "true"], ["--bogus"]),
    "missing rewrite argument": (["-r"], ["-r"]),
    "missing grace argument": (["--grace"], ["--grace"]),
    "missing pdeathsig argument": (["-p"], ["-p"]),
    "missing remap argument": (["-e"], ["-e"]),
    "rewrite without colon": (["-r", "15", "true"], ["15"]),
    "rewrite without replacement": (["-r", "15:", "true"], ["-r"]),
    "rewrite of signal 0": (["-r", "0:15", "true"], ["-r"]),
    "rewrite of signal 65": (["-r", "65:15", "true"], ["65"]),
    "rewrite to signal 65": (["-r", "15:65", "true"], ["65"]),
    "rewrite of unknown name": (["-r", "NOPE:TERM", "true"], ["NOPE"]),
    "rewrite to unknown name": (["--rewrite", "TERM:SIGNOPE", "true"], ["SIGNOPE"]),
    "rewrite beyond RTMAX": (["-r", "RTMAX+1:TERM", "true"], ["RTMAX+1"]),
    "remap of 256": (["-e", "256", "true"], ["256"]),
    "remap of -1": (["-e", "-1", "true"], ["-1"]),
    "remap of a word": (["--remap-exit", "zero", "true"], ["zero"]),
    "pdeathsig unknown": (["-p", "NOPE", "true"], ["NOPE"]),
    "pdeathsig 65": (["--pdeathsig", "65", "true"], ["65"]),
    "negative grace": (["--grace", "-1", "true"], ["-1"]),
    "non-numeric grace": (["--grace", "abc", "true"], ["abc"]),
}


@pytest.mark.parametrize("case", BAD_COMMAND_LINES)
def test_bad_command_line_exits_1_with_one_clear_line(binaries, case):
    args, mentioned = BAD_COMMAND_LINES[case]
    assert_usage_error(run_pidone(binaries, *args), *mentioned)


BAD_ENVIRONMENT = {
    "PIDONE_SINGLE_CHILD": "maybe",
    "PIDONE_PAUSE": "on",
    "PIDONE_REWRITE": "15",
    "PIDONE_GRACE": "-2",
    "PIDONE_VERBOSE": "x",
    "PIDONE_SUBREAPER": "2",
    "PIDONE_PDEATHSIG": "NOPE",
    "PIDONE_REMAP_EXIT": "3,256",
}


@pytest.mark.parametrize("variable", BAD_ENVIRONMENT)
def test_bad_environment_value_exits_1_naming_the_variable(binaries, variable):
    env = dict(os.environ, **{variable: BAD_ENVIRONMENT[variable]})
    assert_usage_error(run_pidone(binaries, *binaries.app("exit", 0), env=env), variable)


# Values the peers accept (they read them their own way): pidone warns and
# carries on, so a container that ran under dumb-init or tini still starts.
PEER_TYPOS = {
    "DUMB_INIT_SETSID": "2",
    "DUMB_INIT_DEBUG": "yes",
    "TINI_VERBOSITY": "loud",
}


@pytest.mark.parametrize("variable", PEER_TYPOS)
def test_peer_variable_typo_warns_once_and_runs_the_command(binaries, variable):
    env = dict(os.environ, **{variable: PEER_TYPOS[variable]})
    result = run_pidone(binaries, *binaries.app("exit", 5), env=env)
    assert result.code == 5, result
    assert len(result.stderr_lines) == 1 and result.stderr.startswith(f"[pidone] {variable}: "), result


@pytest.mark.parametrize("variable", [*BAD_ENVIRONMENT, "DUMB_INIT_SETSID", "DUMB_INIT_DEBUG"])
def test_empty_environment_value_counts_as_unset(binaries, variable):
    env = dict(os.environ, **{variable: ""})
    result = run_pidone(binaries, *binaries.app("exit", 5), env=env)
    assert (result.code, result.stderr) == (5, "")


def test_empty_tini_verbosity_is_level_0_as_tinis_atoi_reads_it(binaries):
    env = dict(os.environ, TINI_VERBOSITY="")
    result = run_pidone(binaries, *binaries.app("exit", 5), env=env)
    assert result.code == 5
    assert result.stderr_lines == ["[pidone] TINI_VERBOSITY: '' is not a number (0-99); read as 0, as tini does"]


def test_options_end_at_the_first_non_option(binaries):
    result = run_pidone(binaries, *binaries.app("env", "-V"))
    assert (result.code, result.stdout_lines) == (0, ["env -V unset"])


def test_double_dash_ends_the_options(binaries):
    result = run_pidone(binaries, "-c", "--", *binaries.app("exit", 3))
    assert result.code == 3
