"""Docker helpers for the test modules: the docker CLI against an engine
(the machine's, or a private daemon of a test's own), images built from a
Dockerfile text, containers run in the foreground and always removed, and
the file tree of an image as its layers record it.

Every container runs with --network none and carries a label, so that
whatever a test leaves behind is removed by id at the end of the session.
"""

import io
import json
import os
import re
import shutil
import signal
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from binaries import REPO
from harness import DEADLINE, App, run, wait_until

DOCKER_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}
# The repository name scripts/build-images.sh tags the images with; tests
# that share one engine from several checkouts give each its own.
IMAGE = os.environ.get("PIDONE_IMAGE", "pidone")
IMAGE_BUILD_TIMEOUT = 1800  # a first run installs the builder's toolchain
DEFAULT_GRACE = 3.0  # pidone's grace period as PID 1, in seconds
NONROOT = 65532  # the images' user
SESSION_LABEL = f"pidone-test={uuid.uuid4().hex[:12]}"
# The legacy builder: the same path whether or not buildx is installed.
BUILD_ENV = dict(os.environ, DOCKER_BUILDKIT="0")
ENGINE_START_DEADLINE = 60.0


def project_version():
    text = (REPO / "CMakeLists.txt").read_text()
    return re.search(r"project\(pidone VERSION ([0-9.]+)", text).group(1)


def docker_problem(host=None):
    """None when a Docker engine answers, else why not."""
    if shutil.which("docker") is None:
        return "the docker client is not installed (scripts/install-deps.sh installs docker.io)"
    done = subprocess.run(["docker", *_host_args(host), "info", "--format", "{{.ServerVersion}}"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or not done.stdout.strip():
        return ("no Docker engine answers `docker info` (start one with "
                f"scripts/docker-engine.sh start): {done.stderr.strip()}")
    return None


def _host_args(host):
    return ["-H", host] if host else []


class Cli:
    """An engine's command-line client (docker, podman, ctr): `command()`
    gives its argv; calls run it to completion, failing on a non-zero status."""

    env = None

    def __init__(self):
        self._counter = 0

    def command(self, *args):
        raise NotImplementedError

    def __call__(self, *args, timeout=DEADLINE, check=True):
        """Runs the client with ARGS to completion (a harness Result)."""
        argv = self.command(*args)
        result = run(argv, timeout=timeout, env=self.env)
        if check and result.code != 0:
            raise AssertionError(f"{' '.join(map(str, argv))} exited {result.code}: "
                                 f"{result.stderr.strip()}")
        return result

    def new_name(self, what):
        """A name no other test of this session uses."""
        self._counter += 1
        return f"pidone-test-{os.getpid()}-{self._counter}-{what}"


class Docker(Cli):
    """The docker CLI against one engine; remembers what it creates."""

    env = BUILD_ENV

    def __init__(self, host=None):
        super().__init__()
        self.host = host
        self._images = []

    def command(self, *args):
        return ["docker", *_host_args(self.host), *map(str, args)]

    def run_args(self, image, *command, platform, options=(), remove=True):
        """`docker run` arguments: no network, labelled, removed at exit
        unless remove=False (then Container removes it)."""
        return ["run", *(["--rm"] if remove else []), "--network", "none",
                "--label", SESSION_LABEL, "--platform", platform, *options, image, *command]

    def run(self, image, *command, platform, options=(), timeout=DEADLINE):
        """Runs a container to completion; status as `docker run` returns it."""
        return self(*self.run_args(image, *command, platform=platform, options=options),
                    timeout=timeout, check=False)

    def build(self, tag, dockerfile, files, platform):
        """Builds `dockerfile` (text) with `files` (paths) in its context."""
        with tempfile.TemporaryDirectory(prefix="pidone-docker-context-") as context:
            for path in files:
                shutil.copy2(path, Path(context) / Path(path).name)
            (Path(context) / "Dockerfile").write_text(dockerfile)
            self("build", "--force-rm", "--network", "none", "--platform", platform,
                 "--label", SESSION_LABEL, "-t", tag, context, timeout=300)
        self._images.append(tag)
        return tag

    def inspect(self, what, template):
        return self("inspect", "-f", template, what).stdout.strip()

    def remove_created(self):
        """Removes this session's containers and the images built here."""
        containers = self("ps", "-aq", "--filter", f"label={SESSION_LABEL}", check=False)
        ids = containers.stdout.split()
        if ids:
            self("rm", "-f", *ids, check=False)
        if self._images:
            self("rmi", "-f", *self._images, check=False)
        self._images.clear()


class DockerClient(App):
    """A `docker run` client in the foreground: its output is the
    container's. The pids in testapp's lines are the container's own, not the
    host's, so close() kills only the client (Container removes the rest)."""

    def seen_pids(self):
        return []


class Container:
    """A named container run in the foreground (`docker run` attached),
    removed on exit from the `with` block."""

    def __init__(self, docker, image, *command, platform, options=(), remove=True,
                 **app_kwargs):
        self.docker = docker
        self.name = docker.new_name("run")
        argv = docker.command(*docker.run_args(image, *command, platform=platform,
                                               options=("--name", self.name, *options),
                                               remove=remove))
        self.client = DockerClient(argv, **app_kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.docker("rm", "-f", self.name, check=False)
        self.client.close()

    def host_pid(self):
        """Host pid of the container's PID 1 (0 once it has stopped)."""
        return int(self.docker.inspect(self.name, "{{.State.Pid}}"))

    def kill(self, signal_name):
        self.docker("kill", "-s", signal_name, self.name)

    def stop(self, timeout_seconds):
        """`docker stop -t`; returns how long it took."""
        return self.docker("stop", "-t", timeout_seconds, self.name,
                           timeout=timeout_seconds + DEADLINE).elapsed

    def exec(self, *command):
        return self.docker("exec", self.name, *command)

    def copied_out(self, path):
        """The tar header of `path` as `docker cp` copies it out (owner, mode)."""
        copied = subprocess.run(self.docker.command("cp", f"{self.name}:{path}", "-"),
                                capture_output=True, timeout=DEADLINE, check=True)
        with tarfile.open(fileobj=io.BytesIO(copied.stdout)) as archive:
            (member,) = archive.getmembers()
        return member


@dataclass(frozen=True)
class ImageEntry:
    """One path of an image's file tree, as its layers record it."""

    name: str
    kind: str  # "file", "dir" or "symlink"
    mode: int
    uid: int
    gid: int
    size: int
    link: str
    data: bytes  # contents of small regular files


def image_entries(docker, image, keep_data_below=65536):
    """Every path of `image`, merged over its layers (these images have no
    deletions), read from `docker save`."""
    saved = subprocess.Popen(docker.command("save", image), stdout=subprocess.PIPE)
    entries = {}
    layers = {}
    with tarfile.open(fileobj=saved.stdout, mode="r|") as archive:
        for member in archive:
            if member.name.endswith("/layer.tar"):
                layers[member.name] = archive.extractfile(member).read()
            elif member.name == "manifest.json":
                manifest = json.load(archive.extractfile(member))
    if saved.wait(DEADLINE) != 0:
        raise AssertionError(f"docker save {image} failed")
    for layer_name in manifest[0]["Layers"]:
        with tarfile.open(fileobj=io.BytesIO(layers[layer_name])) as layer:
            for member in layer.getmembers():
                name = member.name.rstrip("/")
                kind = "dir" if member.isdir() else "symlink" if member.issym() else "file"
                data = b""
                if member.isfile() and member.size < keep_data_below:
                    data = layer.extractfile(member).read()
                entries[name] = ImageEntry(name, kind, member.mode & 0o7777, member.uid, member.gid,
                                           member.size, member.linkname, data)
    return entries


class PrivateDaemon:
    """A second dockerd, all its state under one temporary folder (data root,
    exec root, pid file, unix socket), for `docker run --init` with an init
    of our choosing. Stopped (by its pid) and removed by stop()."""

    def __init__(self, init_path):
        # Short: containerd's sockets live under the exec root.
        self.root = Path(tempfile.mkdtemp(prefix="pidone-dockerd-", dir="/tmp"))
        self.log_path = self.root / "dockerd.log"
        self.host = f"unix://{self.root}/docker.sock"
        self.init_path = Path(init_path).resolve()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                ["dockerd", "--host", self.host, "--data-root", self.root / "data",
                 "--exec-root", self.root / "exec", "--pidfile", self.root / "dockerd.pid",
                 "--init-path", self.init_path,
                 "--bridge=none", "--iptables=false", "--ip6tables=false"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.docker = Docker(self.host)
        try:
            wait_until(self._answers, timeout=ENGINE_START_DEADLINE, interval=0.2,
                       message=f"the test dockerd to answer (log: {self.log_path})")
        except BaseException:
            self.stop()
            raise

    def _answers(self):
        if self.process.poll() is not None:
            raise AssertionError(f"the test dockerd exited {self.process.returncode}: "
                                 f"{self.log()[-2000:]}")
        return docker_problem(self.host) is None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        self.docker.remove_created()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(ENGINE_START_DEADLINE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(DEADLINE)
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass(frozen=True)
class Images:
    """The product images of one architecture and a derived application
    image (FROM the minimal one, testapp as the application)."""

    platform: str
    minimal: str
    full: str
    app: str


def derived_dockerfile(base, command, env=None):
    """A Dockerfile as a user writes it on top of the image."""
    lines = [f"FROM {base}", "COPY testapp /app/testapp"]
    lines += [f"ENV {name}={value}" for name, value in (env or {}).items()]
    lines.append(f"CMD {json.dumps(['/app/testapp', *command])}")
    return "\n".join(lines) + "\n"


def save_into(docker, images, command, timeout):
    """Runs `docker save IMAGES | COMMAND` (podman load, ctr images import);
    raises with COMMAND's errors when either side fails."""
    saved = subprocess.Popen(docker.command("save", *images), stdout=subprocess.PIPE)
    try:
        loaded = subprocess.run(command, stdin=saved.stdout, capture_output=True, timeout=timeout)
    finally:
        saved.stdout.close()
        saved_code = saved.wait(DEADLINE)
    if saved_code != 0 or loaded.returncode != 0:
        raise AssertionError(f"docker save {' '.join(images)} | {' '.join(command)} failed: "
                             f"{loaded.stderr.decode(errors='replace')}")
