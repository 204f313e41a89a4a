"""pidone as the first process of a real Linux kernel: Debian's amd64 and
arm64 cloud kernels booted under qemu-system (TCG), with an initramfs that
holds pidone as /init and testapp as /bin/testapp (integration/microvm/).
The kernel starts pidone with nothing set up: no /proc, no PATH, the serial
console as fds 0-2. Every boot ends when pidone exits and the kernel panics
with pidone's exit status, which the tests read from the console.

qemu-system and cpio come from scripts/install-deps.sh; the kernels are
downloaded once into build/<arch>/microvm/ (or $PIDONE_MICROVM_CACHE/<arch>).
"""

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from binaries import ARCHES, REPO, binaries_for, missing_binaries, unavailable
from harness import Ready, wait_until
from microvm.pool import BootPool
from microvm.qemu import PANIC, Boot, fetch_kernel, machine_problem, make_initramfs

# Deadlines for a loaded 2-core machine under TCG (a boot takes about 2 s
# when the machine is idle); a test returns as soon as its line arrives.
BOOT_DEADLINE = 120.0
ORPHANS = 10_000
ORPHANS_DEADLINE = 400.0

# Every signal pidone forwards, except SIGTSTP/SIGTTIN/SIGTTOU, which it
# turns into SIGSTOP for the group (job control). Not sent: 9 and 19 (cannot
# be caught), 17 (SIGCHLD, not forwarded), 32 and 33 (not forwarded).
SIGNALS_SENT = "1-8,10-16,18,23-31,34-64"
FORWARDED = [*range(1, 9), *range(10, 17), 18, *range(23, 32), *range(34, 65)]


def cache_dir(arch):
    base = os.environ.get("PIDONE_MICROVM_CACHE")
    return Path(base) / arch if base else REPO / "build" / arch / "microvm"


@dataclass(frozen=True)
class MicroVM:
    """A kernel and an initramfs of one architecture, ready to boot."""

    arch: str
    kernel: Path
    initramfs: Path

    def boot(self, scenario):
        init_args, kernel_args = scenario
        return Boot(self.arch, self.kernel, self.initramfs, init_args, kernel_args)


def params_of(item):
    """A collected test's parameters (vm_arch and its own), by name."""
    callspec = getattr(item, "callspec", None)
    return callspec.params if callspec is not None else {}


def prepare(arch, directory):
    """A MicroVM for `arch`, or why there cannot be one here."""
    binaries = binaries_for(arch)
    problem = machine_problem(arch) or missing_binaries(binaries)
    if problem:
        return problem
    try:
        kernel = fetch_kernel(arch, cache_dir(arch))
    except RuntimeError as error:
        return str(error)
    initramfs = make_initramfs(binaries.pidone, [binaries.testapp], directory / "initramfs.cpio.gz")
    return MicroVM(arch, kernel, initramfs)


@pytest.fixture(scope="module")
def microvms(request, tmp_path_factory):
    """Architecture -> its MicroVM, or a string saying why it cannot boot
    here; for the architectures of the selected tests, prepared (kernels
    downloaded) at the same time."""
    arches = {params_of(item)["vm_arch"] for item in request.session.items
              if getattr(item, "module", None) is request.module and "vm_arch" in params_of(item)}
    directories = {arch: tmp_path_factory.mktemp(f"microvm-{arch}") for arch in arches}
    with ThreadPoolExecutor(max_workers=len(ARCHES)) as pool:
        futures = {arch: pool.submit(prepare, arch, directory) for arch, directory in directories.items()}
    return {arch: future.result() for arch, future in futures.items()}


@pytest.fixture(scope="module")
def boot_pool():
    pool = BootPool()
    yield pool
    pool.close()


@pytest.fixture(params=ARCHES)
def vm_arch(request, microvms):
    """Function-scoped, so that a test's two architectures run one after
    the other and the second one's boot can start with the first's."""
    if isinstance(microvms[request.param], str):
        unavailable(microvms[request.param])
    return request.param


def twins_to_come(request):
    """Architectures of the runs of this test, with the same other
    parameters, that come later in this session."""
    def others(item):
        return {key: value for key, value in params_of(item).items() if key != "vm_arch"}

    node = request.node
    items = request.session.items
    return [params_of(item)["vm_arch"] for item in items[items.index(node) + 1:]
            if item.parent is node.parent and getattr(item, "originalname", None) == node.originalname
            and others(item) == others(node)]


@pytest.fixture
def boot(request, vm_arch, microvms, boot_pool):
    """boot(init_args, kernel_args=(), ahead=True): a Boot of this test's
    architecture. With `ahead`, the same scenario also starts at once for the
    runs of this test still to come on other architectures; a test that
    measures time passes ahead=False."""
    def start(init_args, kernel_args=(), ahead=True):
        scenario = (tuple(map(str, init_args)), tuple(kernel_args))
        if not ahead:
            return microvms[vm_arch].boot(scenario)
        own = boot_pool.take(vm_arch, scenario, lambda: microvms[vm_arch].boot(scenario))
        for other in twins_to_come(request):
            if not isinstance(microvms[other], str):
                boot_pool.start_ahead(other, scenario, lambda: microvms[other].boot(scenario))
        return own

    return start


def ready_lines(vm, who, count=1):
    """The first `count` ready lines of testapp (who="grandchild" for spawn's)."""
    prefix = f"{who} ready " if who else "ready "

    def found():
        lines = [line for line in vm.lines if line.startswith(prefix)]
        return lines[:count] if len(lines) >= count or vm.console.closed else None

    lines = wait_until(found, BOOT_DEADLINE, interval=0.05, message=f"{count} '{prefix}' line(s)")
    assert len(lines) == count, f"only {lines!r} before the console closed: {vm.lines!r}"
    return [Ready(*map(int, line[len(prefix):].split())) for line in lines]


def pidone_lines(vm):
    return [line for line in vm.lines if "[pidone] " in line]


def pidone_line_about(vm, pid):
    """Index of the first line of pidone's that names `pid`, or None."""
    return vm.console.find(lambda line: "[pidone] " in line and re.search(rf"\b{pid}\b", line))


def test_every_signal_sent_to_pid_1_reaches_the_application_and_its_group(boot):
    with boot(["/bin/testapp", "spawn", "signals", "then",
               "send-and-report", "1", SIGNALS_SENT]) as vm:
        [member] = ready_lines(vm, "grandchild")
        [app] = ready_lines(vm, "")
        assert app.ppid == 1, "the application is not pidone's child, or pidone is not PID 1"
        assert app.pgid == app.pid and app.sid == 1, \
            "group mode with the console: the application leads a group in pidone's session"
        assert member.pgid == app.pgid
        for signo in FORWARDED:
            vm.wait_line(f"signal {signo}", BOOT_DEADLINE)
            vm.wait_line(f"grandchild signal {signo}", BOOT_DEADLINE)
        received = [line for line in vm.lines if re.fullmatch(r"(grandchild )?signal \d+", line)]
        assert len(received) == 2 * len(FORWARDED), f"duplicate or unexpected signals: {received!r}"
        assert vm.process.poll() is None and not vm.has_line(lambda line: "Attempted to kill init" in line)


def test_ten_thousand_orphans_are_reaped_with_no_zombie_left(boot):
    # With 512 MiB the kernel allows only about 4,000 tasks, and zombies
    # count until reaped: the limit goes up so that the test does not
    # depend on how soon pidone reaps. The kernel lists a zombie among its
    # parent's children until it is reaped, so PID 1 with exactly one child
    # (the application) means that pidone reaped every orphan. testapp
    # mounts /proc for that.
    with boot(["/bin/testapp", "mount-proc", "spawn", "orphans", ORPHANS, "then",
               "spawn", "children", "1", "1", ORPHANS_DEADLINE, "then", "zombies", "1"],
              kernel_args=["sysctl.kernel.threads-max=30000"]) as vm:
        vm.wait_line(f"grandchild orphans {ORPHANS}", ORPHANS_DEADLINE)
        vm.wait_line("grandchild children 1", ORPHANS_DEADLINE)
        zombies = vm.wait_line(re.compile(r"zombies \d+ \d+"), BOOT_DEADLINE)
        count, total = map(int, zombies.split()[1:])
        assert total > 0, "/proc was not read"
        assert count == 0, f"zombies of PID 1 left: {zombies}"
        assert vm.exit_status(BOOT_DEADLINE) == 0


@pytest.mark.parametrize("command, status", [
    (["exit", "3"], 3),
    (["exit", "255"], 255),
    (["kill", "15"], 128 + 15),
    (["kill", "11"], 128 + 11),
], ids=["exit-3", "exit-255", "SIGTERM-143", "SIGSEGV-139"])
def test_exit_status_comes_back_through_the_kernel_panic(boot, command, status):
    with boot(["/bin/testapp", *command]) as vm:
        assert vm.exit_status(BOOT_DEADLINE) == status
        assert pidone_lines(vm) == [], "pidone is silent by default"


def test_runs_in_the_bare_environment_the_kernel_gives_init(boot):
    # The kernel gives init HOME and TERM only (pidone finds a command given
    # by name on the default PATH), mounts no /proc (pidone needs none), and
    # opens the console as init's fds 0-2 without making it init's
    # controlling terminal (pidone takes it and makes the application's group
    # the foreground one: ^C on the console reaches that group).
    with boot(["testapp", "spawn", "read-file", "/proc/1/stat", "then",
               "spawn", "tty", "then", "env", "PATH"]) as vm:
        vm.wait_line("testapp: /proc/1/stat: No such file or directory", BOOT_DEADLINE)
        vm.wait_line("grandchild tty session=yes foreground=yes", BOOT_DEADLINE)
        vm.wait_line("env PATH unset", BOOT_DEADLINE)
        assert vm.exit_status(BOOT_DEADLINE) == 0


# Two helpers the application leaves behind, one that cleans up on SIGTERM
# and one that ignores it: either out of the application's session (only
# kill(-1) reaches them), or in its group on the console, as servers are,
# where a SIGHUP would kill them: the application's exit hangs up neither.
LEFT_BEHIND = {
    "detached": (["spawn", "detach", "slow-term", 1.5, "then", "spawn", "detach", "ignore-term", "then"],
                 lambda slow, ignoring: slow.sid == slow.pid and ignoring.sid == ignoring.pid),
    "group-on-console": (["spawn", "worker", 1.5, "then", "spawn", "worker", "ignore", "then"],
                         lambda slow, ignoring: slow.pgid == ignoring.pgid and slow.sid == 1),
}


@pytest.mark.parametrize("helpers", LEFT_BEHIND)
def test_grace_as_pid_1_lets_a_slow_handler_finish_and_kills_one_ignoring_sigterm(boot, helpers):
    grace = 4
    spawn_helpers, placed = LEFT_BEHIND[helpers]
    # Then the application exits with status 5.
    with boot(["--grace", grace, "--warn-reap", "/bin/testapp", *spawn_helpers, "exit", "5"], ahead=False) as vm:
        slow, ignoring = ready_lines(vm, "grandchild", 2)
        application_gone = time.monotonic()
        assert placed(slow, ignoring), (slow, ignoring)
        vm.wait_line("grandchild signal 15", BOOT_DEADLINE)
        vm.wait_line("grandchild term-handled", BOOT_DEADLINE)
        assert vm.exit_status(grace + BOOT_DEADLINE) == 5
        waited = time.monotonic() - application_gone
        # Only the slow handler reports SIGTERM: the other one ignores it and
        # outlives the slow one, until pidone kills it at the deadline and
        # reaps it (with --warn-reap pidone names every orphan it reaps).
        assert [line for line in vm.lines if line == "grandchild signal 15"] == ["grandchild signal 15"]
        slow_reaped, ignoring_reaped = (pidone_line_about(vm, pid) for pid in (slow.pid, ignoring.pid))
        assert slow_reaped is not None and ignoring_reaped is not None, \
            f"pidone did not report reaping both helpers: {pidone_lines(vm)!r}"
        assert slow_reaped < ignoring_reaped, "the SIGTERM-ignoring helper died first"
        assert waited >= grace - 1.5, f"pidone exited {waited:.1f} s after the application"


def test_kernel_command_line_environment_configures_pidone(boot):
    # Unknown KEY=value words on the kernel's command line become init's
    # environment. PIDONE_GRACE makes pidone wait for the detached slow
    # SIGTERM handler (without it, pidone exits at once and the kernel
    # panics before the handler is done); PIDONE_VERBOSE=1 makes it report
    # the application it started.
    with boot(["/bin/testapp", "spawn", "detach", "slow-term", "1", "then", "exit", "6"],
              kernel_args=["PIDONE_GRACE=2.5", "PIDONE_VERBOSE=1"]) as vm:
        [slow] = ready_lines(vm, "grandchild")
        vm.wait_line("grandchild term-handled", BOOT_DEADLINE)
        assert vm.exit_status(BOOT_DEADLINE) == 6
        assert pidone_line_about(vm, slow.ppid) is not None, \
            f"no verbose line about the application (pid {slow.ppid}): {vm.lines!r}"


def test_pause_mode_as_the_kernels_init_reaps_ignores_other_signals_and_exits_0_on_sigterm(boot):
    # testapp starts as init, forks a helper and becomes pidone --pause: PID 1
    # of the machine is then pidone in pause mode, with the helper as its
    # child. The helper mounts /proc, leaves orphans to PID 1, sends it
    # SIGUSR1 (ignored), waits until PID 1's only child is the helper itself
    # (every orphan reaped), counts PID 1's zombies and sends it SIGTERM.
    with boot(["become", "/init", "--pause", "then", "mount-proc",
               "spawn", "orphans", ORPHANS // 5, "then", "spawn", "send", "10", "1", "then",
               "spawn", "children", "1", "1", ORPHANS_DEADLINE, "then", "spawn", "zombies", "1", "then",
               "send", "15", "1"], kernel_args=["rdinit=/bin/testapp"]) as vm:
        vm.wait_line(f"grandchild orphans {ORPHANS // 5}", ORPHANS_DEADLINE)
        vm.wait_line("grandchild sent 10 1", BOOT_DEADLINE)
        vm.wait_line("grandchild children 1", ORPHANS_DEADLINE)
        zombies = vm.wait_line(re.compile(r"grandchild zombies \d+ \d+"), BOOT_DEADLINE)
        assert zombies.split()[2] == "0", f"zombies of PID 1 left: {zombies}"
        # The machine stops when PID 1 exits, maybe before the sender reports.
        panic = vm.wait_line(lambda line: PANIC.search(line) is not None, BOOT_DEADLINE)
        assert int(PANIC.search(panic).group(1), 16) == 0, f"PID 1 did not exit 0: {panic}"
