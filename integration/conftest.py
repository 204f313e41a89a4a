"""Fixtures of the integration suite: `binaries` runs each test once per
architecture (x86_64, aarch64) with that architecture's pidone, nologin and
testapp; see binaries.py for where they come from and harness.py for the
process helpers."""

import functools

import pytest

from binaries import ARCHES, arch_problem, binaries_for, missing_binaries, unavailable


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


def pytest_report_header(config):
    return [f"{arch}: pidone={binaries_for(arch).pidone} testapp={binaries_for(arch).testapp}"
            for arch in ARCHES]
