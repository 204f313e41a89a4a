"""What a fresh machine needs, checked without changing this one: the build's
aarch64 smoke test without any binfmt_misc registration, the registration
and its removal by scripts/reset-machine.sh, and the reset's other steps,
each against something of the test's own.

The binfmt tests run in a user and mount namespace of their own, where a
fresh binfmt_misc instance (Linux 6.7 and later) starts empty: registering
or unregistering there leaves the machine's registrations alone.
"""

import os
import subprocess
import sys

import pytest

from binaries import REPO, binaries_for, unavailable
from harness import process_gone, run, wait_until

RESET = REPO / "scripts" / "reset-machine.sh"
BINFMT = REPO / "scripts" / "binfmt-aarch64.sh"
INSTALL_DEPS = REPO / "scripts" / "install-deps.sh"
NOLOGIN_TEXT = "This account is currently not available.\n"
EMULATOR = "qemu-aarch64-static"


def in_fresh_binfmt(*script):
    """Runs shell lines in a new user and mount namespace with an empty
    binfmt_misc of its own; the Result of the last line."""
    lines = ["set -e", "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc", *script]
    return run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "\n".join(lines)],
               timeout=120, cwd=REPO)


@pytest.fixture(scope="module")
def aarch64():
    binaries = binaries_for("aarch64")
    missing = [p for p in (binaries.pidone, binaries.nologin) if not p.exists()]
    if missing:
        unavailable(f"not built: {', '.join(map(str, missing))} (cmake --build --preset aarch64)")
    probe = in_fresh_binfmt("ls /proc/sys/fs/binfmt_misc")
    if probe.code != 0 or probe.stdout.split() != ["register", "status"]:
        unavailable("this kernel gives no user namespace a binfmt_misc of its own (Linux 6.7+): "
                    f"{probe.stderr.strip() or probe.stdout.strip()}")
    return binaries


def test_aarch64_binaries_cannot_run_without_a_registration(aarch64):
    result = in_fresh_binfmt(f"exec {aarch64.nologin}")
    assert result.code == 126, (result.code, result.stderr)
    assert "Exec format error" in result.stderr


def test_smoke_test_runs_aarch64_without_a_registration(aarch64):
    result = in_fresh_binfmt(
        f"cmake -DEMULATOR={EMULATOR} -DPIDONE={aarch64.pidone} -DNOLOGIN={aarch64.nologin} "
        f"-P {REPO / 'cmake' / 'smoke-test.cmake'}")
    assert result.code == 0, result.stdout + result.stderr
    assert "smoke test passed: pidone version" in result.stdout


def test_binfmt_script_registers_and_reset_unregisters(aarch64):
    registered = in_fresh_binfmt(str(BINFMT), f"exec {aarch64.nologin}")
    assert (registered.code, registered.stdout) == (1, NOLOGIN_TEXT), registered.stderr

    reset = in_fresh_binfmt(str(BINFMT), f"{RESET} binfmt",
                            "test ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64",
                            f"{RESET} binfmt", f"exec {aarch64.nologin}")
    assert "reset: unregister /proc/sys/fs/binfmt_misc/qemu-aarch64" in reset.stdout, reset.stderr
    assert "reset: qemu-aarch64 is not registered" in reset.stdout
    assert reset.code == 126, (reset.code, reset.stderr)


def sleeper(*args):
    """A process whose command line carries `args`, as a dockerd's would."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *args])


@pytest.fixture
def run_dir(tmp_path):
    """A PIDONE_RUN_DIR of the test's own, for scripts/docker-engine.sh."""
    return tmp_path / "run"


def reset(*args, env=None):
    return run([RESET, *args], timeout=60, env=dict(os.environ, **(env or {})))


def test_reset_stops_the_dockerd_the_scripts_started(run_dir):
    run_dir.mkdir()
    pidfile = run_dir / "dockerd.pid"
    daemon = sleeper(f"--pidfile={pidfile}")
    try:
        pidfile.write_text(f"{daemon.pid}\n")
        dry = reset("--dry-run", "dockerd", env={"PIDONE_RUN_DIR": str(run_dir)})
        assert f"reset: would run: scripts/docker-engine.sh stop {daemon.pid}" in dry.stdout
        assert daemon.poll() is None

        done = reset("dockerd", env={"PIDONE_RUN_DIR": str(run_dir)})
        assert done.code == 0, done.stderr
        assert f"stopped dockerd (pid {daemon.pid})" in done.stdout
        wait_until(lambda: daemon.poll() is not None)
    finally:
        daemon.kill()
        daemon.wait()


def test_reset_leaves_a_process_the_scripts_did_not_start(run_dir):
    run_dir.mkdir()
    other = sleeper("--pidfile=/var/run/docker.pid")
    try:
        (run_dir / "dockerd.pid").write_text(f"{other.pid}\n")
        done = reset("dockerd", env={"PIDONE_RUN_DIR": str(run_dir)})
        assert done.code == 0, done.stderr
        assert "reset: no dockerd started by scripts/docker-engine.sh runs" in done.stdout
        assert not process_gone(other.pid) and other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_reset_removes_downloaded_kernels_and_dry_run_keeps_them(tmp_path):
    cache = tmp_path / "kernels"
    files = [cache / arch / name for arch in ("x86_64", "aarch64")
             for name in ("vmlinuz", "kernel-package")]
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("kernel")
    env = {"PIDONE_MICROVM_CACHE": str(cache)}

    dry = reset("--dry-run", "kernels", env=env)
    assert dry.code == 0 and "reset: would run: rm -f" in dry.stdout, dry.stderr
    assert all(path.exists() for path in files)

    done = reset("kernels", env=env)
    assert done.code == 0, done.stderr
    assert not any(path.exists() for path in files)
    assert reset("kernels", env=env).stdout == "reset: no downloaded kernel\n"


def test_reset_refuses_an_unknown_step():
    done = reset("--dry-run", "everything")
    assert done.code == 2 and "usage:" in done.stderr


def packages(purpose):
    done = run([INSTALL_DEPS, "--list", purpose])
    assert done.code == 0, done.stderr
    return done.stdout.split()


def test_build_installs_no_test_tool_and_test_installs_everything():
    toolchain, build, test = packages("toolchain"), packages("build"), packages("test")
    assert set(toolchain) < set(build) < set(test)
    assert {"docker.io", "debootstrap", "qemu-user-static"} <= set(build)
    test_only = {"qemu-system-x86", "qemu-system-arm", "valgrind", "lintian", "clang-tidy",
                 "python3-matplotlib", "libgtest-dev", "python3-pytest"}
    assert test_only <= set(test) and not test_only & set(build)
    assert packages("test") == run([INSTALL_DEPS, "--list"]).stdout.split()
