"""Podman helpers for the test modules: the podman CLI, rootful or as an
unprivileged user (rootless), with the verbs of docker_support.Docker, so
that docker_support.Container runs Podman containers as well. The engine is
prepared by scripts/podman-setup.sh; images come from Docker (`docker save`
tarballs, which `podman load` takes).
"""

import functools
import os
import pwd
import shutil

from binaries import REPO
from docker_support import SESSION_LABEL, Docker, save_into
from harness import run

ROOTLESS_USER = "pidone-rootless"
LOAD_TIMEOUT = 300


def podman_problem():
    """None when podman is installed, else why not."""
    if shutil.which("podman") is None:
        return "podman is not installed (scripts/install-deps.sh installs it)"
    if shutil.which("newuidmap") is None:
        return "newuidmap is missing: rootless podman needs uidmap (scripts/install-deps.sh)"
    return None


@functools.cache
def setup(user=ROOTLESS_USER):
    """Runs scripts/podman-setup.sh once; returns the user's XDG_RUNTIME_DIR."""
    done = run(["bash", REPO / "scripts" / "podman-setup.sh", user], timeout=120)
    if done.code != 0:
        raise AssertionError(f"scripts/podman-setup.sh failed: {done.stderr}")
    return done.stdout_lines[-1]


class Podman(Docker):
    """The podman CLI, as root or, given `user`, rootless as that user."""

    def __init__(self, user=None):
        super().__init__()
        self.user = user
        self._pods = []
        self._prefix = []
        if user is not None:
            account = pwd.getpwnam(user)
            self._prefix = ["runuser", "-u", user, "--", "env", f"HOME={account.pw_dir}",
                            f"XDG_RUNTIME_DIR={setup(user)}", f"USER={user}"]
        else:
            setup()

    @property
    def rootless(self):
        return self.user is not None

    def command(self, *args):
        return [*self._prefix, "podman", *map(str, args)]

    def load(self, docker, *images):
        """Loads images from Docker (`docker save | podman load`); they are
        removed with the rest by remove_created()."""
        save_into(docker, images, self.command("load"), LOAD_TIMEOUT)
        self._images.extend(images)

    def create_pod(self, *options):
        """`podman pod create` with no network; removed by remove_created()."""
        name = self.new_name("pod")
        self("pod", "create", "--name", name, "--network", "none", "--label", SESSION_LABEL,
             *options)
        self._pods.append(name)
        return name

    def remove_created(self):
        for pod in self._pods:
            self("pod", "rm", "-f", pod, check=False)
        self._pods.clear()
        super().remove_created()


def world_readable_copy(path, directory):
    """A copy of `path` that the rootless user can execute (the build tree
    may not be reachable for it)."""
    os.makedirs(directory, mode=0o755, exist_ok=True)
    target = os.path.join(directory, os.path.basename(path))
    shutil.copy2(path, target)
    os.chmod(target, 0o755)
    return target
