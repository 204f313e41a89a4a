"""pidone under Podman, rootful and rootless, for amd64 and arm64 each
(arm64 through qemu-user binfmt_misc): the product image and a derived
image; `podman run --init --init-path=<pidone>` with pidone in place of
catatonit, on an image with no init of its own; and a pod whose infra
container is pidone in pause mode, PID 1 of the pod's PID namespace.

The engine is prepared by scripts/podman-setup.sh (containers.conf, the
rootless user); the images are Docker's (test_docker builds them), moved
over with `docker save | podman load`. Every container has no network.
"""

import os
import re
import tempfile
from dataclasses import dataclass

import pytest

from binaries import skip_module_without, unavailable
from docker_support import DEFAULT_GRACE, IMAGE, NONROOT, Container
from harness import SIGRTMIN, children_of, status_field, wait_until, zombie_children
from podman_support import ROOTLESS_USER, Podman, podman_problem, world_readable_copy

QUICK_STOP = 2.0  # seconds; podman stop's own timeout here is 10
ORPHANS = 100

_problem = skip_module_without(podman_problem())


@pytest.fixture(scope="session", params=["rootful", "rootless"])
def podman(request):
    if _problem:
        unavailable(_problem)
    engine = Podman(ROOTLESS_USER if request.param == "rootless" else None)
    yield engine
    engine.remove_created()


@pytest.fixture(scope="session")
def shared_dir():
    """Files the rootless user (and the containers' user 65532) can read."""
    with tempfile.TemporaryDirectory(prefix="pidone-podman-") as directory:
        os.chmod(directory, 0o755)
        yield directory


@pytest.fixture(scope="session")
def bare_image(docker, images, binaries):  # noqa: F811
    """An image without an init: testapp alone, FROM scratch."""
    dockerfile = 'FROM scratch\nCOPY testapp /testapp\nCMD ["/testapp", "signals"]\n'
    return docker.build(f"{IMAGE}-test-bare:{images.platform.split('/')[1]}", dockerfile,
                        [binaries.testapp], images.platform)


@dataclass(frozen=True)
class Setup:
    """How a scenario runs: the image, `podman run` options, testapp's path."""

    podman: Podman
    platform: str
    image: str
    options: tuple
    testapp: str
    pid1_comm: str  # the name of the container's PID 1 on the host

    def container(self, *command, options=(), **kwargs):
        return Container(self.podman, self.image, self.testapp, *command, platform=self.platform,
                         options=(*self.options, *options), **kwargs)

    def run(self, *command, options=()):
        return self.podman.run(self.image, self.testapp, *command, platform=self.platform,
                               options=(*self.options, *options))


@pytest.fixture(scope="session")
def loaded(podman, docker, images, bare_image):  # noqa: F811
    podman.load(docker, images.minimal, images.app, bare_image)
    return images


@pytest.fixture(params=["image", "init"], ids=["image-entrypoint", "run-init"])
def setup(request, podman, loaded, bare_image, binaries, shared_dir):
    """image-entrypoint: the derived image, pidone its entrypoint.
    run-init: the image without an init, pidone as Podman's --init."""
    if request.param == "image":
        return Setup(podman, loaded.platform, loaded.app, (), "/app/testapp", "pidone")
    init = world_readable_copy(binaries.pidone, f"{shared_dir}/{binaries.arch}")
    return Setup(podman, loaded.platform, bare_image, ("--init", "--init-path", init), "/testapp",
                 "podman-init")


def comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def host_uid(pid):
    return int(status_field(pid, "Uid").split()[0])


def expected_host_uid(podman, uid):
    """Where a container's uid (not 0) lands on the host: itself when
    rootful, in the user's subordinate range when rootless."""
    if not podman.rootless:
        return uid
    with open("/etc/subuid") as f:
        for line in f:
            name, start, _ = line.strip().split(":")
            if name == podman.user:
                return int(start) + uid - 1
    raise AssertionError(f"{podman.user} has no subordinate uids")


def realtime_signal(binaries):
    """A real-time signal and its number as the application sees it:
    qemu-user hands n from the host to the guest as n-2."""
    number = SIGRTMIN + 6
    return number, number - 2 if binaries.emulated else number


# ---- the same scenarios for the image's pidone and for --init ----

def test_signals_reach_the_app_orphans_are_reaped_and_stop_ends_within_the_grace(setup, binaries,
                                                                                capsys):
    """One container per setup (Podman's commands are slow): a grandchild
    leaves orphans, then a real-time signal reaches the application.
    `podman stop`: the application exits 7 at once; the grandchild, which
    blocks SIGTERM, is killed at the end of pidone's default grace period
    as PID 1 (3 s), well before Podman's own timeout (10 s)."""
    realtime, realtime_seen = realtime_signal(binaries)
    with setup.container("spawn", "orphans", ORPHANS, "--", "slow-term", "0", "7",
                         options=("-e", "PIDONE_VERBOSE=1")) as app:
        app.client.stderr.wait_for(lambda line: line.startswith("[pidone] started"))
        app.client.wait_line(f"grandchild orphans {ORPHANS}", timeout=120)
        assert app.client.ready().ppid == 1
        pid1 = app.host_pid()
        assert comm(pid1) == setup.pid1_comm
        wait_until(lambda: not zombie_children(pid1), message="PID 1 to reap every orphan")
        app.kill(str(realtime))
        app.client.wait_line(f"signal {realtime_seen}")
        elapsed = app.stop(10)
        assert app.client.wait() == 7
    with capsys.disabled():
        print(f"\n{setup.platform} {setup.podman.user or 'root'}: podman stop: {elapsed:.2f} s")
    assert DEFAULT_GRACE <= elapsed < DEFAULT_GRACE + QUICK_STOP


def test_signal_death_is_podman_runs_status(setup):
    result = setup.run("kill", 6)
    assert result.code == 128 + 6, result.stderr


def test_run_t_gives_the_app_the_terminal(setup, binaries):
    result = setup.run("tty", options=("-t",))
    # qemu-user 7.2 mistranslates ioctl(TIOCGSID): see test_docker.
    expected = "foreground=yes" if binaries.emulated else "session=yes foreground=yes"
    assert result.code == 0, result.stderr
    assert re.fullmatch(rf"tty (session=\w+ )?{expected}", result.stdout.strip()), result.stdout


# ---- the product image itself ----

# What a Kubernetes securityContext asks (runAsNonRoot with the image's
# numeric user, readOnlyRootFilesystem, capabilities drop ALL,
# allowPrivilegeEscalation false), as Podman options.
HARDENED = ("--user", str(NONROOT), "--read-only", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges")


def test_product_image_runs_a_mounted_app_hardened_as_nonroot(podman, loaded, binaries, shared_dir):
    app_dir = f"{shared_dir}/app-{binaries.arch}"
    world_readable_copy(binaries.testapp, app_dir)
    with Container(podman, loaded.minimal, "/app/testapp", "sleep", platform=loaded.platform,
                   options=("-v", f"{app_dir}:/app:ro", *HARDENED)) as app:
        assert app.client.ready().ppid == 1
        pidone = app.host_pid()
        assert comm(pidone) == "pidone"
        assert host_uid(pidone) == expected_host_uid(podman, NONROOT)
        assert status_field(pidone, "CapEff") == "0000000000000000"
        assert status_field(pidone, "NoNewPrivs") == "1"
        elapsed = app.stop(10)
        assert app.client.wait() == 143
    assert elapsed < QUICK_STOP


# ---- a pod: pidone --pause as the infra container ----

def test_pod_pause_process_reaps_the_apps_orphans_and_pod_stop_ends_it(podman, loaded, bare_image,
                                                                       capsys):
    pod = podman.create_pod("--share", "pid,ipc,uts", "--infra-image", loaded.minimal,
                            "--infra-command", "/bin/pidone --pause")
    podman("pod", "start", pod)
    infra = podman("pod", "inspect", "-f", "{{.InfraContainerID}}", pod).stdout.strip()
    pause = int(podman.inspect(infra, "{{.State.Pid}}"))
    assert comm(pause) == "pidone"
    with Container(podman, bare_image, "/testapp", "spawn", "orphan", "--", "orphans", ORPHANS,
                   platform=loaded.platform, options=("--pod", pod), remove=False) as app:
        orphan = app.client.wait_line(lambda line: line.startswith("grandchild orphan "))
        assert orphan.split()[3] == "1", f"not re-parented to the pause process: {orphan}"
        app.client.wait_line(f"orphans {ORPHANS}", timeout=120)
        ready = app.client.ready()
        assert ready.pid != 1
        wait_until(lambda: not children_of(pause), message="the pause process to reap every orphan")
        elapsed = podman("pod", "stop", "-t", "10", pod, timeout=30).elapsed
        assert app.client.wait() == 137
        statuses = {name: int(podman.inspect(name, "{{.State.ExitCode}}")) for name in (infra, app.name)}
    with capsys.disabled():
        print(f"\n{loaded.platform} {podman.user or 'root'}: podman pod stop: {elapsed:.2f} s")
    assert elapsed < QUICK_STOP
    # The application blocks SIGTERM. The pause process exits 0 on it, and
    # the kernel then kills what is left of the PID namespace: SIGKILL, long
    # before Podman's own timeout.
    assert statuses == {infra: 0, app.name: 137}
