"""containerd helpers for the test modules: `ctr` against the containerd
that dockerd runs, in a namespace of the test session's own, with images
imported from Docker (`docker save` tarballs). remove_all() removes every
task, container, image and snapshot of that namespace, then the namespace.
"""

import shutil
import subprocess

from docker_support import Cli, save_into
from harness import App, run

SOCKET = "/run/docker/containerd/containerd.sock"
IMPORT_TIMEOUT = 300


def containerd_problem():
    """None when ctr can talk to dockerd's containerd, else why not."""
    if shutil.which("ctr") is None:
        return "ctr is not installed (it comes with containerd, which docker.io installs)"
    done = subprocess.run(["ctr", "--address", SOCKET, "version"], capture_output=True, text=True,
                          timeout=60)
    if done.returncode != 0:
        return f"no containerd answers on {SOCKET} (is dockerd running?): {done.stderr.strip()}"
    return None


class CtrClient(App):
    """A `ctr run` in the foreground: testapp's pids in its output are the
    container's, so close() kills only the client."""

    def seen_pids(self):
        return []


class Ctr(Cli):
    """The ctr CLI in one namespace."""

    def __init__(self, namespace):
        super().__init__()
        self.namespace = namespace

    def command(self, *args):
        return ["ctr", "--address", SOCKET, "--namespace", self.namespace, *map(str, args)]

    def import_from(self, docker, platform, *images):
        """Imports Docker's images; returns their names as containerd has them."""
        save_into(docker, images, self.command("images", "import", "--platform", platform, "-"),
                  IMPORT_TIMEOUT)
        return [image if "/" in image.split(":")[0] else f"docker.io/library/{image}"
                for image in images]

    def run_args(self, image, task_id, *command, platform, options=()):
        """`ctr run` in the foreground, container removed when the task
        exits. Without `command`, the image's ENTRYPOINT and CMD run; with
        one, it replaces both (as Kubernetes' `command:` does)."""
        return ["run", "--rm", "--platform", platform, *options, image, task_id, *command]

    def start(self, image, *command, platform, options=(), what="task", **app_kwargs):
        """Starts `ctr run` as a CtrClient; returns (task id, client)."""
        task_id = self.new_name(what)
        argv = self.command(*self.run_args(image, task_id, *command, platform=platform,
                                           options=options))
        return task_id, CtrClient(argv, **app_kwargs)

    def task_pid(self, task_id):
        """Host pid of the task's process."""
        for line in self("tasks", "ls").stdout_lines[1:]:
            fields = line.split()
            if fields and fields[0] == task_id:
                return int(fields[1])
        raise AssertionError(f"no task {task_id}")

    def kill(self, task_id, signal_name):
        self("tasks", "kill", "--signal", signal_name, task_id)

    def remove_all(self):
        """Removes whatever the namespace holds, then the namespace."""
        for task_id in self._ids("tasks", "ls"):
            self("tasks", "kill", "--signal", "SIGKILL", task_id, check=False)
            self("tasks", "delete", "--force", task_id, check=False)
        for container in self._ids("containers", "ls"):
            self("containers", "delete", container, check=False)
        images = self._ids("images", "ls")
        if images:
            self("images", "rm", "--sync", *images, check=False)
        for _ in range(10):  # a snapshot goes only after the ones on top of it
            snapshots = self._ids("snapshots", "ls")
            if not snapshots:
                break
            for key in snapshots:
                self("snapshots", "rm", key, check=False)
        run(["ctr", "--address", SOCKET, "namespaces", "remove", self.namespace])

    def _ids(self, *listing):
        return [line.split()[0] for line in self(*listing).stdout_lines[1:] if line.strip()]
