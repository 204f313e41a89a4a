"""A registry of the tests' own (scripts/local-registry.sh: Debian's
docker-registry on 127.0.0.1, storage in the build tree) holding the
release's images as scripts/publish.sh pushes them."""

import hashlib
import json
import shutil
import socket
import uuid

from binaries import REPO
from harness import run



def published_tags(version):
    """{tag in the registry: the OCI archive's index it names}."""
    return {version: version, "latest": version, f"{version}-full": f"{version}-full",
            "full": f"{version}-full"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRegistry:
    """Started by the constructor, stopped (by its pid) by stop()."""

    def __init__(self):
        self.folder = REPO / "build" / "test-registry" / uuid.uuid4().hex[:12]
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self._script("start", self.port, self.folder)

    def _script(self, *args):
        done = run([REPO / "scripts" / "local-registry.sh", *args], timeout=60)
        assert done.code == 0, f"local-registry.sh {args[0]}: {done.stdout}{done.stderr}"
        return done

    def publish(self, archive):
        done = run([REPO / "scripts" / "publish.sh", "--archive", archive, "--tls-verify=false",
                    self.address], timeout=300)
        assert done.code == 0, f"publish.sh: {done.stdout}{done.stderr}"
        return done.stdout_lines

    def raw_manifest(self, tag):
        """`skopeo inspect --raw` of a tag: (digest of the bytes, parsed)."""
        done = run(["skopeo", "inspect", "--tls-verify=false", "--raw",
                    f"docker://{self.address}/pidone:{tag}"], timeout=60)
        assert done.code == 0, done.stderr
        return f"sha256:{hashlib.sha256(done.stdout.encode()).hexdigest()}", json.loads(done.stdout)

    def stop(self):
        self._script("stop", self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)
