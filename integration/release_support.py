"""Releases built by scripts/release.sh for the tests: the README's command
run in this checkout (signed with a throwaway minisign key), and the same
commit rebuilt in a clone elsewhere; helpers to read what dist/ holds."""

import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from binaries import REPO
from docker_support import project_version

RELEASE_TIMEOUT = 1800
SOURCE_MTIME = 1_000_000_000  # the second build's sources are dated 2001


@dataclass(frozen=True)
class Release:
    source: Path
    dist: Path
    commit: str  # the full hash of HEAD when the build started

    def path(self, name):
        return self.dist / name

    @property
    def oci_archive(self):
        return self.dist / f"pidone_{project_version()}_image_oci.tar"

    def oci_index_digests(self):
        """{tag: digest} of the image indexes in the OCI archive."""
        index = json.loads(self.oci_blob("index.json"))
        return {entry["annotations"]["org.opencontainers.image.ref.name"]: entry["digest"]
                for entry in index["manifests"]}

    def oci_blob(self, name_or_digest):
        """A file of the OCI archive: 'index.json', or a blob by its digest."""
        name = name_or_digest
        if name.startswith("sha256:"):
            name = f"blobs/sha256/{name.split(':', 1)[1]}"
        with tarfile.open(self.oci_archive) as archive:
            return archive.extractfile(name).read()

    def oci_manifests(self, tag):
        """{docker arch: (manifest digest, config digest)} of one index."""
        index = json.loads(self.oci_blob(self.oci_index_digests()[tag]))
        found = {}
        for entry in index["manifests"]:
            manifest = json.loads(self.oci_blob(entry["digest"]))
            found[entry["platform"]["architecture"]] = (entry["digest"], manifest["config"]["digest"])
        return found


@dataclass(frozen=True)
class SigningKey:
    public: Path
    secret: Path


def git(*args, cwd=REPO):
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def in_git_checkout():
    done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--show-toplevel"],
                          capture_output=True, text=True, timeout=60)
    return done.returncode == 0 and Path(done.stdout.strip()) == REPO


def working_tree_files():
    """Tracked and untracked (not ignored) files of the checkout, as they are now."""
    listing = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate")
    return [name for name in listing.split("\0") if name]


def copy_working_tree(destination):
    """The working tree's files (no .git) copied to `destination`, modes kept."""
    for name in working_tree_files():
        source = REPO / name
        target = destination / name
        if source.is_symlink() or source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
        elif target.exists():  # deleted in the working tree
            target.unlink()


def head_commit(cwd=REPO):
    return git("rev-parse", "HEAD", cwd=cwd).strip()


def clone_with_working_tree(destination, commit):
    """A clone at `commit` with the working tree's changes on top: the same
    sources in another folder. Every source file is dated SOURCE_MTIME."""
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", "--no-hardlinks", str(REPO),
                    str(destination)], check=True, timeout=120)
    git("checkout", "--quiet", "--detach", commit, cwd=destination)
    copy_working_tree(destination)
    for directory, subdirectories, files in os.walk(destination):
        subdirectories[:] = [name for name in subdirectories if name != ".git"]
        for name in files:
            os.utime(Path(directory) / name, (SOURCE_MTIME, SOURCE_MTIME), follow_symlinks=False)


def make_signing_key(folder):
    """A throwaway minisign key pair without a password."""
    key = SigningKey(folder / "release.pub", folder / "release.key")
    subprocess.run(["minisign", "-G", "-W", "-p", key.public, "-s", key.secret],
                   check=True, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return key


def run_release(source, dist, sign_key=None, env=None, umask=None):
    args = [str(source / "scripts" / "release.sh"), "--dist", str(dist)]
    if sign_key:
        args += ["--sign-key", str(sign_key)]
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    commit = head_commit(source)
    done = subprocess.run(args, cwd=source, capture_output=True, text=True, timeout=RELEASE_TIMEOUT,
                          env=env, preexec_fn=preexec, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n"
                    f"{done.stderr[-3000:]}")
    return Release(source, dist, commit)
