#!/usr/bin/python3
"""Turns the benchmark's results into a Markdown table and a scaling plot.

usage: report.py RESULTS.tsv --markdown OUT.md --plot OUT.png --json OUT.json [--mode full|quick]

RESULTS.tsv has one figure a line, tab-separated: METRIC INIT WORK VALUE, as
written by bench-driver, bench/containers.py and bench/run.sh. The tables go
to stdout and to OUT.md, every figure to OUT.json ({"metric": {"init":
{"work": value}}}, numbers as numbers); OUT.png plots the cost per unit of
work of start-up, signal round trips and reaping at each amount of work.
Every other init is compared with pidone.
"""
import argparse
import datetime
import json
import os
import platform
import sys
from collections import defaultdict

REFERENCE = "pidone"


class Results:
    def __init__(self, path):
        self.values = defaultdict(dict)  # metric -> init -> {work: value}
        self.inits = []
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                metric, init, work, value = line.rstrip("\n").split("\t", 3)
                self.values[metric].setdefault(init, {})[int(work)] = value
                if metric == "size_bytes" and init not in self.inits:
                    self.inits.append(init)
        if REFERENCE not in self.inits:
            sys.exit(f"report.py: no figures for {REFERENCE} in {path}")
        self.peers = [init for init in self.inits if init != REFERENCE]

    def works(self, metric):
        """The amounts of work a metric was measured at, smallest first."""
        return sorted({work for by_work in self.values[metric].values() for work in by_work})

    def text(self, metric, init, work=None):
        by_work = self.values[metric].get(init, {})
        if not by_work:
            return None
        return by_work[work if work is not None else min(by_work)]

    def number(self, metric, init, work=None):
        value = self.text(metric, init, work)
        return None if value is None else float(value)


def grouped(number, decimals=0):
    return f"{number:,.{decimals}f}"


def micros(number):
    return grouped(number, 1 if number < 100 else 0)


def ratio_text(ratio):
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"


class Row:
    """One line of the table: a metric at one amount of work, or as `value` computes it."""

    def __init__(self, label, metric, formatter, work=None, goal=None, value=None):
        self.label, self.metric, self.formatter = label, metric, formatter
        self.work, self.goal = work, goal
        self.value = value or (lambda results, init: results.number(metric, init, work))

    def cells(self, results):
        reference = self.value(results, REFERENCE)
        cells = [self.formatter(reference)]
        for peer in results.peers:
            value = self.value(results, peer)
            cell = self.formatter(value)
            if reference and value is not None:
                cell += f" ({ratio_text(value / reference)})"
            cells.append(cell)
        return cells


# Inits that make the same system calls for a signal or an orphan (pidone and
# dumb-init, say) swap places from run to run by up to this much on a shared
# machine: a smaller shortfall is called a tie.
TIE = 0.05


class ImageRow:
    """The size of pidone's minimal image, which the peers have no counterpart of."""

    label, goal = "Minimal image `pidone:latest` (bytes)", "—"

    def cells(self, results):
        image = results.text("image_bytes", REFERENCE) or "not built"
        return [image if image == "not built" else grouped(float(image))] + ["—"] * len(results.peers)


def goal_against_best(results, metric, work, better):
    """'met', 'tie' or 'not met', with pidone's figure as a multiple of the best peer's."""
    reference = results.number(metric, REFERENCE, work)
    peers = [results.number(metric, peer, work) for peer in results.peers]
    best = min(peers) if better == "lower" else max(peers)
    ratio = reference / best
    shortfall = ratio - 1 if better == "lower" else 1 - ratio
    verdict = "met" if shortfall <= 0 else f"tie within {TIE:.0%}" if shortfall <= TIE else "**not met**"
    return f"{verdict}, {ratio_text(ratio)} the best peer's"


# The scaling metrics, as cost per unit of work (µs): a cost that grows
# linearly with the work keeps the same cost per unit.
SCALING = {
    "startup_us": ("Start-up overhead", "µs per run", "runs of INIT -- true", lambda v: v),
    "signal_us": ("Signal round trip", "µs per signal", "signals", lambda v: v),
    "reap_per_s": ("Reaping as PID 1", "µs per orphan", "orphans", lambda v: 1e6 / v),
}


def unit_cost(results, metric, init, work):
    return SCALING[metric][3](results.number(metric, init, work))


def growth(results, metric):
    """Cost per unit of work at the largest amount of work, as a multiple of that at the smallest."""
    works = results.works(metric)
    low, high = works[0], works[-1]
    parts = [f"{init} {ratio_text(unit_cost(results, metric, init, high) / unit_cost(results, metric, init, low))}"
             for init in results.inits]
    return f"cost per unit at {high // low}× the work, against 1×: " + ", ".join(parts)


def table_rows(results):
    rows = []
    # Size against self-contained peers only: a dynamic binary leaves its
    # C library (2 MB of glibc) out of its size.
    static_peers = [peer for peer in results.peers if results.text("linkage", peer).startswith("static")]
    smallest_peer = min(results.number("size_bytes", peer) for peer in static_peers)
    size = results.number("size_bytes", REFERENCE)
    size_goal = f"≤ ⅓ of the smallest static peer: {'met' if size * 3 <= smallest_peer else '**not met**'}, " \
                f"{ratio_text(size / smallest_peer)} the smallest static peer's"
    rows.append(Row("Binary size, stripped (bytes)", "size_bytes", grouped, goal=size_goal))
    rows.append(Row("Binary plus the shared libraries it maps (bytes)", "mapped_bytes", grouped, goal="—"))
    rows.append(ImageRow())

    for label, metric in [("Start-up overhead, median (µs)", "startup_us"),
                          ("Signal round trip, median (µs)", "signal_us")]:
        for work in results.works(metric):
            first = work == results.works(metric)[0]
            goal = ("no worse than the best peer: " + goal_against_best(results, metric, work, "lower")
                    if first else growth(results, metric))
            unit = "runs" if metric == "startup_us" else "signals"
            rows.append(Row(f"{label}, {grouped(work)} {unit}", metric, micros, work, goal))
        if metric == "startup_us":
            rows.append(Row("Peak RSS while the child sleeps, VmHWM (KiB)", "vmhwm_kib", grouped,
                            goal="no worse than the best peer: "
                                 + goal_against_best(results, "vmhwm_kib", None, "lower")))

    for work in results.works("reap_per_s"):
        first = work == results.works("reap_per_s")[0]
        goal = ("at least the best peer: " + goal_against_best(results, "reap_per_s", work, "higher")
                if first else growth(results, "reap_per_s"))
        rows.append(Row(f"Reaping as PID 1, {grouped(work)} orphans (orphans/s)", "reap_per_s", grouped,
                        work, goal))
        rows.append(Row(f"Init's CPU time per orphan, {grouped(work)} orphans (µs)", "reap_cpu_us",
                        lambda v: grouped(v, 2), work, "—"))
    burst = results.works("burst_per_s")[0]
    rows.append(Row(f"Reaping as PID 1, {grouped(burst)} zombies at once (zombies/s)", "burst_per_s", grouped,
                    burst, "at least the best peer: " + goal_against_best(results, "burst_per_s", burst, "higher")))
    rows.append(Row(f"Init's CPU time per zombie, {grouped(burst)} at once (µs)", "burst_cpu_us",
                    lambda v: grouped(v, 2), burst, "—"))
    rows.append(Row(f"Init's wait for the CPU per zombie, {grouped(burst)} at once (µs)", "burst_waiting_us",
                    lambda v: grouped(v, 2), burst, "—"))
    if results.values.get("burst_rt_per_s"):
        rows.append(Row(f"The same at real-time priority, {grouped(burst)} zombies at once (zombies/s)", "burst_rt_per_s",
                        grouped, burst, "at least the best peer: "
                        + goal_against_best(results, "burst_rt_per_s", burst, "higher")))
        rows.append(Row("Init's wait for the CPU per zombie at real-time priority (µs)", "burst_rt_waiting_us",
                        lambda v: grouped(v, 2), burst, "—"))

    def most_zombies(results, init):
        return max(results.number(metric, init, work)
                   for metric in ("reap_zombies_left", "burst_zombies_left", "burst_rt_zombies_left")
                   if results.values.get(metric)
                   for work in results.works(metric))

    none_left = all(most_zombies(results, init) == 0 for init in results.inits)
    rows.append(Row("Zombies left after reaping (most in any run)", "reap_zombies_left", grouped,
                    goal=f"0 for every init: {'met' if none_left else '**not met**'}", value=most_zombies))
    wakeups = results.number("wakeups_per_s", REFERENCE)
    rows.append(Row(f"Idle wake-ups per second, child asleep for "
                    f"{results.works('wakeups_per_s')[0]} s", "wakeups_per_s", lambda v: grouped(v, 2),
                    goal=f"zero: {'met' if wakeups == 0 else '**not met**'}"))
    return rows


def exit_latency_lines(results):
    """pidone as PID 1 with its default grace period and with --grace 0."""
    scenarios = [("exit_alone_us", "the application leaves nothing behind"),
                 ("exit_worker_us", "it leaves a worker that exits on SIGTERM")]
    if not results.values.get("exit_alone_us"):
        return []
    runs = results.works("exit_alone_us")[0]
    lines = ["", f"Exit latency of pidone's default grace period as PID 1 (medians of {runs} runs each, "
             "interleaved): time from the application's SIGTERM until pidone, PID 1 of a new PID namespace, "
             "has exited.", "",
             "| Scenario | default grace (ms) | `--grace 0` (ms) | added by the default (ms) |", "|---|---|---|---|"]
    for metric, label in scenarios:
        default = results.number(metric, "pidone") / 1e3
        immediate = results.number(metric, "pidone --grace 0") / 1e3
        lines.append(f"| {label} | {default:.3f} | {immediate:.3f} | {default - immediate:+.3f} |")
    return lines


CONTAINER_INITS = ["pidone", "--init", "dumb-init", "no init"]


def container_lines(results, engine):
    prefix = "" if engine == "docker" else f"{engine}_"
    if not results.values.get(f"{prefix}container_start_ms"):
        return []
    runs = results.works(f"{prefix}container_start_ms")[0]
    header = {"pidone": "pidone (image's ENTRYPOINT)", "--init": f"`{engine} run --init`",
              "dumb-init": "dumb-init (static)", "no init": "no init"}
    lines = ["", f"Containers, {engine} (medians of {runs} runs each, interleaved; the application is "
             "`bench-app serve handle|default`):", "",
             "| | " + " | ".join(header[init] for init in CONTAINER_INITS) + " |",
             "|" + "---|" * (len(CONTAINER_INITS) + 1)]

    def row(label, metric, formatter):
        cells = [formatter(results.text(prefix + metric, init)) for init in CONTAINER_INITS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    seconds = lambda text: f"{float(text) / 1e3:.2f} s"
    row(f"`{engine} run` to the application's first output", "container_start_ms", seconds)
    row(f"`{engine} stop` to exit, application handles SIGTERM", "stop_handled_ms", seconds)
    row("exit status", "exit_handled", str)
    row(f"`{engine} stop` to exit, application leaves SIGTERM alone", "stop_default_ms", seconds)
    row("exit status", "exit_default", str)
    return lines


def machine_description():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        memory_gib = int(meminfo.readline().split()[1]) / 1024 / 1024
    debian = ""
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version", encoding="utf-8") as version:
            debian = f", Debian {version.read().strip()}"
    return (f"{cpu}, {os.cpu_count()} cores, {memory_gib:.0f} GiB, "
            f"Linux {platform.release()} {platform.machine()}{debian}")


def markdown(results, mode):
    inits = results.inits
    now = results.text("date", "all")
    header = ["Metric"] + inits + ["pidone's goal"]
    lines = [
        f"Benchmark run on {now}, {mode} mode, of pidone at commit {results.text('commit', 'all')}, "
        f"on {results.text('machine', 'all')}.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        "| Version | " + " | ".join(results.text("version", i) or "?" for i in inits) + " | |",
        "| Command line | " + " | ".join(f"`{results.text('command', i)}`" for i in inits) + " | |",
        "| Linking | " + " | ".join(results.text("linkage", i) for i in inits) + " | |",
    ]
    for row in table_rows(results):
        lines.append("| " + " | ".join([row.label] + row.cells(results) + [row.goal or ""]) + " |")
    baseline = results.number("true_us", "true")
    cgroup = results.text("cgroup", "all") or "an unrecorded cgroup"
    lines += [
        "",
        f"- Medians over repetitions, the inits run interleaved (A B C A B C ...), every program pinned "
        f"to CPU {results.text('cpu', 'all')} (on a shared virtual machine a wake-up that crosses CPUs "
        f"costs more, and more erratically, than what is measured), in {cgroup}.",
        f"- (N×): the peer's figure divided by pidone's. A goal is a tie when pidone misses it by "
        f"{TIE:.0%} or less: inits making the same system calls swap places by that much from run to run.",
        f"- Start-up overhead: wall time of `INIT -- bench-true` minus that of `bench-true` alone "
        f"({micros(baseline)} µs), paired run by run.",
        "- Signal round trip: SIGUSR1 sent to the init until the application, reached through the init, "
        "acknowledges it on a pipe.",
        "- Reaping: the init as PID 1 of a new PID namespace, its child making the orphans in batches of "
        "100 (each batch's parent exits, handing them to the init), timed from the first fork until the "
        "init has no child left but the application; the init's CPU time from /proc/PID/schedstat.",
        "- Burst: one process makes the zombies, each exited at once, then exits itself: the init gets them "
        "all together; timed from that exit until the init has no child left but the application. "
        "Wait for the CPU: time the init was ready to run while another task had the CPU "
        "(/proc/PID/schedstat). Real-time priority: the driver, the application and the init in "
        "SCHED_FIFO, so that no other task on the machine takes the CPU from them.",
        "- Idle wake-ups: context switches of the init while its child sleeps.",
        "- `-musl`: built here from Debian 12's source packages with `musl-gcc -static -Os`, stripped "
        "(bench/static-peers.sh); the others are Debian's binaries, what apt gives you.",
    ]
    lines += exit_latency_lines(results)
    for engine in ("docker", "podman"):
        lines += container_lines(results, engine)
    return "\n".join(lines) + "\n"


def as_json(results):
    def value(text):
        try:
            return float(text)
        except ValueError:
            return text

    return {metric: {init: {str(work): value(text) for work, text in by_work.items()}
                     for init, by_work in by_init.items()}
            for metric, by_init in results.values.items()}


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(SCALING), figsize=(14, 4.4))
    for axis, (metric, (title, unit, xlabel, _)) in zip(axes, SCALING.items()):
        works = results.works(metric)
        for init in results.inits:
            axis.plot(works, [unit_cost(results, metric, init, w) for w in works], marker="o",
                      linewidth=2.5 if init == REFERENCE else 1.2, label=init)
        axis.set_xscale("log")
        axis.set_xticks(works, [f"{w:,}" for w in works])
        axis.set_ylim(bottom=0)
        axis.set_title(title)
        axis.set_xlabel(xlabel)
        axis.set_ylabel(unit)
        axis.grid(True, alpha=0.3)
    axes[0].legend(fontsize="small")
    figure.suptitle("Cost per unit of work at 1× and 10× the work (medians): "
                    "a flat line is a cost that grows linearly")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def record_run(path):
    """Adds the date and the machine to a run's figures the first time they are reported."""
    with open(path, encoding="utf-8") as lines:
        if any(line.startswith("machine\t") for line in lines):
            return
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(path, "a", encoding="utf-8") as output:
        output.write(f"date\tall\t1\t{now}\nmachine\tall\t1\t{machine_description()}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--plot", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--mode", default="full")
    arguments = parser.parse_args()
    record_run(arguments.results)
    results = Results(arguments.results)
    table = markdown(results, arguments.mode)
    with open(arguments.markdown, "w", encoding="utf-8") as output:
        output.write(table)
    with open(arguments.json, "w", encoding="utf-8") as output:
        json.dump(as_json(results), output, indent=1, ensure_ascii=False)
    plot(results, arguments.plot)
    sys.stdout.write(table)


if __name__ == "__main__":
    main()
