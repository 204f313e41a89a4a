"""The release's one-tag multi-arch images in a real registry: Debian's
docker-registry on 127.0.0.1 (scripts/local-registry.sh), filled by
scripts/publish.sh from the release's OCI archive, then read by skopeo and
pulled, per platform, by a Docker engine that has never seen a pidone image.
The Docker suite's signal, stop, orphan and exit-status tests run on images
derived FROM the registry's tag too (test_docker.py, source "registry").
"""

import json

import pytest

from binaries import ARCHES, arch_problem, unavailable
from docker_support import DOCKER_ARCH, project_version
from registry_support import published_tags

PLATFORMS = [{"architecture": "amd64", "os": "linux"},
             {"architecture": "arm64", "os": "linux", "variant": "v8"}]


@pytest.fixture(scope="module")
def version():
    return project_version()


def test_publish_pushes_both_flavours_under_their_four_tags(registry, release, version):
    indexes = release.oci_index_digests()
    for tag, source in published_tags(version).items():
        digest, _ = registry.raw_manifest(tag)
        assert digest == indexes[source], f"{registry.address}/pidone:{tag}"


@pytest.mark.parametrize("tag", ["1.0.0", "1.0.0-full"])
def test_skopeo_inspect_raw_lists_both_platforms(registry, tag):
    _, index = registry.raw_manifest(tag)
    assert index["mediaType"] == "application/vnd.oci.image.index.v1+json"
    assert [entry["platform"] for entry in index["manifests"]] == PLATFORMS


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("flavour", ["minimal", "full"])
def test_pull_per_platform_gives_that_architecture_with_the_release_digests(
        registry_engine, registry, release, version, arch, flavour):
    docker_arch = DOCKER_ARCH[arch]
    tag = version if flavour == "minimal" else f"{version}-full"
    reference = f"{registry.address}/pidone:{tag}"
    pulled = registry_engine.docker("pull", "--platform", f"linux/{docker_arch}", reference,
                                    timeout=300)
    # The tag's digest is the index's: the one a user checks against the release.
    assert f"Digest: {release.oci_index_digests()[tag]}" in pulled.stdout_lines
    image = json.loads(registry_engine.docker("image", "inspect", reference).stdout)[0]
    assert (image["Os"], image["Architecture"]) == ("linux", docker_arch)
    _, config = release.oci_manifests(tag)[docker_arch]
    assert image["Id"] == config


@pytest.mark.parametrize("arch", ARCHES)
def test_pulled_image_answers_help_and_version_and_runs_a_command(registry_engine, registry, version,
                                                                  arch):
    """ENTRYPOINT ["/bin/pidone"], no "--": pidone's own options and a
    command both work as `docker run` arguments."""
    problem = arch_problem(arch)
    if problem:
        unavailable(problem)
    platform = f"linux/{DOCKER_ARCH[arch]}"
    reference = f"{registry.address}/pidone:{version}"
    docker = registry_engine.docker
    docker("pull", "--platform", platform, reference, timeout=300)
    helped = docker.run(reference, "--help", platform=platform)
    assert helped.code == 0 and helped.stdout.startswith("Usage: pidone"), helped
    shown = docker.run(reference, "--version", platform=platform)
    assert shown.code == 0 and shown.stdout.startswith(f"pidone version {version} - git."), shown
    refused = docker.run(reference, "/sbin/nologin", platform=platform)
    assert (refused.code, refused.stdout_lines) == (1, ["This account is currently not available."])
