"""Where the binaries under test are, and which architectures can run here.

By default the binaries come from the build tree, build/<arch>/bin/{pidone,
nologin,testapp}. Environment variables point the suite elsewhere (for
example at downloaded release binaries such as pidone_1.0.0_x86_64):

  PIDONE_BIN_DIR_<ARCH>   a directory holding pidone and nologin, either
                          plainly named or release-named (<name>_<version>_<arch>),
                          and optionally testapp
  PIDONE_BIN_<ARCH>, NOLOGIN_BIN_<ARCH>, TESTAPP_BIN_<ARCH>
                          one binary each (win over the directory)

<ARCH> is X86_64 or AARCH64. testapp is never released: unless given, it
comes from the build tree.

A foreign architecture runs through qemu-user registered in binfmt_misc
(scripts/binfmt-aarch64.sh, run here when the registration is missing).
"""

import glob
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARCHES = ("x86_64", "aarch64")
BINFMT_SCRIPTS = {"aarch64": REPO / "scripts" / "binfmt-aarch64.sh"}

# qemu-user 7.2's known gaps (Debian 12); aarch64 tests that meet one skip
# with the matching reason.
QEMU_NO_SUBREAPER = "qemu-user refuses prctl(PR_SET_CHILD_SUBREAPER) with EINVAL"
QEMU_HOST_RT_SIGNALS = "qemu-user renumbers real-time signals sent from the host (n arrives as n-2)"
QEMU_SIGNALS_63_64 = "qemu-user cannot deliver signals 63 and 64 to the guest"
QEMU_FAULT_SIGNALS = ("qemu-user mishandles SIGILL, SIGFPE, SIGSEGV and SIGBUS sent to a guest that "
                      "blocks them: they go to its helper thread, which crashes or drops them")


def must_not_skip():
    """CI (and PIDONE_REQUIRE_ALL=1) turn missing prerequisites into failures."""
    return os.environ.get("CI") == "true" or os.environ.get("PIDONE_REQUIRE_ALL") == "1"


def unavailable(reason):
    """Skips the test for a missing prerequisite, or fails it in CI."""
    if must_not_skip():
        pytest.fail(f"{reason} (CI=true or PIDONE_REQUIRE_ALL=1: not skipping)")
    pytest.skip(reason)


def skip_module_without(problem):
    """One skip for a whole module whose prerequisite is missing (`problem`,
    None when it is there); in CI the module runs and its fixtures fail.
    Returns `problem`."""
    if problem and not must_not_skip():
        pytest.skip(problem, allow_module_level=True)
    return problem


def native_arch():
    machine = platform.machine()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


@dataclass(frozen=True)
class Binaries:
    """The binaries of one architecture and how they run on this machine."""

    arch: str
    pidone: Path
    nologin: Path
    testapp: Path

    @property
    def emulated(self):
        return self.arch != native_arch()

    def app(self, *args):
        """testapp's command line: binaries.app("signals") etc."""
        return [str(self.testapp), *map(str, args)]

    def skip_if_emulated(self, reason):
        """For qemu-user's known gaps: the check runs natively only."""
        if self.emulated:
            pytest.skip(f"{self.arch} under {reason}")

    def send_signal(self, pid, signo):
        """Sends a signal the way a process of this architecture would: from
        an emulated testapp under qemu-user, which renumbers real-time
        signals only when they come from the host."""
        if not self.emulated:
            os.kill(pid, signo)
            return
        done = subprocess.run([str(self.testapp), "send", str(signo), str(pid)],
                              capture_output=True, timeout=30)
        if done.returncode != 0:
            raise AssertionError(f"testapp send {signo} {pid} failed: {done.stderr!r}")


def _env_key(arch):
    return arch.upper()


def _release_named(directory, name, arch):
    matches = sorted(glob.glob(str(Path(directory) / f"{name}_*_{arch}")))
    return Path(matches[-1]) if matches else None


def locate(name, arch):
    """Path of one binary (may not exist: the caller reports that)."""
    key = _env_key(arch)
    single = os.environ.get(f"{name.upper()}_BIN_{key}")
    if single:
        return Path(single)
    directory = os.environ.get(f"PIDONE_BIN_DIR_{key}")
    if directory:
        plain = Path(directory) / name
        if plain.exists():
            return plain
        released = _release_named(directory, name, arch)
        if released:
            return released
        if name != "testapp":
            return plain
    return REPO / "build" / arch / "bin" / name


def binaries_for(arch):
    return Binaries(arch, locate("pidone", arch), locate("nologin", arch), locate("testapp", arch))


def _binfmt_registered(arch):
    entry = Path(f"/proc/sys/fs/binfmt_misc/qemu-{arch}")
    try:
        return entry.read_text().splitlines()[0] == "enabled"
    except OSError:
        return False


def arch_problem(arch):
    """None if `arch` binaries can run here, else why not. Registers
    binfmt_misc for a foreign architecture when it can."""
    if arch == native_arch() or _binfmt_registered(arch):
        return None
    script = BINFMT_SCRIPTS.get(arch)
    if script is None:
        return f"no way to run {arch} binaries on {native_arch()}"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or not _binfmt_registered(arch):
        return f"cannot register qemu-{arch} in binfmt_misc: {done.stderr.strip() or 'unknown error'}"
    return None


def missing_binaries(binaries):
    missing = [str(path) for path in (binaries.pidone, binaries.nologin, binaries.testapp)
               if not os.access(path, os.X_OK)]
    if not missing:
        return None
    return (f"{binaries.arch} binaries missing: {', '.join(missing)} "
            f"(build them: cmake --preset {binaries.arch} && cmake --build --preset {binaries.arch})")
