"""The release (scripts/release.sh): what dist/ holds and SHA256SUMS, the
reproducibility of the binaries and Debian packages (the same commit rebuilt
later in another folder gives the same bytes, dated by the commit, with no
build path inside), the packages themselves (lintian, installing into a
scratch root, --version from there), the image tarballs (loaded into an empty
Docker engine), the manual page against --help, and the integration suite run
against the released binaries, as a user who downloads them would.

The release is built twice: once from this checkout as the README says (into
a temporary dist folder, with the images when a Docker engine answers or
CI=true / PIDONE_REQUIRE_ALL=1), once from a clone of the same commit with
the same working-tree changes, in another folder, later, without images.
"""

import gzip
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from binaries import REPO, arch_problem, binaries_for, must_not_skip, native_arch, unavailable
from docker_support import DOCKER_ARCH, IMAGE, PrivateDaemon, docker_problem, image_entries, project_version
from harness import run

ARCHES = ("x86_64", "aarch64")
RELEASE_TIMEOUT = 1800  # a first image build installs the builder's toolchain
BUILD_TIMEOUT = 300
SOURCE_MTIME = 1_000_000_000  # the second build's sources are dated 2001
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


# ---- the two releases ----

@dataclass(frozen=True)
class Release:
    source: Path
    dist: Path
    with_images: bool
    commit: str  # the full hash of HEAD when the build started


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


def run_release(source, dist, with_images, env=None, umask=None):
    args = [str(source / "scripts" / "release.sh"), "--dist", str(dist)]
    if not with_images:
        args.append("--no-images")
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    commit = head_commit(source)
    done = subprocess.run(args, cwd=source, capture_output=True, text=True, timeout=RELEASE_TIMEOUT,
                          env=env, preexec_fn=preexec, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n"
                    f"{done.stderr[-3000:]}")
    return Release(source, dist, with_images, commit)


def images_wanted():
    """Build the images when an engine answers; in CI always (release.sh
    starts an engine, or fails)."""
    return must_not_skip() or docker_problem() is None


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The README's release command, run in this checkout (dist elsewhere)."""
    if not in_git_checkout():
        unavailable(f"{REPO} is not a git checkout: a release names its commit")
    return run_release(REPO, tmp_path_factory.mktemp("release") / "dist", images_wanted())


@pytest.fixture(scope="module")
def rebuild(release, tmp_path_factory):
    """The same commit, later, from another folder, with another umask and
    time zone, without images."""
    folder = tmp_path_factory.mktemp("rebuild-elsewhere")
    source = folder / "another-checkout-of-pidone"
    clone_with_working_tree(source, release.commit)
    env = dict(os.environ, TZ="Pacific/Kiritimati", LANG="C.UTF-8")
    return run_release(source, folder / "dist", with_images=False, env=env, umask=0o027)


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

def expected_names(version, with_images):
    names = {"SHA256SUMS"}
    for arch in ARCHES:
        names |= {binary_name("pidone", version, arch), binary_name("nologin", version, arch),
                  deb_name(version, arch)}
        if with_images:
            names.add(image_tarball_name(version, arch))
    return names


def test_release_holds_binaries_packages_images_and_checksums(release, version):
    if not release.with_images:
        unavailable(f"no image tarballs: {docker_problem()}")
    assert {path.name for path in release.dist.iterdir()} == expected_names(version, True)


def test_sha256sums_covers_every_released_file_and_verifies(release):
    listed = {line.split("  ", 1)[1] for line in (release.dist / "SHA256SUMS").read_text().splitlines()}
    assert listed == {path.name for path in release.dist.iterdir()} - {"SHA256SUMS"}
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

def test_rebuild_elsewhere_later_gives_identical_binaries_and_packages(release, rebuild, version):
    if head_commit() != release.commit:
        pytest.fail(f"{REPO} moved from {release.commit} to {head_commit()} during the test: "
                    "the rebuild's working-tree changes may differ")
    names = sorted(expected_names(version, with_images=False) - {"SHA256SUMS"})
    assert sorted(path.name for path in rebuild.dist.iterdir()) == sorted([*names, "SHA256SUMS"])
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


# ---- the image tarballs ----

@pytest.fixture(scope="module")
def empty_engine(release, version):
    """A Docker engine of our own that has never seen an image (no registry
    either: the tarballs must be self-contained)."""
    if not release.with_images:
        unavailable(f"no image tarballs: {docker_problem()}")
    daemon = PrivateDaemon(released(release, binary_name("pidone", version, native_arch())))
    yield daemon
    daemon.stop()


@pytest.fixture(scope="module", params=ARCHES)
def loaded_image(request, release, version, empty_engine):
    """(arch, tag, `docker load` output) of one image tarball loaded into the empty engine."""
    arch = request.param
    runnable(arch)
    tag = f"{IMAGE}:{version}-{DOCKER_ARCH[arch]}"
    loaded = empty_engine.docker("load", "-i", released(release, image_tarball_name(version, arch)),
                                 timeout=120)
    return arch, tag, loaded.stdout


def test_image_tarball_loads_into_an_empty_engine_and_runs(empty_engine, loaded_image, version):
    arch, tag, output = loaded_image
    assert f"Loaded image: {tag}" in output
    docker, platform = empty_engine.docker, f"linux/{DOCKER_ARCH[arch]}"
    assert docker.inspect(tag, "{{.Os}}/{{.Architecture}}") == platform
    result = docker.run(tag, "--version", platform=platform, options=("--entrypoint", "/bin/pidone"))
    assert result.code == 0 and result.stdout.startswith(f"pidone version {version} - git."), result


def test_image_tarball_holds_the_released_binaries(release, empty_engine, loaded_image, version):
    arch, tag, _ = loaded_image
    docker = empty_engine.docker
    entries = image_entries(docker, tag)
    for name, program in (("bin/pidone", "pidone"), ("sbin/nologin", "nologin")):
        if entries[name].data != released(release, binary_name(program, version, arch)).read_bytes():
            in_image = docker.run(tag, "--version", platform=f"linux/{DOCKER_ARCH[arch]}",
                                  options=("--entrypoint", "/bin/pidone")).stdout.strip()
            expected = expected_version_line(release, version)
            pytest.fail(f"/{name} of {tag} differs from the released {program} for {arch} "
                        f"(the image's pidone: {in_image!r}; released: {expected!r})")


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
