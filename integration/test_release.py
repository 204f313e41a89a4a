"""The release (scripts/release.sh): what dist/ holds and SHA256SUMS, the
reproducibility of the binaries and Debian packages (the same commit rebuilt
later in another folder gives the same bytes, dated by the commit, with no
build path inside), the packages themselves (lintian, installing into a
scratch root, --version from there), the image tarballs (loaded into an empty
Docker engine), the manual page against --help, and the integration suite run
against the released binaries, as a user who downloads them would.

The release is built twice: once from this checkout as the README says (into
a temporary dist folder, signed with a throwaway key: conftest.py's
`release`), once from a clone of the same commit with the same working-tree
changes, in another folder, later, unsigned. The images, their SBOMs and the
signature are tested here as files; test_oci.py pushes them to a registry.
"""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

import pytest

from binaries import REPO, arch_problem, binaries_for, native_arch, unavailable
from docker_support import DOCKER_ARCH, PrivateDaemon, docker_problem, image_entries, project_version
from harness import run
from release_support import clone_with_working_tree, copy_working_tree, git, head_commit, in_git_checkout, run_release

ARCHES = ("x86_64", "aarch64")
BUILD_TIMEOUT = 300
# Modules of the integration suite run against the released binaries.
RELEASED_BINARY_SUITE = ("test_exit_status.py", "test_nologin.py", "test_options.py",
                         "test_output.py", "test_signals.py")
PACKAGE_FILES = [
    "usr/bin/pidone",
    "usr/share/doc/pidone/changelog.gz",
    "usr/share/doc/pidone/copyright",
    "usr/share/lintian/overrides/pidone",
    "usr/share/man/man1/pidone.1.gz",
]


# ---- the second release ----

@pytest.fixture(scope="module")
def rebuild(release, tmp_path_factory):
    """The same commit, later, from another folder, with another umask and
    time zone, unsigned."""
    folder = tmp_path_factory.mktemp("rebuild-elsewhere")
    source = folder / "another-checkout-of-pidone"
    clone_with_working_tree(source, release.commit)
    env = dict(os.environ, TZ="Pacific/Kiritimati", LANG="C.UTF-8")
    return run_release(source, folder / "dist", env=env, umask=0o027)


@pytest.fixture(scope="module")
def version():
    return project_version()


def released(release, name):
    return release.dist / name


def binary_name(program, version, arch):
    return f"{program}_{version}_{arch}"


def deb_name(version, arch):
    return f"pidone_{version}_{DOCKER_ARCH[arch]}.deb"


def image_tarball_name(version, arch):
    return f"pidone_{version}_image_{DOCKER_ARCH[arch]}.tar"


def runnable(arch):
    problem = arch_problem(arch)
    if problem:
        unavailable(problem)


# ---- reading .deb files ----

def ar_members(path):
    """(name, mtime, data) of each member of an ar archive (a .deb)."""
    blob = path.read_bytes()
    assert blob.startswith(b"!<arch>\n"), f"{path} is not an ar archive"
    members, offset = [], 8
    while offset < len(blob):
        header = blob[offset:offset + 60]
        name = header[0:16].decode().strip().rstrip("/")
        mtime = int(header[16:28].decode().strip())
        size = int(header[48:58].decode().strip())
        offset += 60
        members.append((name, mtime, blob[offset:offset + size]))
        offset += size + (size % 2)
    return members


def deb_tarballs(path):
    """{'control': TarFile, 'data': TarFile} of a .deb."""
    tarballs = {}
    for name, _, data in ar_members(path):
        if name.startswith(("control.tar", "data.tar")):
            tarballs[name.split(".")[0]] = tarfile.open(fileobj=io.BytesIO(data))
    return tarballs


def deb_file_contents(path):
    """{member name: bytes} of every regular file in a .deb (control and data),
    .gz files decompressed."""
    contents = {}
    for part, tarball in deb_tarballs(path).items():
        for member in tarball.getmembers():
            if member.isfile():
                data = tarball.extractfile(member).read()
                name = f"{part}:{member.name.lstrip('./')}"
                contents[name] = gzip.decompress(data) if name.endswith(".gz") else data
    return contents


# ---- dist/ and SHA256SUMS ----

SIGNATURE = "SHA256SUMS.minisig"


def expected_names(version):
    names = {"SHA256SUMS", "LICENSE", f"pidone_{version}_image_oci.tar",
             sbom_name(version, "minimal"), sbom_name(version, "full")}
    for arch in ARCHES:
        names |= {binary_name("pidone", version, arch), binary_name("nologin", version, arch),
                  deb_name(version, arch), image_tarball_name(version, arch)}
    return names


def sbom_name(version, flavour):
    return f"pidone_{version}_{'full_' if flavour == 'full' else ''}sbom.spdx.json"


def test_release_holds_binaries_packages_images_sboms_licence_and_signed_checksums(release, version):
    assert {path.name for path in release.dist.iterdir()} == expected_names(version) | {SIGNATURE}


def test_sha256sums_covers_every_released_file_and_verifies(release):
    listed = {line.split("  ", 1)[1] for line in (release.dist / "SHA256SUMS").read_text().splitlines()}
    assert listed == {path.name for path in release.dist.iterdir()} - {"SHA256SUMS", SIGNATURE}
    check = run(["sha256sum", "-c", "SHA256SUMS"], cwd=release.dist, timeout=120)
    assert check.code == 0, check.stdout + check.stderr
    assert sorted(check.stdout_lines) == sorted(f"{name}: OK" for name in listed)


def test_released_binaries_are_static_and_for_their_architecture(release, version):
    machines = {"x86_64": "x86-64", "aarch64": "ARM aarch64"}
    for arch in ARCHES:
        for program in ("pidone", "nologin"):
            path = released(release, binary_name(program, version, arch))
            assert os.access(path, os.X_OK), path
            kind = run(["file", "-b", path]).stdout
            assert "statically linked" in kind and machines[arch] in kind, f"{path}: {kind}"


# ---- reproducibility ----

def test_rebuild_elsewhere_later_gives_an_identical_dist_signature_aside(release, rebuild, version):
    if head_commit() != release.commit:
        pytest.fail(f"{REPO} moved from {release.commit} to {head_commit()} during the test: "
                    "the rebuild's working-tree changes may differ")
    names = sorted(expected_names(version))
    assert sorted(path.name for path in rebuild.dist.iterdir()) == names
    differing = [name for name in names
                 if released(release, name).read_bytes() != released(rebuild, name).read_bytes()]
    assert differing == [], f"differ between {release.source} and {rebuild.source}: {differing}"


def test_released_files_hold_no_build_path(release, rebuild, version):
    needles = {str(REPO).encode(), str(rebuild.source).encode(), b"/tmp/", b"build/release"}
    for arch in ARCHES:
        files = {name: released(release, name).read_bytes()
                 for name in (binary_name("pidone", version, arch),
                              binary_name("nologin", version, arch))}
        files |= deb_file_contents(released(release, deb_name(version, arch)))
        for name, data in files.items():
            found = [needle.decode() for needle in needles if needle in data]
            assert found == [], f"{name} ({arch}) holds {found}"


def commit_epoch(release):
    return int(git("log", "-1", "--format=%ct", release.commit).strip())


def test_package_dates_are_the_commit_date(release, version):
    epoch = commit_epoch(release)
    for arch in ARCHES:
        path = released(release, deb_name(version, arch))
        assert {name: mtime for name, mtime, _ in ar_members(path)} == {
            "debian-binary": epoch, "control.tar.gz": epoch, "data.tar.xz": epoch}
        for part, tarball in deb_tarballs(path).items():
            for member in tarball.getmembers():
                assert member.mtime == epoch, f"{path.name} {part}:{member.name}"
                assert (member.uid, member.gid, member.uname, member.gname) == (0, 0, "root", "root")
        changelog = deb_file_contents(path)["data:usr/share/doc/pidone/changelog.gz"].decode()
        stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(epoch))
        assert changelog.rstrip("\n").endswith(f"  {stamp}"), changelog


def test_compressed_package_files_carry_no_name_or_date(release, version):
    tarball = deb_tarballs(released(release, deb_name(version, "x86_64")))["data"]
    for name in ("usr/share/man/man1/pidone.1.gz", "usr/share/doc/pidone/changelog.gz"):
        header = tarball.extractfile(f"./{name}").read()[:10]
        flags, mtime = header[3], int.from_bytes(header[4:8], "little")
        assert (flags & 0x08, mtime) == (0, 0), f"{name}: gzip header with a name or a date"
        assert header[8] == 2, f"{name}: not compressed with -9"


def expected_version_line(release, version):
    commit = git("rev-parse", "--short=7", release.commit).strip()
    return f"pidone version {version} - git.{commit}"


@pytest.mark.parametrize("arch", ARCHES)
def test_released_version_names_the_commit(release, version, arch):
    runnable(arch)
    result = run([released(release, binary_name("pidone", version, arch)), "--version"])
    assert (result.code, result.stdout) == (0, expected_version_line(release, version) + "\n")


def test_version_built_outside_a_checkout_is_unknown(tmp_path, version):
    if not in_git_checkout():
        unavailable(f"{REPO} is not a git checkout")
    source = tmp_path / "pidone-without-git"
    copy_working_tree(source)
    build = tmp_path / "build"
    for command in (["cmake", "--preset", "x86_64", "-B", build],
                    ["cmake", "--build", build, "--target", "pidone"]):
        done = run(command, cwd=source, timeout=BUILD_TIMEOUT)
        assert done.code == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = run([build / "bin" / "pidone", "--version"])
    assert result.stdout == f"pidone version {version} - git.unknown\n"


# ---- the Debian packages ----

def test_lintian_reports_no_error_or_warning(release, version):
    debs = [released(release, deb_name(version, arch)) for arch in ARCHES]
    result = run(["lintian", "--fail-on", "none", *debs], timeout=300)
    problems = [line for line in result.stdout_lines if line.startswith(("E:", "W:"))]
    assert result.code == 0 and problems == [], result.stdout + result.stderr


class ScratchRoot:
    """An empty dpkg database in a folder: packages install there, not on
    the machine (its dpkg log included)."""

    def __init__(self, folder):
        self.folder = folder
        for sub in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log"):
            (folder / sub).mkdir(parents=True)
        (folder / "var/lib/dpkg/status").touch()

    def dpkg(self, *args):
        result = run(["dpkg", f"--root={self.folder}", f"--log={self.folder}/var/log/dpkg.log",
                      *args], timeout=120)
        assert result.code == 0, f"dpkg {' '.join(map(str, args))}: {result.stdout}{result.stderr}"
        return result

    def files(self):
        return sorted(str(path.relative_to(self.folder)) for path in self.folder.rglob("*")
                      if not path.is_dir() and not str(path.relative_to(self.folder)).startswith("var/"))


@pytest.mark.parametrize("arch", ARCHES)
def test_package_installs_runs_and_removes_cleanly(release, version, arch, tmp_path):
    runnable(arch)
    root = ScratchRoot(tmp_path / "root")
    if arch != native_arch():
        root.dpkg("--add-architecture", DOCKER_ARCH[arch])
    root.dpkg("--install", released(release, deb_name(version, arch)))
    assert root.files() == PACKAGE_FILES
    pidone = root.folder / "usr/bin/pidone"
    assert pidone.read_bytes() == released(release, binary_name("pidone", version, arch)).read_bytes()
    assert oct(pidone.stat().st_mode & 0o7777) == oct(0o755)
    result = run([pidone, "--version"])
    assert (result.code, result.stdout) == (0, expected_version_line(release, version) + "\n")
    manual = gzip.decompress((root.folder / "usr/share/man/man1/pidone.1.gz").read_bytes())
    assert manual == (REPO / "man" / "pidone.1").read_bytes()
    root.dpkg("--remove", "pidone")
    assert root.files() == []


def test_package_ships_no_nologin_and_declares_itself(release, version):
    for arch in ARCHES:
        path = released(release, deb_name(version, arch))
        names = [member.name for member in deb_tarballs(path)["data"].getmembers()]
        assert not [name for name in names if "nologin" in name], names
        fields = run(["dpkg-deb", "--field", path, "Package", "Version", "Architecture"]).stdout
        assert fields.splitlines() == ["Package: pidone", f"Version: {version}",
                                       f"Architecture: {DOCKER_ARCH[arch]}"]


# ---- the images: OCI archive, docker-load tarballs ----

@pytest.fixture(scope="module")
def empty_engine(release, version):
    """A Docker engine of our own that has never seen an image (no registry
    either: the tarballs must be self-contained)."""
    problem = docker_problem()
    if problem:
        unavailable(problem)
    daemon = PrivateDaemon(released(release, binary_name("pidone", version, native_arch())))
    yield daemon
    daemon.stop()


@pytest.fixture(scope="module", params=ARCHES)
def loaded_image(request, release, version, empty_engine):
    """(arch, tag, `docker load` output) of one image tarball loaded into the empty engine."""
    arch = request.param
    runnable(arch)
    loaded = empty_engine.docker("load", "-i", released(release, image_tarball_name(version, arch)),
                                 timeout=120)
    return arch, f"pidone:{version}-{DOCKER_ARCH[arch]}", loaded.stdout


def test_image_tarball_loads_the_release_images_and_runs(release, empty_engine, loaded_image, version):
    arch, tag, output = loaded_image
    docker_arch = DOCKER_ARCH[arch]
    full_tag = f"pidone:{version}-full-{docker_arch}"
    assert sorted(re.findall(r"Loaded image: (\S+)", output)) == sorted([tag, full_tag])
    docker, platform = empty_engine.docker, f"linux/{docker_arch}"
    for image, index in ((tag, version), (full_tag, f"{version}-full")):
        assert docker.inspect(image, "{{.Os}}/{{.Architecture}}") == platform
        _, config = release.oci_manifests(index)[docker_arch]
        assert docker.inspect(image, "{{.Id}}") == config, "not the OCI archive's image"
    result = docker.run(tag, "--version", platform=platform)
    assert (result.code, result.stdout) == (0, expected_version_line(release, version) + "\n")


def test_image_tarball_holds_the_released_binaries_and_licence(release, empty_engine, loaded_image, version):
    arch, tag, _ = loaded_image
    entries = image_entries(empty_engine.docker, tag)
    for name, program in (("bin/pidone", "pidone"), ("sbin/nologin", "nologin")):
        released_binary = released(release, binary_name(program, version, arch)).read_bytes()
        assert entries[name].data == released_binary, f"/{name} of {tag} is not the released {program}"
    assert entries["usr/share/doc/pidone/LICENSE"].data == (REPO / "LICENSE").read_bytes()


def oci_layers(release):
    """{digest: gzipped bytes} of every layer blob in the OCI archive."""
    layers = {}
    for tag in release.oci_index_digests():
        for manifest_digest, _ in release.oci_manifests(tag).values():
            for layer in json.loads(release.oci_blob(manifest_digest))["layers"]:
                layers[layer["digest"]] = release.oci_blob(layer["digest"])
    return layers


def test_oci_archive_holds_both_flavours_for_both_platforms(release, version):
    assert sorted(release.oci_index_digests()) == [version, f"{version}-full"]
    for tag in (version, f"{version}-full"):
        index = json.loads(release.oci_blob(release.oci_index_digests()[tag]))
        assert [entry["platform"] for entry in index["manifests"]] == [
            {"architecture": "amd64", "os": "linux"},
            {"architecture": "arm64", "os": "linux", "variant": "v8"}]


def test_oci_blobs_match_their_digests(release):
    with tarfile.open(release.oci_archive) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("blobs/sha256/"):
                data = archive.extractfile(member).read()
                assert hashlib.sha256(data).hexdigest() == member.name.rsplit("/", 1)[1]


def test_image_layers_are_dated_by_the_commit_and_owned_as_the_dockerfile_says(release):
    epoch = commit_epoch(release)
    for digest, blob in oci_layers(release).items():
        flags, mtime = blob[3], int.from_bytes(blob[4:8], "little")
        assert (flags & 0x08, mtime) == (0, 0), f"{digest}: gzip header with a name or a date"
        with tarfile.open(fileobj=io.BytesIO(blob)) as layer:
            members = layer.getmembers()
        names = [member.name for member in members]
        assert names == sorted(names, key=lambda name: name.split("/")), f"{digest}: not sorted"
        for member in members:
            owner = 65532 if member.name == "home/nonroot" else 0
            assert (member.mtime, member.uid, member.gid, member.uname, member.gname) == (
                epoch, owner, owner, "", ""), f"{digest}: {member.name}"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    for tag in release.oci_index_digests():
        for _, config in release.oci_manifests(tag).values():
            assert json.loads(release.oci_blob(config))["created"] == stamp


# ---- SBOMs and the signature ----

def pinned_debian_packages():
    lines = (REPO / "docker" / "debian-files.txt").read_text().splitlines()
    return [line.split(None, 2) for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("flavour", ["minimal", "full"])
def test_sbom_names_pidone_nologin_and_the_debian_packages_carried(release, version, flavour):
    sbom = json.loads(released(release, sbom_name(version, flavour)).read_text())
    assert (sbom["spdxVersion"], sbom["dataLicense"]) == ("SPDX-2.3", "CC0-1.0")
    packages = {package["name"]: package for package in sbom["packages"]}
    for program in ("pidone", "nologin"):
        package = packages.pop(program)
        assert (package["versionInfo"], package["licenseDeclared"]) == (version, "MIT")
        assert release.commit in package["sourceInfo"]
    checksums = {file["fileName"]: file["checksums"][0]["checksumValue"] for file in sbom["files"]}
    assert checksums == {
        f"./{'bin' if program == 'pidone' else 'sbin'}/{program} ({DOCKER_ARCH[arch]})":
            hashlib.sha256(released(release, binary_name(program, version, arch)).read_bytes()).hexdigest()
        for program in ("pidone", "nologin") for arch in ARCHES}
    expected = pinned_debian_packages() if flavour == "full" else []
    assert sorted((name, package["versionInfo"], package["licenseDeclared"])
                  for name, package in packages.items()) == sorted(map(tuple, expected))
    described = {rel["relatedSpdxElement"] for rel in sbom["relationships"]
                 if rel["relationshipType"] == "DESCRIBES"}
    assert described == {package["SPDXID"] for package in sbom["packages"]}


def minisign_verify(public_key, folder):
    return run(["minisign", "-V", "-p", public_key, "-m", folder / "SHA256SUMS"], timeout=60)


def test_signature_verifies_and_a_tampered_checksum_list_fails(release, signing_key, tmp_path):
    verified = minisign_verify(signing_key.public, release.dist)
    assert verified.code == 0, verified.stdout + verified.stderr
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    shutil.copy(release.dist / SIGNATURE, tampered)
    lines = (release.dist / "SHA256SUMS").read_text().splitlines()
    forged = "0" * 64 + lines[0][64:]
    (tampered / "SHA256SUMS").write_text("\n".join([forged, *lines[1:]]) + "\n")
    refused = minisign_verify(signing_key.public, tampered)
    assert refused.code != 0 and "verification failed" in (refused.stdout + refused.stderr).lower()


def test_a_tampered_released_file_fails_the_signed_checksums(release, tmp_path):
    copy = tmp_path / "dist"
    shutil.copytree(release.dist, copy)
    with open(copy / "LICENSE", "a") as licence:
        licence.write("tampered\n")
    check = run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=copy, timeout=120)
    assert check.code != 0 and check.stdout_lines == ["LICENSE: FAILED"], check.stdout


# ---- the manual page and --help ----

MACROS_JOINING_WORDS = {"BR", "RB", "BI", "IB", "IR", "RI"}


def roff_text(line):
    """The text of one roff line with a font macro (.B, .BR, ...) or none."""
    macro = ""
    if line.startswith("."):
        macro, _, line = line[1:].partition(" ")
    words = re.findall(r'"([^"]*)"|(\S+)', line)
    words = [quoted or plain for quoted, plain in words]
    text = ("" if macro in MACROS_JOINING_WORDS else " ").join(words)
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-").replace("\\&", "").replace("\\%", "")


def manual_sections():
    """{section name: [lines]} of man/pidone.1."""
    sections, current = {}, None
    for line in (REPO / "man" / "pidone.1").read_text().splitlines():
        if line.startswith(".SH "):
            current = line[4:].strip('"')
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def manual_tags(section):
    """The tag (first line after .TP) of each item of a manual section."""
    lines = manual_sections()[section]
    return [roff_text(lines[i + 1]) for i, line in enumerate(lines) if line == ".TP"]


def option_entry(text):
    """'-r, --rewrite S:R' -> (('--rewrite', '-r'), 'S:R')."""
    names, argument = [], ""
    for part in text.split(", "):
        name, _, value = part.strip().partition(" ")
        names.append(name)
        argument = value or argument
    return tuple(sorted(names)), argument


def help_text():
    pidone = binaries_for(native_arch()).pidone
    if not os.access(pidone, os.X_OK):
        unavailable(f"{pidone} is missing (cmake --build --preset {native_arch()})")
    result = run([pidone, "--help"])
    assert result.code == 0
    return result.stdout


def help_paragraph(text, heading):
    paragraph = next(p for p in text.split("\n\n") if p.startswith(heading))
    return " ".join(paragraph.split())


def test_help_and_manual_page_list_the_same_options():
    in_help = [option_entry(match.group(1))
               for match in re.finditer(r"^ +(-.*?)(?: {2,}|$)", help_text(), re.MULTILINE)]
    in_manual = [option_entry(tag) for tag in manual_tags("OPTIONS")]
    assert len(in_help) == len(set(in_help)) and len(in_manual) == len(set(in_manual))
    assert sorted(in_help) == sorted(in_manual)


VARIABLE = re.compile(r"\b(?:PIDONE|DUMB_INIT|TINI)_[A-Z_]+\b")


def test_help_and_manual_page_list_the_same_environment_variables():
    in_help = set(VARIABLE.findall(help_paragraph(help_text(), "Environment")))
    in_manual = manual_tags("ENVIRONMENT")
    assert all(VARIABLE.fullmatch(tag) for tag in in_manual), in_manual
    assert in_help == set(in_manual)


def test_manual_page_documents_every_exit_status_that_help_names():
    status = re.compile(r"\b(?:\d+|128\+N)\b")
    help_line = next(line for line in help_text().splitlines() if line.startswith("Exit status:"))
    in_manual = {tag for tag in manual_tags("EXIT STATUS") if status.fullmatch(tag)}
    assert in_manual == {"128+N", "0", "1", "126", "127"}
    assert set(status.findall(help_line)) <= in_manual, help_line


def test_manual_page_renders_without_warnings():
    if shutil.which("groff") is None:
        unavailable("groff is not installed (scripts/install-deps.sh installs groff-base)")
    result = run(["groff", "-man", "-ww", "-z", REPO / "man" / "pidone.1"])
    assert (result.code, result.stderr) == (0, "")


# ---- the downloaded-binary path ----

def test_integration_suite_passes_with_the_released_binaries(release, version):
    """Part of the suite, run as a user who downloaded pidone_<version>_<arch>
    and nologin_<version>_<arch> would, through binaries.py's variables."""
    env = dict(os.environ, **{f"PIDONE_BIN_DIR_{arch.upper()}": str(release.dist) for arch in ARCHES})
    modules = [str(REPO / "integration" / name) for name in RELEASED_BINARY_SUITE]
    suite = subprocess.run([sys.executable, "-m", "pytest", *modules], cwd=REPO / "integration",
                           env=env, capture_output=True, text=True, timeout=900)
    header = [line for line in suite.stdout.splitlines()
              if re.match(r"^(x86_64|aarch64): pidone=", line)]
    assert sorted(header) == sorted(
        f"{arch}: pidone={release.dist / binary_name('pidone', version, arch)} "
        f"testapp={binaries_for(arch).testapp}" for arch in ARCHES), suite.stdout[:2000]
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]
