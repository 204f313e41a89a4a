"""The README against the build: every figure it gives must come from what
the build (or a benchmark run) produces, so that a change that makes one
untrue fails here.

- the sizes of pidone and nologin, per architecture, from the built binaries;
- the size budgets, from cmake/static-checks.cmake and scripts/build-images.sh;
- the image sizes, from `docker image inspect` of the images
  scripts/build-images.sh builds;
- the benchmark table: its fixed rows (version and commit, binary sizes, the
  image) always, every row against build/bench/results.md after a full
  `bench/run.sh`;
- every version and commit it quotes;
- its option, variable and exit-status lists against `pidone --help` and the
  manual page.

A size written anywhere else in the README fails
test_every_size_in_the_readme_is_checked until a check covers it: add one to
SIZE_CLAIMS (a pattern and where the figure comes from) or, for a figure no
build produces, to NOT_BUILD_FIGURES with the reason.
"""

import functools
import importlib.util
import os
import re
import tempfile

import pytest

from binaries import REPO, binaries_for, native_arch, unavailable
from docker_support import DOCKER_ARCH, IMAGE, docker_problem, project_version
from harness import run
from test_release import help_text, manual_tags, option_entry

README = REPO / "README.md"
ARCH_NAMES = {"amd64": "x86_64", "arm64": "aarch64", "x86_64": "x86_64", "aarch64": "aarch64"}
SIZE = re.compile(r"\b\d[\d,]*(?:\.\d+)? ?(?:KiB|MiB|kB|MB|bytes)\b")
# What the x86_64 binary the benchmark measured is built from.
PIDONE_SOURCES = ("src", "CMakeLists.txt", "cmake/musl-static.cmake", "cmake/x86_64-linux-musl.cmake")


@functools.cache
def readme():
    return README.read_text()


def section(heading):
    """The text of a README section, from its heading to the next one of the
    same or a higher level."""
    text = readme()
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n") + 1
    following = re.compile(rf"^#{{1,{len(level)}}} ", re.MULTILINE)
    end = following.search(text, start + len(heading) + 1)
    return text[start:end.start() if end else len(text)]


def table(text, after):
    """The rows (lists of cells) of the first Markdown table after `after`."""
    rows = []
    for line in text[text.index(after):].splitlines()[1:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return [row for row in rows[1:] if not set("".join(row)) <= set("-: ")]


# ---- what the build produces ----

def binary_size(program, arch):
    path = getattr(binaries_for(ARCH_NAMES[arch]), program)
    if not path.exists():
        unavailable(f"{path} is missing (scripts/build-all.sh builds it)")
    return path.stat().st_size


def cmake_limit(program, arch):
    text = (REPO / "cmake" / "static-checks.cmake").read_text()
    return int(re.search(rf"set\(size_limit_{program}_{ARCH_NAMES[arch]} (\d+)\)", text).group(1))


def image_limit():
    text = (REPO / "scripts" / "build-images.sh").read_text()
    return int(re.search(r"^minimal_limit_amd64=(\d+)$", text, re.MULTILINE).group(1))


@functools.cache
def image_size(flavour, docker_arch):
    """Size of the image scripts/build-images.sh tags (it builds it when it
    is missing, as test_docker does)."""
    problem = docker_problem()
    if problem:
        unavailable(problem)
    tag = f"{IMAGE}:{project_version()}-{'full-' if flavour == 'full' else ''}{docker_arch}"
    inspect = ["docker", "image", "inspect", "-f", "{{.Size}}", tag]
    if run(inspect).code != 0:
        build = run(["bash", REPO / "scripts" / "build-images.sh", docker_arch], timeout=1800)
        assert build.code == 0, build.stderr[-3000:]
    result = run(inspect)
    assert result.code == 0, result
    return int(result.stdout)


def kib(size):
    return f"{size / 1024:.1f} KiB"


def human(size):
    return f"{size / 1048576:.1f} MiB" if size >= 1048576 else kib(size)


def grouped(number):
    return f"{number:,}"


# ---- sizes written in the text ----

# (what, pattern whose group 1 is the figure, the figure as the build makes it)
SIZE_CLAIMS = [
    ("pidone on amd64, first lines", r"One static binary, (\S+ KiB) on amd64",
     lambda: kib(binary_size("pidone", "amd64"))),
    ("pidone on arm64, first lines", r"One static binary, \S+ KiB on amd64 and (\S+ KiB) on arm64",
     lambda: kib(binary_size("pidone", "arm64"))),
    ("nologin on amd64", r"a static binary of (\S+ KiB) on amd64", lambda: kib(binary_size("nologin", "amd64"))),
    ("nologin on arm64", r"a static binary of \S+ KiB on amd64 and (\S+ KiB) on arm64",
     lambda: kib(binary_size("nologin", "arm64"))),
    ("pidone's budget on x86_64", r"pidone: ([\d,]+ bytes) on x86_64",
     lambda: f"{grouped(cmake_limit('pidone', 'x86_64'))} bytes"),
    ("pidone's budget on aarch64", r"pidone: [\d,]+ bytes on x86_64[^;]*, and ([\d,]+ bytes) on aarch64",
     lambda: f"{grouped(cmake_limit('pidone', 'aarch64'))} bytes"),
    ("nologin's budget", r"nologin: ([\d,]+ bytes) on both",
     lambda: f"{grouped(cmake_limit('nologin', 'x86_64'))} bytes"
     if cmake_limit("nologin", "x86_64") == cmake_limit("nologin", "aarch64") else "two budgets"),
    ("the minimal image's budget", r"the build fails if the amd64 one grows over (\S+ KiB)",
     lambda: f"{image_limit() // 1024} KiB"),
    ("pidone on amd64, benchmark text", r"- Size: ([\d,]+ bytes), ",
     lambda: f"{grouped(binary_size('pidone', 'amd64'))} bytes"),
    ("pidone's budget, benchmark text", r"that is ≤ ([\d,]+ bytes)\)",
     lambda: f"{grouped(cmake_limit('pidone', 'x86_64'))} bytes"),
]

# Figures that no build produces, each with the reason it is not checked here.
NOT_BUILD_FIGURES = {
    "Peak resident set: 32 KiB": "benchmark text, under the table it summarises",
    "72–80 KiB": "benchmark text: the static peers' peak resident sets, from the table",
    "0.7–1.3 MiB": "benchmark text: the peers' peak resident sets, from the table",
    "map 2 MB of glibc": "benchmark text: what the dynamic peers map, from the table",
    "2.1 MB": "benchmark text: dumb-init with the glibc it maps, measured by the benchmark",
    "36 kB after 10,000": "measured by test_stress (peak memory after the orphans)",
    "1 MiB for the application": "a test input of test_stress, not a size of pidone",
    "1 MiB of options": "a test input of test_stress, not a size of pidone",
}


def claim_pattern(pattern):
    """A claim's pattern, matching across the README's line breaks."""
    return pattern.replace(" ", r"\s+")


@pytest.mark.parametrize("what,pattern,expected", SIZE_CLAIMS, ids=[claim[0] for claim in SIZE_CLAIMS])
def test_readme_size_is_the_built_one(what, pattern, expected):
    found = re.findall(claim_pattern(pattern), readme())
    assert found, f"the README no longer says {what} ({pattern})"
    assert set(found) == {expected()}, f"{what}: the README says {found}, the build makes {expected()}"


# Tables whose every figure a test below checks, by their header's start.
CHECKED_TABLES = ("| image | amd64 | arm64 |", "| Metric |")


def checked_spans():
    """Where the figures that a test checks are in the README."""
    text = readme()
    spans = [match.span(1) for _, pattern, _ in SIZE_CLAIMS for match in re.finditer(claim_pattern(pattern), text)]
    spans += [match.span() for phrase in NOT_BUILD_FIGURES for match in re.finditer(re.escape(phrase), text)]
    for header in CHECKED_TABLES:
        start = text.index(header)
        end = text.find("\n\n", start)
        spans.append((start, end if end != -1 else len(text)))
    return spans


def test_every_size_in_the_readme_is_checked():
    spans = checked_spans()
    unchecked = [match.group() for match in SIZE.finditer(readme())
                 if not any(start <= match.start() and match.end() <= end for start, end in spans)]
    assert not unchecked, f"sizes no test checks (add them to SIZE_CLAIMS or NOT_BUILD_FIGURES): {unchecked}"


# ---- the image sizes ----

def image_table():
    """{(flavour, docker arch): cell} of the README's image-size table."""
    rows = table(section("## The Docker image"), "| image | amd64 | arm64 |")
    return {(row[0], arch): cell for row in rows for arch, cell in zip(("amd64", "arm64"), row[1:])}


@pytest.mark.parametrize("flavour", ["minimal", "full"])
@pytest.mark.parametrize("docker_arch", ["amd64", "arm64"])
def test_readme_image_size_is_the_built_image(flavour, docker_arch):
    cell = image_table()[(flavour, docker_arch)]
    size = image_size(flavour, docker_arch)
    assert cell == f"{grouped(size)} bytes ({human(size)})"


# ---- the benchmark table ----

@functools.cache
def bench_report():
    spec = importlib.util.spec_from_file_location("bench_report", REPO / "bench" / "report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_rows(text):
    """{metric: {column: cell}} of a benchmark table."""
    start = text.index("| Metric |")
    header = [cell.strip() for cell in text[start:].splitlines()[0].strip().strip("|").split("|")]
    return {row[0]: dict(zip(header[1:], row[1:])) for row in table(text, "| Metric |")}


def stripped_size(path):
    with tempfile.TemporaryDirectory() as folder:
        copy = os.path.join(folder, "stripped")
        assert run(["strip", "-o", copy, path]).code == 0
        return os.path.getsize(copy)


PEER_BINARIES = {"dumb-init": "/usr/bin/dumb-init", "tini": "/usr/bin/tini", "tini-static": "/usr/bin/tini-static"}
# Rows that are the same in every run on one machine: a quick run's must
# match them too. (The image row is checked against the image itself: the
# benchmark may run before the images are built.)
FIXED_ROWS = ("Version", "Command line", "Linking", "Binary size, stripped (bytes)",
              "Binary plus the shared libraries it maps (bytes)")


def readme_bench():
    return bench_rows(section("## Benchmark"))


def test_benchmark_pidone_version_and_commit_are_of_the_sources_built():
    version, _, commit = readme_bench()["Version"]["pidone"].partition(" - git.")
    assert version == project_version()
    assert run(["git", "-C", REPO, "cat-file", "-e", f"{commit}^{{commit}}"]).code == 0, \
        f"git.{commit} is not a commit of this repository"
    changed = run(["git", "-C", REPO, "diff", "--stat", commit, "--", *PIDONE_SOURCES])
    assert changed.stdout == "", f"pidone's sources changed since the benchmark's git.{commit}:\n{changed.stdout}"


def test_benchmark_binary_sizes_are_the_built_and_installed_ones():
    row = readme_bench()["Binary size, stripped (bytes)"]
    pidone = binary_size("pidone", "x86_64")
    assert row["pidone"] == grouped(pidone)
    ratio = bench_report().ratio_text
    for peer, path in PEER_BINARIES.items():
        size = stripped_size(path)
        assert row[peer] == f"{grouped(size)} ({ratio(size / pidone)})", peer


def test_benchmark_image_size_is_the_built_image():
    row = next(cells for metric, cells in readme_bench().items() if metric.startswith("Minimal image"))
    assert row["pidone"] == grouped(image_size("minimal", DOCKER_ARCH[native_arch()]))


def bench_run():
    """(rows of the table bench/run.sh wrote last, whether it was a full run)."""
    for results, full in ((REPO / "build" / "bench" / "results.md", True),
                          (REPO / "build" / "bench" / "quick" / "results.md", False)):
        if results.exists():
            return bench_rows(results.read_text()), full
    unavailable("no benchmark run here (bench/run.sh --quick writes build/bench/quick/results.md)")


def test_benchmark_table_is_the_benchmarks():
    """The fixed rows against the last run of bench/run.sh (./test.sh runs
    `--quick` before the integration suite), and every row after a full
    run. pidone's version cell names the commit of the run: it is checked
    against the sources above."""
    in_run, full = bench_run()
    in_readme = readme_bench()
    for rows in (in_run, in_readme):
        rows["Version"].pop("pidone")
    if full:
        assert in_readme == in_run
    for metric in FIXED_ROWS:
        assert in_readme[metric] == in_run[metric], metric


# ---- versions and commits quoted in the text ----

VERSION_QUOTES = re.compile(r"(?:pidone_|nologin_|pidone:|pidone version |\| )(\d+\.\d+\.\d+)(?=[_ -]|$)",
                            re.MULTILINE)


def test_every_quoted_pidone_version_is_the_projects():
    quoted = {version for version in VERSION_QUOTES.findall(readme())}
    peers = {"1.2.5", "0.19.0", "0.1.7"}  # dumb-init's, tini's and catatonit's, in the benchmark
    assert quoted - peers == {project_version()}


def test_version_line_is_written_as_pidone_prints_it():
    line = run([binaries_for(native_arch()).pidone, "--version"]).stdout.strip()
    assert re.fullmatch(rf"pidone version {re.escape(project_version())} - git\.([0-9a-f]{{7}}|unknown)", line), line
    assert "`pidone version X.Y.Z - git.COMMIT`" in readme()


# ---- option, variable and exit-status lists ----

def readme_options():
    entries = []
    for row in table(section("## Usage"), "| option | meaning |"):
        entries.append(option_entry(", ".join(re.findall(r"`([^`]+)`", row[0]))))
    return entries


def help_options():
    return [option_entry(match.group(1))
            for match in re.finditer(r"^ +(-.*?)(?: {2,}|$)", help_text(), re.MULTILINE)]


def test_readme_lists_the_options_of_help_and_of_the_manual_page():
    in_readme = readme_options()
    assert len(in_readme) == len(set(in_readme))
    assert sorted(in_readme) == sorted(help_options())
    assert sorted(in_readme) == sorted(option_entry(tag) for tag in manual_tags("OPTIONS"))


def test_readme_lists_the_variables_of_help_and_of_the_manual_page():
    in_readme = [row[0].strip("`") for row in table(section("### Environment variables"), "| variable |")]
    in_help = re.findall(r"\b(?:PIDONE|DUMB_INIT|TINI)_[A-Z_]+\b",
                         help_text()[help_text().index("Environment"):])
    assert len(in_readme) == len(set(in_readme))
    assert set(in_readme) == set(in_help) == set(manual_tags("ENVIRONMENT"))


def test_readme_lists_the_exit_statuses_of_the_manual_page():
    status = re.compile(r"\d+|128\+N")
    in_readme = {row[0] for row in table(section("### Exit status"), "| status | when |") if status.fullmatch(row[0])}
    in_manual = {tag for tag in manual_tags("EXIT STATUS") if status.fullmatch(tag)}
    assert in_readme == in_manual


def test_readme_anchors_lead_to_headings():
    """Every in-page link `(#anchor)` names a heading (GitHub's anchors)."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", readme(), re.MULTILINE):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    linked = set(re.findall(r"\]\(#([^)]+)\)", readme()))
    assert linked <= anchors, linked - anchors


def test_readme_links_to_files_that_exist():
    linked = re.findall(r"\]\((?!https?:|#)([^)#]+)", readme())
    assert linked and all((REPO / path).exists() for path in linked), \
        [path for path in linked if not (REPO / path).exists()]
