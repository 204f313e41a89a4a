#!/usr/bin/python3
"""Assembles the pidone images, minimal and full, for amd64 and arm64, as an
OCI image layout, reproducibly: the same commit gives the same digests in any
folder, at any time, on any Debian 12 machine. Standard library only.

  usage: scripts/oci-image.py [--bin ARCH=DIR]... [--out DIR]
                              [--oci-archive FILE] [--docker-archive ARCH=FILE]...

--bin ARCH=DIR  pidone and nologin for ARCH (amd64, arm64); default
                build/x86_64/bin and build/aarch64/bin
--out DIR       the OCI image layout (default build/oci); its index.json names
                two image indexes: <version> (minimal) and <version>-full
--oci-archive   also writes the layout as one tar (skopeo's oci-archive:)
--docker-archive ARCH=FILE
                also writes ARCH's two images as a `docker load` tarball,
                tagged pidone:<version>-ARCH and pidone:<version>-full-ARCH,
                made of the layout's blobs

The file trees come from docker/assemble-rootfs.sh, as in the Dockerfile; the
full flavour's Debian files from docker/debian-files.txt's pinned packages.
Every date is the commit's; owners and modes are the trees'.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import project
from project import ROOT, git

NAME = "pidone"
DEFAULT_BIN = {"amd64": ROOT / "build/x86_64/bin", "arm64": ROOT / "build/aarch64/bin"}
PLATFORMS = {"amd64": {"architecture": "amd64", "os": "linux"},
             "arm64": {"architecture": "arm64", "os": "linux", "variant": "v8"}}
# What the Dockerfile's final stages set (Docker adds PATH to a FROM-scratch image).
ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
       "HOME=/home/nonroot", "USER=nonroot"]
USER = "65532:65532"
WORKING_DIR = "/home/nonroot"
ENTRYPOINT = ["/bin/pidone"]
DESCRIPTION = "FROM-scratch base image with pidone, a tiny init for containers, as ENTRYPOINT"
MEDIA = {
    "layer": "application/vnd.oci.image.layer.v1.tar+gzip",
    "config": "application/vnd.oci.image.config.v1+json",
    "manifest": "application/vnd.oci.image.manifest.v1+json",
    "index": "application/vnd.oci.image.index.v1+json",
}


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Layout:
    """Blobs written once each under DIR/blobs/sha256, by digest."""

    def __init__(self, folder):
        self.folder = folder
        (folder / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)

    def add(self, media_type, data, **extra):
        digest = sha256(data)
        (self.folder / "blobs" / "sha256" / digest).write_bytes(data)
        return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": len(data), **extra}

    def blob(self, descriptor):
        return (self.folder / "blobs" / "sha256" / descriptor["digest"].split(":")[1]).read_bytes()


def tar_entry(path, name, epoch):
    """The TarInfo of one path of a tree: its owner and mode, the commit's date."""
    info = os.lstat(path)
    entry = tarfile.TarInfo(name)
    entry.mode = stat.S_IMODE(info.st_mode)
    entry.uid, entry.gid, entry.uname, entry.gname = info.st_uid, info.st_gid, "", ""
    entry.mtime = epoch
    if stat.S_ISDIR(info.st_mode):
        entry.type = tarfile.DIRTYPE
    elif stat.S_ISLNK(info.st_mode):
        entry.type, entry.linkname = tarfile.SYMTYPE, os.readlink(path)
    elif stat.S_ISREG(info.st_mode):
        entry.size = info.st_size
    else:
        raise SystemExit(f"oci-image: {path}: only directories, files and symlinks belong in an image")
    return entry


def tree_paths(tree):
    """Every path under `tree`, relative, sorted by name (parents first)."""
    paths = []
    for directory, subdirectories, files in os.walk(tree):
        relative = Path(directory).relative_to(tree)
        paths += [relative / name for name in subdirectories + files]
    return sorted(paths, key=lambda path: path.parts)


def write_tar(output, entries):
    """A tar of (TarInfo, bytes or None) entries, in the order given."""
    with tarfile.open(fileobj=output, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for entry, data in entries:
            archive.addfile(entry, io.BytesIO(data) if data is not None else None)


def layer_tar(tree, epoch):
    buffer = io.BytesIO()
    entries = []
    for relative in tree_paths(tree):
        entry = tar_entry(tree / relative, relative.as_posix(), epoch)
        entries.append((entry, (tree / relative).read_bytes() if entry.isfile() else None))
    write_tar(buffer, entries)
    return buffer.getvalue()


def gzipped(data):
    """gzip without a file name or a date."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(data)
    return buffer.getvalue()


def rfc3339(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def image_config(arch, layers, version, commit, epoch):
    labels = {
        "org.opencontainers.image.title": NAME,
        "org.opencontainers.image.description": DESCRIPTION,
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": commit,
        "org.opencontainers.image.licenses": "MIT",
    }
    created = rfc3339(epoch)
    return {
        **PLATFORMS[arch],
        "created": created,
        "config": {"User": USER, "Env": ENV, "WorkingDir": WORKING_DIR,
                   "Entrypoint": ENTRYPOINT, "Labels": labels},
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{sha256(tar)}" for tar, _ in layers]},
        "history": [{"created": created, "created_by": f"docker/assemble-rootfs.sh: {what}"}
                    for _, what in layers],
    }


class Assembly:
    """The images of every architecture, their blobs in one layout."""

    def __init__(self, layout, version, commit, epoch):
        self.layout, self.version, self.commit, self.epoch = layout, version, commit, epoch
        self.images = {}  # (flavour, arch) -> (config bytes, [layer tar bytes])
        self.layers = {}  # sha256 of a layer tar -> its blob's descriptor

    def add_arch(self, arch, trees):
        layers = [(layer_tar(trees / "rootfs", self.epoch), "rootfs")]
        for flavour in ("minimal", "full"):
            if flavour == "full":
                layers.append((layer_tar(trees / "full", self.epoch), "full"))
            config = canonical_json(image_config(arch, layers, self.version, self.commit, self.epoch))
            self.images[(flavour, arch)] = (config, [tar for tar, _ in layers])

    def layer(self, tar):
        """The descriptor of a gzipped layer; each distinct tar compressed once."""
        key = sha256(tar)
        if key not in self.layers:
            self.layers[key] = self.layout.add(MEDIA["layer"], gzipped(tar))
        return self.layers[key]

    def manifest(self, flavour, arch):
        config, tars = self.images[(flavour, arch)]
        manifest = {
            "schemaVersion": 2,
            "mediaType": MEDIA["manifest"],
            "config": self.layout.add(MEDIA["config"], config),
            "layers": [self.layer(tar) for tar in tars],
        }
        return self.layout.add(MEDIA["manifest"], canonical_json(manifest),
                               platform=PLATFORMS[arch])

    def write_index(self, arches):
        indexes = []
        for flavour, tag in (("minimal", self.version), ("full", f"{self.version}-full")):
            index = {"schemaVersion": 2, "mediaType": MEDIA["index"],
                     "manifests": [self.manifest(flavour, arch) for arch in arches]}
            indexes.append(self.layout.add(
                MEDIA["index"], canonical_json(index),
                annotations={"org.opencontainers.image.ref.name": tag}))
        folder = self.layout.folder
        (folder / "oci-layout").write_bytes(canonical_json({"imageLayoutVersion": "1.0.0"}))
        (folder / "index.json").write_bytes(canonical_json(
            {"schemaVersion": 2, "mediaType": MEDIA["index"], "manifests": indexes}))

    def docker_archive(self, arch, output):
        """`docker load`'s format (manifest.json) over the layout's own blobs:
        the same config and gzipped layers, so the same image IDs."""
        files, manifest = {}, []
        for flavour, tag in (("minimal", f"{self.version}-{arch}"),
                             ("full", f"{self.version}-full-{arch}")):
            config, tars = self.images[(flavour, arch)]
            names = []
            for descriptor in (self.layout.add(MEDIA["config"], config), *map(self.layer, tars)):
                names.append(f"blobs/sha256/{descriptor['digest'].split(':')[1]}")
                files[names[-1]] = self.layout.blob(descriptor)
            manifest.append({"Config": names[0], "RepoTags": [f"{NAME}:{tag}"], "Layers": names[1:]})
        files["manifest.json"] = canonical_json(manifest)
        write_archive(output, files, self.epoch)


def write_archive(output, files, epoch):
    """A tar of {name: bytes}, its folders made explicit, sorted, dated `epoch`,
    owned by root, modes 0755 and 0644."""
    names = set(files)
    for name in files:
        parent = Path(name).parent
        while parent != Path("."):
            names.add(f"{parent.as_posix()}/")
            parent = parent.parent
    entries = []
    for name in sorted(names, key=lambda n: Path(n).parts):
        entry = tarfile.TarInfo(name.rstrip("/"))
        entry.mtime, entry.uid, entry.gid, entry.uname, entry.gname = epoch, 0, 0, "", ""
        if name.endswith("/"):
            entry.type, entry.mode = tarfile.DIRTYPE, 0o755
            entries.append((entry, None))
        else:
            entry.mode, entry.size = 0o644, len(files[name])
            entries.append((entry, files[name]))
    with open(output, "wb") as out:
        write_tar(out, entries)


def layout_files(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def arch_paths(values, option):
    paths = {}
    for value in values:
        arch, _, path = value.partition("=")
        if arch not in PLATFORMS or not path:
            raise SystemExit(f"oci-image: {option} {value}: expected ARCH=PATH, ARCH one of "
                             f"{', '.join(PLATFORMS)}")
        paths[arch] = Path(path).resolve()
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", action="append", default=[], metavar="ARCH=DIR")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "oci")
    parser.add_argument("--oci-archive", type=Path)
    parser.add_argument("--docker-archive", action="append", default=[], metavar="ARCH=FILE")
    parser.add_argument("--debs", type=Path, default=ROOT / "build" / "debian-files",
                        help="where the pinned Debian packages are downloaded (a cache)")
    options = parser.parse_args()
    bins = arch_paths(options.bin, "--bin") or DEFAULT_BIN
    docker_archives = arch_paths(options.docker_archive, "--docker-archive")
    if not set(docker_archives) <= set(bins):
        raise SystemExit("oci-image: --docker-archive for an architecture without --bin")

    os.umask(0o022)
    version = project.version()
    commit = git("rev-parse", "--short=7", "HEAD")
    epoch = project.commit_epoch()
    subprocess.run([ROOT / "docker" / "fetch-debian-files.sh", options.debs], check=True)

    out = options.out.resolve()
    subprocess.run(["rm", "-rf", out], check=True)
    assembly = Assembly(Layout(out), version, commit, epoch)
    with tempfile.TemporaryDirectory(prefix="pidone-oci-") as scratch:
        for arch, bin_dir in bins.items():
            trees = Path(scratch) / arch
            subprocess.run([ROOT / "docker" / "assemble-rootfs.sh", bin_dir, options.debs, trees],
                           check=True)
            assembly.add_arch(arch, trees)
    arches = [arch for arch in PLATFORMS if arch in bins]
    assembly.write_index(arches)
    if options.oci_archive:
        write_archive(options.oci_archive, layout_files(out), epoch)
    for arch, output in docker_archives.items():
        assembly.docker_archive(arch, output)
    for descriptor in json.loads((out / "index.json").read_bytes())["manifests"]:
        print(f"oci-image: {NAME}:{descriptor['annotations']['org.opencontainers.image.ref.name']}"
              f" {descriptor['digest']}")


if __name__ == "__main__":
    sys.exit(main())
