"""pidone under containerd (the runtime kubelet drives), through `ctr`
against the containerd that dockerd runs, for amd64 and arm64 each: the
image's own ENTRYPOINT with and without a terminal, `ctr task kill -s TERM`
and the exit status; a command replacing the ENTRYPOINT, as Kubernetes'
`command:` does; and a pod-like pair as kubelet makes it: a pause task
(pidone --pause) and an application task in its PID namespace, whose
orphans the pause process reaps.

Everything lives in a containerd namespace of the session's own, removed
at the end. Images are Docker's (test_docker builds them), imported from
`docker save` tarballs. ctr gives a container a network namespace with
nothing in it unless asked for CNI.
"""

import os
import time
import uuid
from dataclasses import dataclass

import pytest

from binaries import skip_module_without, unavailable
from containerd_support import Ctr, containerd_problem
from docker_support import DEFAULT_GRACE, IMAGE, NONROOT, derived_dockerfile
from harness import children_of, status_field, wait_until, zombie_children

QUICK_STOP = 2.0
ORPHANS = 100

_problem = skip_module_without(containerd_problem())


@pytest.fixture(scope="session")
def ctr():
    if _problem:
        unavailable(_problem)
    client = Ctr(f"pidone-test-{uuid.uuid4().hex[:8]}")
    yield client
    client.remove_all()


@dataclass(frozen=True)
class CtrImages:
    app: str  # FROM the minimal image, CMD testapp slow-term 0 7
    pause: str  # FROM the minimal image, ENV PIDONE_PAUSE=1, no CMD
    bare: str  # testapp alone, no init


@pytest.fixture(scope="session")
def ctr_images(ctr, docker, images, binaries):  # noqa: F811
    """The images as containerd names them."""
    arch = images.platform.split("/")[1]
    slow_term = docker.build(f"{IMAGE}-test-slowterm:{arch}",
                             derived_dockerfile(images.minimal, ["slow-term", "0", "7"]),
                             [binaries.testapp], images.platform)
    pause = docker.build(f"{IMAGE}-test-pause:{arch}", f"FROM {images.minimal}\nENV PIDONE_PAUSE=1\n",
                         [], images.platform)
    bare = docker.build(f"{IMAGE}-test-bare:{arch}",
                        'FROM scratch\nCOPY testapp /testapp\nCMD ["/testapp", "signals"]\n',
                        [binaries.testapp], images.platform)
    return CtrImages(*ctr.import_from(docker, images.platform, slow_term, pause, bare))


def comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def with_terminal(ctr, image, *command, platform, options=()):
    """`ctr run -t` on a pty of ours (ctr needs a terminal as its stdin)."""
    master, slave = os.openpty()
    try:  # the client owns the pty master from here on
        return ctr.start(image, *command, platform=platform, options=("-t", *options),
                         stdin=slave, stdout=slave, stderr=slave, output_fd=master)
    finally:
        os.close(slave)


@pytest.mark.parametrize("terminal", [False, True], ids=["no-terminal", "ctr-run-t"])
def test_image_entrypoint_task_kill_term_gives_the_apps_exit_status(ctr, ctr_images, images,
                                                                      terminal):  # noqa: F811
    if terminal:
        task, client = with_terminal(ctr, ctr_images.app, platform=images.platform)
    else:
        task, client = ctr.start(ctr_images.app, platform=images.platform)
    with client:
        assert client.ready().ppid == 1
        pidone = ctr.task_pid(task)
        assert comm(pidone) == "pidone"
        assert int(status_field(pidone, "Uid").split()[0]) == NONROOT
        ctr.kill(task, "SIGTERM")
        client.wait_line("signal 15")
        assert client.wait() == 7
        assert client.elapsed < 60
    if terminal:
        assert "term-handled" in client.lines


def test_command_replacing_the_entrypoint_starts_with_pidone(ctr, ctr_images, images):  # noqa: F811
    """As Kubernetes' `command:`: ctr's ARGS replace ENTRYPOINT and CMD.
    Without /bin/pidone first, the application is PID 1 and SIGTERM, which
    it does not handle, does nothing (SIGKILL ends it: 137); with
    `/bin/pidone --` first, SIGTERM ends the application at once (143)."""
    task, client = ctr.start(ctr_images.app, "/app/testapp", "sleep", platform=images.platform)
    with client:
        assert client.ready().pid == 1
        ctr.kill(task, "SIGTERM")
        ctr.kill(task, "SIGKILL")
        assert client.wait() == 137, "SIGTERM ended a bare PID 1"
    task, client = ctr.start(ctr_images.app, "/bin/pidone", "--", "/app/testapp", "sleep",
                             platform=images.platform)
    with client:
        assert client.ready().ppid == 1
        ctr.kill(task, "SIGTERM")
        assert client.wait() == 143
        assert client.elapsed < 60


def test_task_kill_term_leaves_a_worker_ignoring_it_the_default_grace(ctr, ctr_images,
                                                                       images):  # noqa: F811
    """What kubelet's SIGTERM does: the application dies of it at once;
    pidone as PID 1 gives the worker the application left (which ignores
    SIGTERM) its default grace period, 3 s, then SIGKILLs it and exits,
    well inside Kubernetes' terminationGracePeriodSeconds (30 s)."""
    task, client = ctr.start(ctr_images.app, "/bin/pidone", "--", "/app/testapp", "spawn",
                             "ignore-term", "--", "sleep", platform=images.platform)
    with client:
        client.ready("grandchild")
        client.ready()
        killed = time.monotonic()
        ctr.kill(task, "SIGTERM")
        assert client.wait() == 143
        waited = time.monotonic() - killed
    assert DEFAULT_GRACE <= waited < DEFAULT_GRACE + QUICK_STOP, waited


def test_run_t_gives_the_app_the_terminal(ctr, ctr_images, images, binaries):  # noqa: F811
    task, client = with_terminal(ctr, ctr_images.app, "/bin/pidone", "--", "/app/testapp", "tty",
                                 platform=images.platform)
    with client:
        assert client.wait() == 0
        client.stdout.wait_closed()
    expected = "tty foreground=yes" if binaries.emulated else "tty session=yes foreground=yes"
    assert any(line.endswith(expected.split(" ", 1)[1]) and line.startswith("tty ")
               for line in client.lines), client.lines


def test_pod_pause_task_reaps_the_orphans_of_an_app_in_its_pid_namespace(ctr, ctr_images, images,
                                                                         binaries):  # noqa: F811
    """kubelet's way: a pause task, then application tasks joining its PID
    namespace. Orphans of an application without an init go to the pause
    process, PID 1 of the namespace."""
    # As kubelet's sandbox: the image's own ENTRYPOINT (pidone) and no CMD.
    pause_task, pause = ctr.start(ctr_images.pause, platform=images.platform, what="pause")
    with pause:
        pause_pid = wait_until(lambda: pause_task in ctr("tasks", "ls").stdout
                               and ctr.task_pid(pause_task), message="the pause task")
        wait_until(lambda: comm(pause_pid) == "pidone", message="pidone running")
        app_task, app = ctr.start(ctr_images.bare, "/testapp", "spawn", "orphan", "--", "spawn", "orphans",
                                  ORPHANS, "--", "sleep", platform=images.platform,
                                  options=("--with-ns", f"pid:/proc/{pause_pid}/ns/pid"),
                                  what="app")
        with app:
            orphan = app.wait_line(lambda line: line.startswith("grandchild orphan "))
            assert orphan.split()[3] == "1", f"not re-parented to the pause process: {orphan}"
            app.wait_line(f"grandchild orphans {ORPHANS}", timeout=120)
            assert app.ready().pid != 1
            wait_until(lambda: not children_of(pause_pid) and not zombie_children(pause_pid),
                       message="the pause process to reap every orphan")
            # kubelet's order: the application first, then the pause task.
            ctr.kill(app_task, "SIGTERM")
            assert app.wait() == 143
        # pidone in an application container of the pod is not PID 1: it
        # reaps as a child subreaper and gives no grace period unless told,
        # so it exits with the application although the grandchild blocks
        # SIGTERM (the pause process inherits that one).
        init_task, with_pidone = ctr.start(
            ctr_images.app, "/bin/pidone", "--", "/app/testapp", "spawn", "orphan", "--",
            "slow-term", "0", "7", platform=images.platform,
            options=("--with-ns", f"pid:/proc/{pause_pid}/ns/pid"), what="app-pidone")
        with with_pidone:
            orphan = with_pidone.wait_line(lambda line: line.startswith("grandchild orphan "))
            ready = with_pidone.ready()
            # (QEMU_NO_SUBREAPER: under qemu-user the orphan goes to PID 1.)
            subreaper = 1 if binaries.emulated else ready.ppid
            assert ready.ppid != 1 and orphan.split()[3] == str(subreaper), (orphan, ready)
            killed = time.monotonic()
            ctr.kill(init_task, "SIGTERM")
            assert with_pidone.wait() == 7
            assert time.monotonic() - killed < QUICK_STOP
        ctr.kill(pause_task, "SIGTERM")
        assert pause.wait() == 0
        assert pause.elapsed < 60
