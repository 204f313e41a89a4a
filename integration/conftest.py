"""Fixtures of the integration suite: `binaries` runs each test once per
architecture (x86_64, aarch64) with that architecture's pidone, nologin and
testapp; see binaries.py for where they come from and harness.py for the
process helpers. `release` is the README's release, built once for every
module that reads it (release_support.py)."""

import functools
import shutil

import pytest

from binaries import ARCHES, REPO, arch_problem, binaries_for, missing_binaries, native_arch, unavailable
from docker_support import (DOCKER_ARCH, IMAGE, IMAGE_BUILD_TIMEOUT, Docker, Images, PrivateDaemon,
                            derived_dockerfile, docker_problem, project_version)
from harness import run
from registry_support import LocalRegistry
from release_support import in_git_checkout, make_signing_key, run_release


@functools.cache
def _problem(arch):
    return arch_problem(arch) or missing_binaries(binaries_for(arch))


@pytest.fixture(scope="session", params=ARCHES)
def arch(request):
    """An architecture whose binaries can run here (skips or fails otherwise)."""
    problem = _problem(request.param)
    if problem:
        unavailable(problem)
    return request.param


@pytest.fixture(scope="session")
def binaries(arch):
    """Binaries (pidone, nologin, testapp paths) for `arch`."""
    return binaries_for(arch)


@pytest.fixture(scope="session")
def docker():
    """The machine's Docker engine; what the tests create is removed at the end."""
    problem = docker_problem()
    if problem:
        unavailable(problem)
    engine = Docker()
    yield engine
    engine.remove_created()


@pytest.fixture(scope="session")
def images(arch, binaries, docker):
    """The product images of one architecture, built by scripts/build-images.sh."""
    docker_arch = DOCKER_ARCH[arch]
    build = run(["bash", REPO / "scripts" / "build-images.sh", docker_arch],
                timeout=IMAGE_BUILD_TIMEOUT)
    assert build.code == 0, f"scripts/build-images.sh {docker_arch} failed:\n{build.stderr[-3000:]}"
    version = project_version()
    platform = f"linux/{docker_arch}"
    minimal = f"{IMAGE}:{version}-{docker_arch}"
    app = docker.build(f"{IMAGE}-test-app:{docker_arch}",
                       derived_dockerfile(minimal, ["signals"]), [binaries.testapp], platform)
    return Images(platform, minimal, f"{IMAGE}:{version}-full-{docker_arch}", app)


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory):
    if shutil.which("minisign") is None:
        unavailable("minisign is not installed (scripts/install-deps.sh installs it)")
    return make_signing_key(tmp_path_factory.mktemp("signing-key"))


@pytest.fixture(scope="session")
def release(tmp_path_factory, signing_key):
    """The README's release command, run in this checkout (dist elsewhere),
    signed with a throwaway key."""
    if not in_git_checkout():
        unavailable(f"{REPO} is not a git checkout: a release names its commit")
    return run_release(REPO, tmp_path_factory.mktemp("release") / "dist", signing_key.secret)


@pytest.fixture(scope="session")
def registry(release):
    """A local registry holding the release's images, pushed by scripts/publish.sh."""
    for tool in ("docker-registry", "skopeo"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (scripts/install-deps.sh installs it)")
    local = LocalRegistry()
    try:
        local.publish(release.oci_archive)
    except BaseException:
        local.stop()
        raise
    yield local
    local.stop()


@pytest.fixture(scope="session")
def registry_engine(release):
    """A Docker engine of our own whose store holds none of pidone's images:
    what it runs of pidone comes from the registry."""
    problem = docker_problem()
    if problem:
        unavailable(problem)
    daemon = PrivateDaemon(release.path(f"pidone_{project_version()}_{native_arch()}"))
    try:
        assert daemon.docker("images", "-aq").stdout.strip() == "", "a new engine holds images"
    except BaseException:
        daemon.stop()
        raise
    yield daemon
    daemon.stop()


def pytest_report_header(config):
    return [f"{arch}: pidone={binaries_for(arch).pidone} testapp={binaries_for(arch).testapp}"
            for arch in ARCHES]
