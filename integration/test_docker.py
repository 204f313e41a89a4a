"""The pidone images under a real Docker engine, for amd64 and arm64 each
(arm64 through qemu-user binfmt_misc): the image's layout, a derived image
as a user would write it (stop, kill, orphans, exit codes, terminal),
configuration through ENV, `docker run --init` with pidone as the daemon's
init, and the full flavour's CA bundle and zoneinfo.

The images are built by scripts/build-images.sh through the Dockerfile's own
builder stage. The signal, stop, orphan and exit-status tests also run on
the release's images, pulled from a local registry by an engine of their
own and derived FROM 127.0.0.1:PORT/pidone:<version> (BOTH_SOURCES), and
one test checks that both sources hold the same files and config. Without a
Docker engine every test here skips with one reason (and fails when CI=true
or PIDONE_REQUIRE_ALL=1).
"""

import json
import os
import re
from dataclasses import dataclass

import pytest

from binaries import REPO, skip_module_without
from docker_support import (DEFAULT_GRACE, DOCKER_ARCH, IMAGE, NONROOT, Container, Docker, Images,
                            PrivateDaemon, derived_dockerfile, docker_problem, image_entries,
                            project_version)
from harness import SIGRTMIN, children_of, run, status_field, wait_until, zombie_children

MINIMAL_IMAGE_LIMIT_AMD64 = 32 * 1024
QUICK_STOP = 2.0  # seconds; docker stop's own timeout here is 10
BARE_PID1_STOP_TIMEOUT = 3
ORPHANS = 2000


# One skip for the whole module; in CI every test fails instead (and the
# other modules still run).
skip_module_without(docker_problem())


@pytest.fixture(scope="session")
def registry_images(arch, binaries, registry, registry_engine):
    """Images of one architecture pulled from the local registry into the
    registry engine (nothing else there), and the derived application image
    built FROM the registry's one tag for that platform."""
    docker_arch = DOCKER_ARCH[arch]
    version = project_version()
    platform = f"linux/{docker_arch}"
    docker = registry_engine.docker
    local = {}
    for flavour, tag in (("minimal", version), ("full", f"{version}-full")):
        reference = f"{registry.address}/pidone:{tag}"
        docker("pull", "--platform", platform, reference, timeout=300)
        local[flavour] = f"{IMAGE}-pulled-{flavour}:{docker_arch}"
        docker("tag", reference, local[flavour])
    # Pulled for this platform just above: the build's FROM finds it locally.
    app = docker.build(f"{IMAGE}-test-registry-app:{docker_arch}",
                       derived_dockerfile(f"{registry.address}/pidone:{version}", ["signals"]),
                       [binaries.testapp], platform)
    return Images(platform, local["minimal"], local["full"], app)


@dataclass(frozen=True)
class Source:
    """The images a test runs, and the engine that holds them."""

    docker: Docker
    images: Images


BOTH_SOURCES = pytest.mark.parametrize("source", ["dockerfile", "registry"], indirect=True)


@pytest.fixture
def source(request, arch, docker):
    """dockerfile: scripts/build-images.sh on this engine; registry: the
    release's images from the local registry, on an engine of their own."""
    if request.param == "dockerfile":
        return Source(docker, request.getfixturevalue("images"))
    return Source(request.getfixturevalue("registry_engine").docker,
                  request.getfixturevalue("registry_images"))


@pytest.fixture
def derive(images, binaries, docker):
    """Builds a derived image: derive(name, command, env=None, base=None)."""

    def build(name, command, env=None, base=None):
        dockerfile = derived_dockerfile(base or images.minimal, command, env)
        tag = f"{IMAGE}-test-{name}:{images.platform.split('/')[1]}"
        return docker.build(tag, dockerfile, [binaries.testapp], images.platform)

    return build


def container(docker, images, *command, image=None, **kwargs):
    return Container(docker, image or images.app, *command, platform=images.platform, **kwargs)


def host_uid(pid):
    return int(status_field(pid, "Uid").split()[0])


def comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def version_line(binaries):
    return run([binaries.pidone, "--version"]).stdout.strip()


# ---- 1. the image's layout ----

MINIMAL_TREE = {  # path: (kind, mode, uid, gid)
    "bin": ("dir", 0o755, 0, 0),
    "bin/pidone": ("file", 0o755, 0, 0),
    "sbin": ("dir", 0o755, 0, 0),
    "sbin/nologin": ("file", 0o755, 0, 0),
    "etc": ("dir", 0o755, 0, 0),
    "etc/passwd": ("file", 0o644, 0, 0),
    "etc/group": ("file", 0o644, 0, 0),
    "home": ("dir", 0o755, 0, 0),
    "home/nonroot": ("dir", 0o750, NONROOT, NONROOT),
    "root": ("dir", 0o700, 0, 0),
    "tmp": ("dir", 0o1777, 0, 0),
    "var": ("dir", 0o755, 0, 0),
    "var/tmp": ("dir", 0o1777, 0, 0),
    "usr": ("dir", 0o755, 0, 0),
    "usr/share": ("dir", 0o755, 0, 0),
    "usr/share/doc": ("dir", 0o755, 0, 0),
    "usr/share/doc/pidone": ("dir", 0o755, 0, 0),
    "usr/share/doc/pidone/LICENSE": ("file", 0o644, 0, 0),
}


def test_image_holds_only_pidone_nologin_the_accounts_and_the_licence(docker, images):
    entries = image_entries(docker, images.minimal)
    assert sorted(entries) == sorted(MINIMAL_TREE)
    for name, (kind, mode, uid, gid) in MINIMAL_TREE.items():
        entry = entries[name]
        assert (entry.kind, oct(entry.mode), entry.uid, entry.gid) == (kind, oct(mode), uid, gid), name
    assert entries["etc/passwd"].data.decode().splitlines() == [
        "root:x:0:0:root:/root:/sbin/nologin",
        "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin"]
    assert entries["etc/group"].data.decode().splitlines() == ["root:x:0:", "nonroot:x:65532:"]
    assert entries["usr/share/doc/pidone/LICENSE"].data == (REPO / "LICENSE").read_bytes()


def test_image_binaries_are_the_host_builds(docker, images, binaries):
    entries = image_entries(docker, images.minimal)
    in_image = docker.run(images.minimal, "--version", platform=images.platform,
                          options=("--entrypoint", "/bin/pidone")).stdout.strip()
    for name, built in (("bin/pidone", binaries.pidone), ("sbin/nologin", binaries.nologin)):
        assert entries[name].data == built.read_bytes(), (
            f"/{name} of {images.minimal} differs from {built}; versions: image {in_image!r}, "
            f"host build {version_line(binaries)!r} (the image is built at git HEAD: a host "
            f"build configured before the last commit reports an older one)")


def test_image_config_runs_pidone_as_nonroot_without_a_shell(docker, images, binaries):
    config = json.loads(docker.inspect(images.minimal, "{{json .Config}}"))
    assert config["Entrypoint"] == ["/bin/pidone"]
    assert config.get("Cmd") is None
    assert config["User"] == f"{NONROOT}:{NONROOT}"
    assert config["WorkingDir"] == "/home/nonroot"
    env = dict(item.split("=", 1) for item in config["Env"])
    assert (env["HOME"], env["USER"]) == ("/home/nonroot", "nonroot")
    labels = config["Labels"]
    version = re.fullmatch(r"pidone version (\S+) - git\.\S+", version_line(binaries)).group(1)
    assert labels["org.opencontainers.image.version"] == version
    in_image = docker.run(images.minimal, "--version", platform=images.platform).stdout
    assert f"git.{labels['org.opencontainers.image.revision']}\n" in in_image, in_image
    assert labels["org.opencontainers.image.licenses"] == "MIT"
    # No address until the project publishes somewhere (README: "The Docker image").
    assert "org.opencontainers.image.source" not in labels
    assert docker.inspect(images.minimal, "{{.Os}}/{{.Architecture}}") == images.platform


def test_image_size_is_its_files(docker, images, capsys):
    size = int(docker.inspect(images.minimal, "{{.Size}}"))
    files = sum(entry.size for entry in image_entries(docker, images.minimal).values())
    with capsys.disabled():
        print(f"\n{images.minimal}: {size} bytes ({size / 1024:.1f} KiB)")
    assert size == files
    if images.platform == "linux/amd64":
        assert size <= MINIMAL_IMAGE_LIMIT_AMD64


def test_runs_as_nonroot_with_home_and_workdir(docker, images):
    with container(docker, images) as app:
        app.client.ready()
        pidone = app.host_pid()
        (child,) = children_of(pidone)
        assert (host_uid(pidone), host_uid(child)) == (NONROOT, NONROOT)
    for command, expected in ((("env", "HOME"), "env HOME=/home/nonroot"),
                              (("env", "USER"), "env USER=nonroot"),
                              (("cwd",), "cwd /home/nonroot")):
        result = docker.run(images.app, "/app/testapp", *command, platform=images.platform)
        assert (result.code, result.stdout_lines) == (0, [expected])


def test_tmp_is_writable_by_nonroot(docker, images):
    marker = "/tmp/written-by-nonroot"
    with container(docker, images, "/app/testapp", "slow-term", "0", "0", marker,
                   remove=False) as app:
        app.client.ready()
        app.kill("TERM")
        assert app.client.wait() == 0
        assert f"A {marker}" in app.docker("diff", app.name).stdout_lines
        copied = app.copied_out(marker)
        assert (copied.uid, copied.gid) == (NONROOT, NONROOT)


def test_docker_run_arguments_are_pidones_options_or_the_command(docker, images):
    """No "--" in the ENTRYPOINT: pidone stops at the first non-option."""
    version = project_version()
    helped = docker.run(images.minimal, "--help", platform=images.platform)
    assert helped.code == 0 and helped.stdout.startswith("Usage: pidone"), helped
    shown = docker.run(images.minimal, "--version", platform=images.platform)
    assert shown.code == 0 and shown.stdout.startswith(f"pidone version {version} - git."), shown
    result = docker.run(images.app, "/app/testapp", "exit", "3", platform=images.platform)
    assert result.code == 3, result
    result = docker.run(images.app, "-e", "3", "/app/testapp", "exit", "3", platform=images.platform)
    assert result.code == 0, result  # -e 3: pidone's option, the application's 3 becomes 0


def test_dockerfile_and_release_images_hold_the_same_files_and_config(docker, images,
                                                                       registry_engine,
                                                                       registry_images):
    """The Dockerfile (build from source) and scripts/oci-image.py (the
    release, through the registry) make the same images but for dates."""
    for flavour in ("minimal", "full"):
        built = getattr(images, flavour)
        released = getattr(registry_images, flavour)
        assert image_entries(docker, built) == image_entries(registry_engine.docker, released), flavour
        configs = [json.loads(engine.inspect(image, "{{json .Config}}"))
                   for engine, image in ((docker, built), (registry_engine.docker, released))]
        fields = ("User", "Env", "WorkingDir", "Entrypoint", "Cmd", "Labels", "StopSignal", "Volumes",
                  "ExposedPorts")
        assert [{field: config.get(field) for field in fields} for config in configs] == \
            [{field: configs[1].get(field) for field in fields}] * 2, flavour
        assert docker.inspect(built, "{{.Os}}/{{.Architecture}}") == \
            registry_engine.docker.inspect(released, "{{.Os}}/{{.Architecture}}")


def test_nologin_exits_1_with_its_message(docker, images):
    result = docker.run(images.minimal, platform=images.platform,
                        options=("--entrypoint", "/sbin/nologin"))
    assert (result.code, result.stdout_lines) == (1, ["This account is currently not available."])


def test_pid1_is_pidone_and_the_app_its_child(docker, images):
    with container(docker, images) as app:
        ready = app.client.ready()
        assert ready.ppid == 1
        assert ready.pid == ready.pgid == ready.sid  # group mode: the app's own session
        pidone = app.host_pid()
        assert comm(pidone) == "pidone"
        assert [comm(child) for child in children_of(pidone)] == ["testapp"]


# ---- 2. a derived image ----

@BOTH_SOURCES
def test_docker_stop_returns_quickly_with_the_apps_exit_code(source, capsys):
    docker, images = source.docker, source.images
    with container(docker, images, "/app/testapp", "slow-term", "0", "7") as app:
        app.client.ready()
        elapsed = app.stop(10)
        assert app.client.wait() == 7
    with capsys.disabled():
        print(f"\n{images.platform}: docker stop of an app that handles SIGTERM: {elapsed:.2f} s")
    assert elapsed < QUICK_STOP


@BOTH_SOURCES
def test_default_sigterm_app_exits_143_at_once_unlike_a_bare_pid1(source, capsys):
    docker, images = source.docker, source.images
    with container(docker, images, "/app/testapp", "sleep") as app:
        app.client.ready()
        with_pidone = app.stop(10)
        assert app.client.wait() == 143
    with container(docker, images, "sleep", options=("--entrypoint", "/app/testapp")) as bare:
        assert bare.client.ready().pid == 1
        without_pidone = bare.stop(BARE_PID1_STOP_TIMEOUT)
        assert bare.client.wait() == 137  # PID 1 ignored SIGTERM: SIGKILL at the timeout
    with capsys.disabled():
        print(f"\n{images.platform}: docker stop, app with default SIGTERM: "
              f"{with_pidone:.2f} s under pidone (exit 143), {without_pidone:.2f} s as a bare "
              f"PID 1 (SIGKILL after -t {BARE_PID1_STOP_TIMEOUT}, exit 137)")
    assert with_pidone < QUICK_STOP
    assert without_pidone >= BARE_PID1_STOP_TIMEOUT * 0.9


@BOTH_SOURCES
def test_docker_kill_signals_reach_the_app(source, binaries):
    docker, images = source.docker, source.images
    realtime = SIGRTMIN + 6
    # qemu-user hands a real-time signal n from the host to the guest as n-2.
    realtime_seen = realtime - 2 if binaries.emulated else realtime
    with container(docker, images) as app:
        app.client.ready()
        for name, number in (("USR1", 10), ("HUP", 1), ("INT", 2), (str(realtime), realtime_seen)):
            app.kill(name)
            app.client.wait_line(f"signal {number}")


@BOTH_SOURCES
def test_orphans_leave_no_zombie(source):
    docker, images = source.docker, source.images
    with container(docker, images, "/app/testapp", "orphans", ORPHANS) as app:
        app.client.wait_line(f"orphans {ORPHANS}", timeout=120)
        app.client.ready()
        pidone = app.host_pid()
        wait_until(lambda: not zombie_children(pidone), message="pidone to reap every orphan")
        assert re.fullmatch(r"zombies 0 \d+", app.exec("/app/testapp", "zombies").stdout.strip())


HARDENED = ("--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", str(NONROOT))


def test_hardened_container_forwards_signals_reaps_and_stops(docker, images, binaries):
    """docker run --read-only --cap-drop ALL --security-opt no-new-privileges
    --user 65532: pidone needs no write, no capability and no privilege."""
    realtime = SIGRTMIN + 6
    # qemu-user hands a real-time signal n from the host to the guest as n-2.
    realtime_seen = realtime - 2 if binaries.emulated else realtime
    command = ("/app/testapp", "spawn", "orphans", ORPHANS, "--", "slow-term", "0", "7")
    with container(docker, images, *command, options=HARDENED) as app:
        app.client.ready("grandchild", timeout=120)
        app.client.ready()
        pidone = app.host_pid()
        assert host_uid(pidone) == NONROOT
        assert status_field(pidone, "CapEff") == "0000000000000000"
        assert status_field(pidone, "NoNewPrivs") == "1"
        wait_until(lambda: not zombie_children(pidone), message="pidone to reap every orphan")
        for name, number in (("USR1", 10), ("HUP", 1), ("INT", 2), (str(realtime), realtime_seen)):
            app.kill(name)
            app.client.wait_line(f"signal {number}")
            app.client.wait_line(f"grandchild signal {number}")
        elapsed = app.stop(10)
        assert app.client.wait() == 7
    # The grandchild blocks SIGTERM: it gets pidone's default grace period as
    # PID 1, then SIGKILL, well before docker's own.
    assert DEFAULT_GRACE <= elapsed < DEFAULT_GRACE + QUICK_STOP


@BOTH_SOURCES
def test_exit_codes_and_signal_deaths_are_docker_runs_status(source):
    docker, images = source.docker, source.images
    cases = [(("exit", code), code) for code in (0, 1, 3, 42, 255)]
    cases += [(("kill", signo), 128 + signo) for signo in (15, 11, 6)]
    for command, expected in cases:
        result = docker.run(images.app, "/app/testapp", *command, platform=images.platform)
        assert result.code == expected, (command, result.stderr)


def test_run_t_gives_the_app_the_terminal(docker, images, binaries):
    result = docker.run(images.app, "/app/testapp", "tty", platform=images.platform,
                        options=("-t",))
    # qemu-user 7.2 mistranslates ioctl(TIOCGSID): an emulated testapp always
    # reports session=no, so there only the foreground group is checked.
    expected = "foreground=yes" if binaries.emulated else "session=yes foreground=yes"
    assert result.code == 0
    assert re.fullmatch(rf"tty (session=\w+ )?{expected}", result.stdout.strip()), result.stdout


@pytest.mark.parametrize("terminal", [(), ("-t",)], ids=["no-terminal", "run-t"])
def test_stop_lets_a_worker_left_behind_clean_up_in_the_default_grace(docker, images, terminal):
    """docker stop: the application dies of SIGTERM at once; the worker it
    started (SIGTERM handled, SIGHUP not, as servers are) gets SIGTERM, no
    hangup, and finishes within pidone's default grace period."""
    with container(docker, images, "/app/testapp", "spawn", "worker", "0.5", "--", "sleep",
                   options=terminal) as app:
        app.client.ready("grandchild")
        elapsed = app.stop(10)
        assert app.client.wait() == 143
        app.client.wait_line("grandchild term-handled")
    assert elapsed < QUICK_STOP


def test_stop_kills_a_worker_ignoring_sigterm_at_the_default_deadline(docker, images, capsys):
    with container(docker, images, "/app/testapp", "spawn", "worker", "ignore", "--", "sleep",
                   options=("-t",)) as app:
        app.client.ready("grandchild")
        elapsed = app.stop(10)
        assert app.client.wait() == 143, "pidone, not docker's SIGKILL, ended the container"
    with capsys.disabled():
        print(f"\n{images.platform}: docker stop -t 10 with a worker ignoring SIGTERM: {elapsed:.2f} s")
    assert DEFAULT_GRACE <= elapsed < 10


def test_run_it_ctrl_c_stops_the_app(docker, images):
    master, slave = os.openpty()
    try:  # the App owns the pty master from here on
        app = container(docker, images, "/app/testapp", "sleep", options=("-it",),
                        stdin=slave, stdout=slave, stderr=slave, output_fd=master)
    finally:
        os.close(slave)
    with app:
        app.client.ready()
        os.write(master, b"\x03")  # the terminal's interrupt character
        assert app.client.wait() == 130


# ---- 3. configuration through ENV in a derived Dockerfile ----

GRACE_COMMAND = ["spawn", "slow-term", "1", "0", "/tmp/grace-marker", "--", "exit", "0"]


def test_env_pidone_grace_lets_what_remains_finish(docker, images, derive):
    graceful = derive("grace", GRACE_COMMAND, env={"PIDONE_GRACE": "5"})
    without_grace = derive("nograce", GRACE_COMMAND, env={"PIDONE_GRACE": "0"})
    for image, finishes in ((graceful, True), (without_grace, False)):
        with container(docker, images, image=image, remove=False) as app:
            app.client.ready("grandchild")
            assert app.client.wait_exited() == 0
            changes = app.docker("diff", app.name).stdout_lines
            assert ("grandchild term-handled" in app.client.lines) == finishes, image
            assert ("A /tmp/grace-marker" in changes) == finishes, image


def test_env_pidone_rewrite_rewrites_and_drops(docker, images, derive):
    image = derive("rewrite", ["signals"], env={"PIDONE_REWRITE": "USR1:HUP,USR2:0"})
    with container(docker, images, image=image) as app:
        app.client.ready()
        app.kill("USR2")
        app.kill("USR1")
        app.client.wait_line("signal 1")
        app.kill("WINCH")  # dequeued after USR2: once it arrives, USR2 was handled
        app.client.wait_line("signal 28")
        assert "signal 10" not in app.client.lines
        assert "signal 12" not in app.client.lines


def test_env_dumb_init_setsid_0_signals_the_child_only(docker, images, derive):
    command = ["spawn", "signals", "--", "signals"]
    single = derive("setsid0", command, env={"DUMB_INIT_SETSID": "0"})
    group_mode = ("/app/testapp", *command)
    for image, command_args, in_group_mode in ((images.app, group_mode, True),
                                               (single, (), False)):
        with container(docker, images, *command_args, image=image) as app:
            app.client.ready("grandchild")
            ready = app.client.ready()
            assert (ready.sid == ready.pid) == in_group_mode, ready
            app.kill("USR1")
            app.client.wait_line("signal 10")
            app.kill("USR2")
            app.client.wait_line("signal 12")
            if in_group_mode:
                app.client.wait_line("grandchild signal 12")
            else:
                assert not [l for l in app.client.lines if l.startswith("grandchild signal")]


# ---- 4. docker run --init with pidone as the daemon's init ----

@pytest.fixture(scope="session")
def init_daemon(arch, binaries, docker):
    daemon = PrivateDaemon(binaries.pidone)
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def bare_image(init_daemon, images, binaries):
    """An image without pidone: testapp alone, FROM scratch."""
    dockerfile = 'FROM scratch\nCOPY testapp /testapp\nCMD ["/testapp", "signals"]\n'
    return init_daemon.docker.build(f"{IMAGE}-test-bare:{images.platform.split('/')[1]}",
                                    dockerfile, [binaries.testapp], images.platform)


def test_daemon_info_shows_pidone_version(init_daemon, binaries):
    info = json.loads(init_daemon.docker("info", "--format", "{{json .}}").stdout)
    commit = re.fullmatch(r"pidone version \S+ - git\.(\S+)", version_line(binaries)).group(1)
    assert info["InitBinary"] == str(init_daemon.init_path)
    assert info["InitCommit"]["ID"] == commit
    log = init_daemon.log()
    assert "failed to parse" not in log and "failed to retrieve" not in log, log[-2000:]


def test_docker_run_init_runs_pidone_as_pid1(init_daemon, images, bare_image):
    with Container(init_daemon.docker, bare_image, "/testapp", "orphans", "500",
                   platform=images.platform,
                   options=("--init", "-e", "PIDONE_VERBOSE=1")) as app:
        app.client.stderr.wait_for(lambda line: line.startswith("[pidone] started /testapp"))
        app.client.wait_line("orphans 500", timeout=120)
        assert app.client.ready().ppid == 1
        docker_init = app.host_pid()
        assert comm(docker_init) == "docker-init"  # the daemon's init, bind-mounted
        app.kill("USR1")
        app.client.wait_line("signal 10")
        wait_until(lambda: not zombie_children(docker_init), message="the init to reap orphans")
        assert re.fullmatch(r"zombies 0 \d+", app.exec("/testapp", "zombies").stdout.strip())


# ---- 5. the full flavour ----

FULL_FILES = ("etc/ssl/certs/ca-certificates.crt", "etc/ssl/cert.pem", "usr/share/zoneinfo/UTC",
              "usr/share/zoneinfo/Europe/Berlin", "usr/share/zoneinfo/America/New_York")


def resolve(entries, name):
    """The entry a path leads to, following symlinks inside the image."""
    for _ in range(10):
        entry = entries[name]
        if entry.kind != "symlink":
            return entry
        target = entry.link
        name = (target.lstrip("/") if target.startswith("/")
                else os.path.normpath(os.path.join(os.path.dirname(name), target)))
    raise AssertionError(f"symlink loop at {name}")


def test_full_flavour_adds_only_the_ca_bundle_and_zoneinfo(docker, images):
    minimal = image_entries(docker, images.minimal)
    full = image_entries(docker, images.full)
    assert set(minimal) <= set(full)
    added = set(full) - set(minimal)
    allowed = ("etc/ssl/", "usr/share/zoneinfo/", "usr/share/doc/ca-certificates/",
               "usr/share/doc/tzdata/")
    assert not [n for n in added if not n.startswith(allowed)
                and n not in ("etc/ssl", "usr/share/zoneinfo", "usr/share/doc/ca-certificates",
                              "usr/share/doc/tzdata")]
    for package in ("ca-certificates", "tzdata"):
        assert full[f"usr/share/doc/{package}/copyright"].kind == "file"
    assert resolve(full, "etc/ssl/cert.pem") is full["etc/ssl/certs/ca-certificates.crt"]
    assert full["etc/ssl/certs/ca-certificates.crt"].size > 100_000
    for name in FULL_FILES:
        assert resolve(full, name).kind == "file", name


def test_full_flavour_files_are_readable_by_nonroot(docker, images, derive):
    full = image_entries(docker, images.full)
    image = derive("full", ["signals"], base=images.full)
    for name in FULL_FILES:
        result = docker.run(image, "/app/testapp", "read-file", f"/{name}",
                            platform=images.platform)
        assert (result.code, result.stdout_lines) == (0, [f"size {resolve(full, name).size}"]), \
            (name, result.stderr)
