#!/usr/bin/python3
"""Container-level figures: pidone, `docker run --init`, dumb-init and no init.

usage: containers.py --results RESULTS.tsv --app BENCH_APP --dumb-init STATIC_DUMB_INIT
                     [--repetitions N] [--engine docker|podman]

For each init and each repetition (the inits interleaved), runs `bench-app
serve handle` (exits 0 on SIGTERM) and `bench-app serve default` (leaves
SIGTERM alone) in a container with --network none, and appends to
RESULTS.tsv, one figure a line (METRIC INIT WORK VALUE, WORK = repetitions):
  container_start_ms   from `ENGINE run` until the application's first output
  stop_handled_ms      from `ENGINE stop` until the container has exited, app handles SIGTERM
  stop_default_ms      the same for the app that leaves SIGTERM alone
  exit_handled, exit_default   the exit statuses (every run's, as a set)
The image is $PIDONE_IMAGE:latest (scripts/build-images.sh) plus bench-app
and a static dumb-init (bench/containers.Dockerfile). For podman, the image
is copied from Docker with `docker save | podman load` first.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BASE = os.environ.get("PIDONE_IMAGE", "pidone") + ":latest"
IMAGE = os.environ.get("PIDONE_IMAGE", "pidone") + "-containers-bench:latest"
HERE = os.path.dirname(os.path.abspath(__file__))
START_TIMEOUT_S = 60
# docker stop's and podman stop's default timeout is 10 s; what is left of a
# minute covers the engine's own work.
STOP_TIMEOUT_S = 60

# Each init's run options, and its words after the image, before "serve
# handle|default". pidone is the image's ENTRYPOINT; --init is the engine's
# own init (Debian's tini-static as docker-init for Docker, catatonit for
# podman).
INITS = {
    "pidone": ([], ["/bin/bench-app"]),
    "--init": (["--init", "--entrypoint", "/bin/bench-app"], []),
    "dumb-init": (["--entrypoint", "/bin/dumb-init"], ["--", "/bin/bench-app"]),
    "no init": (["--entrypoint", "/bin/bench-app"], []),
}


def build_image(app, dumb_init):
    with tempfile.TemporaryDirectory() as context:
        shutil.copy(app, os.path.join(context, "bench-app"))
        shutil.copy(dumb_init, os.path.join(context, "dumb-init"))
        build = subprocess.run(["docker", "build", "-q", "--network", "none", "--build-arg", f"BASE={BASE}",
                                "-f", os.path.join(HERE, "containers.Dockerfile"), "-t", IMAGE, context],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        if build.returncode != 0:
            sys.exit(f"containers.py: cannot build {IMAGE} from {BASE}: {build.stderr}")


def copy_image_to(engine):
    if engine == "docker":
        return
    save = subprocess.Popen(["docker", "save", IMAGE], stdout=subprocess.PIPE)
    subprocess.run([engine, "load", "-q"], stdin=save.stdout, check=True, stdout=subprocess.DEVNULL)
    if save.wait() != 0:
        sys.exit(f"containers.py: docker save {IMAGE} failed")


def one_container(engine, init, handling, name):
    """(ms until the first output, ms from stop to exit, exit status)."""
    run_options, words = INITS[init]
    command = [engine, "run", "--name", name, "--network", "none", *run_options, IMAGE, *words, "serve", handling]
    started = time.perf_counter()
    container = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = container.stdout.readline()
        first_output = time.perf_counter()
        if line.strip() != "ready":
            container.wait(START_TIMEOUT_S)
            sys.exit(f"containers.py: {init}: no output from {' '.join(command)}: {container.stderr.read()}")
        stop_started = time.perf_counter()
        subprocess.run([engine, "stop", name], check=True, stdout=subprocess.DEVNULL, timeout=STOP_TIMEOUT_S)
        status = container.wait(STOP_TIMEOUT_S)
        stopped = time.perf_counter()
    finally:
        if container.poll() is None:
            container.kill()
            container.wait()
        subprocess.run([engine, "rm", "-f", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (first_output - started) * 1e3, (stopped - stop_started) * 1e3, status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--app", required=True)
    parser.add_argument("--dumb-init", required=True)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--engine", default="docker")
    arguments = parser.parse_args()
    engine = arguments.engine
    build_image(arguments.app, arguments.dumb_init)
    copy_image_to(engine)

    starts = {init: [] for init in INITS}
    stops = {(init, handling): [] for init in INITS for handling in ("handle", "default")}
    statuses = {(init, handling): set() for init in INITS for handling in ("handle", "default")}
    for repetition in range(arguments.repetitions):
        for init in INITS:
            for handling in ("handle", "default"):
                name = f"pidone-bench-{os.getpid()}-{repetition}"
                start_ms, stop_ms, status = one_container(engine, init, handling, name)
                starts[init].append(start_ms)
                stops[(init, handling)].append(stop_ms)
                statuses[(init, handling)].add(status)
                print(f"  {engine} {init:10} {handling:8} start {start_ms:7.1f} ms  stop {stop_ms:8.1f} ms  "
                      f"exit {status}", file=sys.stderr)

    prefix = "" if engine == "docker" else f"{engine}_"
    with open(arguments.results, "a", encoding="utf-8") as results:
        for init in INITS:
            work = arguments.repetitions
            lines = [(f"{prefix}container_start_ms", statistics.median(starts[init]))]
            for handling, label in (("handle", "handled"), ("default", "default")):
                lines.append((f"{prefix}stop_{label}_ms", statistics.median(stops[(init, handling)])))
                lines.append((f"{prefix}exit_{label}", " ".join(map(str, sorted(statuses[(init, handling)])))))
            for metric, value in lines:
                text = f"{value:.9g}" if isinstance(value, float) else value
                results.write(f"{metric}\t{init}\t{work}\t{text}\n")


if __name__ == "__main__":
    main()
