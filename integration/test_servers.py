"""Real servers under pidone on Docker (amd64): Debian's PostgreSQL 15 and
nginx in an image FROM debian:12 with pidone as ENTRYPOINT
(integration/servers/Dockerfile), stopped with `docker stop` as a user
would: PostgreSQL behind a shell wrapper and with exec, nginx with a request
in flight, an entrypoint that starts a worker and execs nginx. Each runs
under pidone's defaults and with PIDONE_GRACE=0 (dumb-init's immediate
exit); PostgreSQL's smart and fast shutdowns are also compared with a
session open. Each test prints a table of what happened: how long
`docker stop` took, the exit status, what the server logged at the stop,
and what came after (the next start, the request in flight, the worker).

The image keeps a stable tag of its own, $PIDONE_IMAGE-servers:debian12
(pidone-servers:debian12 by default), and is not removed at the end, so that
only the first run installs the packages.
Without a Docker engine every test skips (fails when CI=true or
PIDONE_REQUIRE_ALL=1).
"""

import contextlib
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from binaries import REPO, binaries_for, missing_binaries, skip_module_without, unavailable
from docker_support import DEFAULT_GRACE, IMAGE, SESSION_LABEL, Container, docker_problem
from harness import DEADLINE, run, wait_until

PLATFORM = "linux/amd64"
SERVERS = Path(__file__).resolve().parent / "servers"
SERVER_IMAGE = f"{IMAGE}-servers:debian12"
IMAGE_BUILD_TIMEOUT = 1800  # the first build downloads and installs PostgreSQL and nginx
SERVER_START = 60.0  # seconds; generous for a loaded 2-core machine
DOCKER_STOP_TIMEOUT = 10  # docker stop's default
STOP_SLACK = 2.0  # seconds of a docker stop that are docker's own, on a loaded machine

skip_module_without(docker_problem())


@pytest.fixture(scope="module")
def image(docker):
    """The servers' image, built (or found in the cache) with apt on the host
    network; only pidone, testapp and the scripts change between runs."""
    binaries = binaries_for("x86_64")
    problem = missing_binaries(binaries)
    if problem:
        unavailable(problem)
    base = run(["bash", REPO / "docker" / "debian-base.sh", "debian:12"], timeout=IMAGE_BUILD_TIMEOUT)
    assert base.code == 0, f"docker/debian-base.sh failed:\n{base.stderr[-3000:]}"
    with tempfile.TemporaryDirectory(prefix="pidone-servers-context-") as context:
        for path in (*SERVERS.iterdir(), binaries.pidone, binaries.testapp):
            shutil.copy2(path, Path(context) / path.name)
        docker("build", "--network", "host", "--force-rm", "-t", SERVER_IMAGE, context,
               timeout=IMAGE_BUILD_TIMEOUT)
    return SERVER_IMAGE


@contextlib.contextmanager
def fresh_volume(docker):
    """A new named volume; mounted on /d it starts as a copy of the image's
    PostgreSQL cluster."""
    name = docker.new_name("volume")
    docker("volume", "create", "--label", SESSION_LABEL, name)
    try:
        yield name
    finally:
        docker("volume", "rm", "-f", name, check=False)


@contextlib.contextmanager
def socket_dir():
    """A new host directory, shared with the container as /sock, where nginx
    listens: the test talks to it without a network."""
    path = Path(tempfile.mkdtemp(prefix="pidone-servers-sock-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def removed_on_failure(container):
    """For a container started outside a `with` block: removed if what
    follows fails."""
    try:
        yield
    except BaseException:
        container.__exit__(None, None, None)
        raise


def env_options(env):
    return [option for name, value in env.items() for option in ("-e", f"{name}={value}")]


def print_table(capsys, title, header, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    with capsys.disabled():
        print(f"\n{title}")
        for cells in (header, ["---"] * len(header), *rows):
            print("| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |")


@dataclass
class Stop:
    """What one `docker stop` did."""

    setting: str
    seconds: float
    status: int
    at_stop: str  # what the server (or the worker) did at the stop
    after: str  # what came after (the next start, the request), or before


class StopTimer:
    """`docker stop` in the background, so the test can watch the shutdown
    while it happens."""

    def __init__(self, container, timeout=DOCKER_STOP_TIMEOUT):
        self.started = time.monotonic()
        self.process = subprocess.Popen(container.docker.command("stop", "-t", timeout, container.name),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.timeout = timeout

    @property
    def running(self):
        return self.process.poll() is None

    def wait(self):
        _, errors = self.process.communicate(timeout=self.timeout + DEADLINE)
        assert self.process.returncode == 0, f"docker stop failed: {errors.decode()}"
        return time.monotonic() - self.started


# ---- PostgreSQL: behind a shell wrapper, and with exec ----

# The command line: the shell stays, PostgreSQL is its child.
PG_WRAPPER = "[ -f /d/db/PG_VERSION ] || initdb -D /d/db; postgres -D /d/db -k /tmp"
PG_EXEC = "[ -f /d/db/PG_VERSION ] || initdb -D /d/db; exec postgres -D /d/db -k /tmp"
PG_ROWS = 20_000  # dirty pages: the shutdown checkpoint has something to write
PG_READY = "database system is ready to accept connections"
PG_SHUT_DOWN = "database system is shut down"
PG_CLEAN_START = re.compile(r"database system was shut down at ")
PG_RECOVERY = "database system was not properly shut down; automatic recovery in progress"


def pg_messages(lines):
    """PostgreSQL's log messages (the text after `LOG:  `)."""
    return [line.split("LOG:  ", 1)[1] for line in lines if "LOG:  " in line]


def psql(container, sql):
    return container.exec("psql", "-h", "/tmp", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                          "-Atqc", sql).stdout.strip()


def start_postgres(docker, image, volume, command, env=None, entrypoint=None):
    options = ["--user", "postgres", "-v", f"{volume}:/d", *env_options(env or {})]
    if entrypoint:
        options += ["--entrypoint", entrypoint]
    else:
        command = ("/bin/sh", *command)
    server = Container(docker, image, *command, platform=PLATFORM, options=options)
    with removed_on_failure(server):
        server.client.stderr.wait_for(lambda line: line.endswith(PG_READY), timeout=SERVER_START)
    return server


@dataclass
class PgRun(Stop):
    """A stop of PostgreSQL and the next start on the same volume."""

    at_stop_messages: list
    next_start_messages: list
    rows_after: int


@contextlib.contextmanager
def open_session(server):
    """A client session busy with a long query (a connection pool's, say),
    open until the server ends it or the block ends."""
    command = server.docker.command("exec", server.name, "psql", "-h", "/tmp", "-d", "postgres",
                                    "-c", "SELECT pg_sleep(600)")
    client = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: psql(server, "SELECT count(*) FROM pg_stat_activity "
                                        "WHERE query = 'SELECT pg_sleep(600)'") == "1",
                   message="the session's query to run")
        yield
    finally:
        client.kill()
        client.wait(DEADLINE)


def stop_postgres_and_restart(docker, image, volume, setting, command, env=None, entrypoint=None,
                              session=False):
    """Writes a table, `docker stop`s the server (with a session open if
    `session`), then starts PostgreSQL again (exec, defaults) on the same
    volume and reads the table back (that second server is simply removed)."""
    with start_postgres(docker, image, volume, command, env, entrypoint) as server:
        psql(server, "CREATE TABLE written_before_stop AS "
                     f"SELECT g AS n FROM generate_series(1, {PG_ROWS}) g")
        with open_session(server) if session else contextlib.nullcontext():
            logged_before_stop = len(server.client.stderr.lines)
            seconds = StopTimer(server).wait()
            status = server.client.wait_exited()
        at_stop = pg_messages(server.client.stderr.lines[logged_before_stop:])
    with start_postgres(docker, image, volume, ("-c", PG_EXEC)) as again:
        next_start = pg_messages(again.client.stderr.lines)
        rows = int(psql(again, "SELECT count(*) FROM written_before_stop"))
    at_stop_summary = ", then ".join(m for m in at_stop if "shutdown request" in m or m == PG_SHUT_DOWN)
    if PG_SHUT_DOWN not in at_stop:
        at_stop_summary = f"{at_stop_summary}, then nothing" if at_stop_summary else "nothing"
    after = ("recovery" if PG_RECOVERY in next_start
             else "clean start" if any(PG_CLEAN_START.match(m) for m in next_start) else "?")
    return PgRun(setting, seconds, status, at_stop_summary, f"{after}, {rows} rows",
                 at_stop, next_start, rows)


def clean_shutdown(run):
    return (PG_SHUT_DOWN in run.at_stop_messages
            and any(PG_CLEAN_START.match(m) for m in run.next_start_messages)
            and PG_RECOVERY not in run.next_start_messages)


def test_postgres_shuts_down_cleanly_behind_a_wrapper_and_with_exec(docker, image, capsys):
    """The issue's table, rerun: under pidone's defaults PostgreSQL finishes
    its shutdown even behind a shell that does not exec; with
    PIDONE_GRACE=0 the kernel kills it halfway, when pidone exits after the
    shell; with exec, PostgreSQL is pidone's child and the grace period does
    not matter. Each row starts from a fresh volume."""
    scenarios = [
        ("pidone, defaults", ("-c", PG_WRAPPER), {}, None),
        ("pidone PIDONE_GRACE=0", ("-c", PG_WRAPPER), {"PIDONE_GRACE": "0"}, None),
        ("pidone DUMB_INIT_SETSID=0 (single child)", ("-c", PG_WRAPPER), {"DUMB_INIT_SETSID": "0"}, None),
        ("no init (the shell as PID 1)", ("-c", PG_WRAPPER), {}, "/bin/sh"),
        ("pidone, defaults, exec", ("-c", PG_EXEC), {}, None),
        ("pidone PIDONE_GRACE=0, exec", ("-c", PG_EXEC), {"PIDONE_GRACE": "0"}, None),
    ]
    runs = []
    for setting, command, env, entrypoint in scenarios:
        with fresh_volume(docker) as volume:
            runs.append(stop_postgres_and_restart(docker, image, volume, setting, command, env, entrypoint))
    print_table(capsys, "PostgreSQL 15 after `docker stop` (shell wrapper unless `exec`):",
                ("init", "docker stop", "exit", "PostgreSQL's log at stop", "at the next start"),
                [(r.setting, f"{r.seconds:.2f} s", r.status, r.at_stop, r.after) for r in runs])
    defaults, grace0, single_child, no_init, exec_defaults, exec_grace0 = runs
    for run_ in runs:
        assert run_.rows_after == PG_ROWS, (run_.setting, "the data written before the stop is there")
    for run_ in (defaults, single_child):
        assert (run_.status, clean_shutdown(run_)) == (143, True), run_
        assert run_.seconds < DEFAULT_GRACE + STOP_SLACK, run_
    assert grace0.status == 143
    assert PG_SHUT_DOWN not in grace0.at_stop_messages, grace0
    assert PG_RECOVERY in grace0.next_start_messages, grace0
    assert no_init.status == 137 and no_init.seconds >= DOCKER_STOP_TIMEOUT * 0.9, no_init
    assert not [m for m in no_init.at_stop_messages if "shutdown request" in m], no_init
    assert PG_RECOVERY in no_init.next_start_messages, no_init
    for run_ in (exec_defaults, exec_grace0):
        assert (run_.status, clean_shutdown(run_)) == (0, True), run_


def test_postgres_smart_shutdown_waits_for_sessions_fast_shutdown_ends_them(docker, image, capsys):
    """PostgreSQL reads SIGTERM as a smart shutdown: with a session open it
    waits for the session, until docker's SIGKILL, and the next start
    recovers. PIDONE_REWRITE=TERM:INT makes it a fast shutdown: the session
    is ended, the shutdown is clean, within a second or two."""
    scenarios = [("pidone, defaults (SIGTERM: smart), a session open", {}),
                 ("pidone PIDONE_REWRITE=TERM:INT (fast), a session open", {"PIDONE_REWRITE": "TERM:INT"})]
    runs = []
    for setting, env in scenarios:
        with fresh_volume(docker) as volume:
            runs.append(stop_postgres_and_restart(docker, image, volume, setting, ("-c", PG_EXEC), env,
                                                  session=True))
    print_table(capsys, "PostgreSQL 15 (exec) after `docker stop`, a session open:",
                ("init", "docker stop", "exit", "PostgreSQL's log at stop", "at the next start"),
                [(r.setting, f"{r.seconds:.2f} s", r.status, r.at_stop, r.after) for r in runs])
    smart, fast = runs
    assert "received smart shutdown request" in smart.at_stop_messages, smart
    assert smart.status == 137 and smart.seconds >= DOCKER_STOP_TIMEOUT * 0.9, smart
    assert PG_RECOVERY in smart.next_start_messages, smart
    assert "received fast shutdown request" in fast.at_stop_messages, fast
    assert (fast.status, clean_shutdown(fast)) == (0, True), fast
    assert fast.seconds < STOP_SLACK * 2, fast
    for run_ in runs:
        assert run_.rows_after == PG_ROWS, run_


# ---- nginx: graceful quit with PIDONE_REWRITE=TERM:QUIT ----

NGINX = ("nginx", "-c", "/etc/nginx/servers.conf")
NGINX_WORKERS = 2  # worker_processes in servers/nginx.conf
NGINX_LINE = re.compile(r"\S+ \S+ \[\w+\] (\d+)#\d+: (.*)")
BIG_BODY = "".join(f"{n}\n" for n in range(1, 1_000_001)).encode()  # seq 1 1000000


def nginx_messages(lines):
    """(pid, message) of each of nginx's log lines."""
    return [match.groups() for match in map(NGINX_LINE.fullmatch, lines) if match]


def nginx_workers(lines):
    return [message.split()[-1] for _, message in nginx_messages(lines)
            if message.startswith("start worker process ")]


def start_nginx(docker, image, sockets, command, env):
    server = Container(docker, image, *command, platform=PLATFORM,
                       options=("-v", f"{sockets}:/sock", *env_options(env)))
    with removed_on_failure(server):
        wait_until(lambda: len(nginx_workers(server.client.stderr.lines)) == NGINX_WORKERS
                   and (sockets / "nginx.sock").exists(), timeout=SERVER_START,
                   message=f"nginx's {NGINX_WORKERS} workers and its socket")
    return server


class InFlightRequest:
    """GET /big over nginx's Unix socket, read only as far as the headers:
    the rest waits in nginx's worker until read_rest()."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(DEADLINE)
        self.sock.connect(str(path))
        self.sock.sendall(b"GET /big HTTP/1.1\r\nHost: servers\r\nConnection: close\r\n\r\n")
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = self.sock.recv(65536)
            assert chunk, f"nginx closed the connection before its headers: {received!r}"
            received += chunk
        head, _, self.body = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 "), head
        self.length = int(re.search(rb"\r\nContent-Length: (\d+)", head, re.IGNORECASE).group(1))

    def read_rest(self):
        """Reads to the end of the connection; returns the body."""
        try:
            while chunk := self.sock.recv(1 << 20):
                self.body += chunk
        except ConnectionResetError:
            pass
        finally:
            self.sock.close()
        return self.body


def nginx_at_stop(lines, workers):
    """The signal the master got from pidone (PID 1), and each worker's first
    reaction to the stop."""
    messages = nginx_messages(lines)
    master = [m for pid, m in messages if pid not in workers and re.match(r"signal \d+ .* from 1\b", m)]
    reactions = {}
    for pid, message in messages:
        if pid in workers and message in ("gracefully shutting down", "exiting"):
            reactions.setdefault(pid, message)
    return master, reactions


def stop_nginx_during_a_request(docker, image, setting, env):
    with socket_dir() as sockets, start_nginx(docker, image, sockets, NGINX, env) as server:
        workers = nginx_workers(server.client.stderr.lines)
        logged_before_stop = len(server.client.stderr.lines)
        request = InFlightRequest(sockets / "nginx.sock")
        stop = StopTimer(server)
        def every_process_reacted():
            master, by_worker = nginx_at_stop(server.client.stderr.lines[logged_before_stop:], workers)
            return master and len(by_worker) == NGINX_WORKERS and (master, by_worker)

        master, by_worker = wait_until(every_process_reacted,
                                       message="nginx's master and workers to react to the stop")
        held_open = stop.running  # the stop waits for the request
        body = request.read_rest()
        seconds = stop.wait()
        status = server.client.wait_exited()
    at_stop = f"master: {'; '.join(master)}; workers: {', '.join(sorted(set(by_worker.values())))}"
    complete = body == BIG_BODY
    after = (f"request complete ({len(body)} bytes)" if complete
             else f"request cut after {len(body)} of {request.length} bytes")
    return Stop(setting, seconds, status, at_stop, after), held_open, complete, set(by_worker.values())


def test_nginx_quits_gracefully_and_completes_a_request_in_flight(docker, image, capsys):
    """With TERM:QUIT, docker stop's SIGTERM reaches nginx as SIGQUIT: the
    master and both workers shut down gracefully and a request in flight
    (a response larger than the socket's buffers, read only after the
    workers began to quit) completes; the grace period does not matter, as
    the master is pidone's child and waits for its workers. Plain SIGTERM
    (no rewrite) is nginx's fast shutdown: the request is cut."""
    rows = [("pidone PIDONE_REWRITE=TERM:QUIT", {"PIDONE_REWRITE": "TERM:QUIT"}),
            ("pidone PIDONE_REWRITE=TERM:QUIT PIDONE_GRACE=0",
             {"PIDONE_REWRITE": "TERM:QUIT", "PIDONE_GRACE": "0"}),
            ("pidone, no rewrite (SIGTERM)", {})]
    results = [stop_nginx_during_a_request(docker, image, setting, env) for setting, env in rows]
    print_table(capsys, "nginx after `docker stop` with a request in flight:",
                ("init", "docker stop", "exit", "nginx's log at stop", "the request"),
                [(r.setting, f"{r.seconds:.2f} s", r.status, r.at_stop, r.after) for r, *_ in results])
    for stop, held_open, complete, worker_reactions in results[:2]:
        assert "received from 1, shutting down" in stop.at_stop and "SIGQUIT" in stop.at_stop, stop
        assert worker_reactions == {"gracefully shutting down"}, stop
        assert (stop.status, held_open, complete) == (0, True, True), stop
    fast, _, complete, worker_reactions = results[2]
    assert "SIGTERM" in fast.at_stop and worker_reactions == {"exiting"}, fast
    assert (fast.status, complete) == (0, False), fast


# ---- an entrypoint script: a background worker, then exec the server ----

ENTRYPOINT_SCRIPT = ("/usr/local/bin/entrypoint.sh",)
WORKER_JOB_SECONDS = 1.0  # servers/entrypoint.sh: testapp slow-term 1 7
WORKER_STATUS = 7


def stop_entrypoint(docker, image, setting, env):
    env = {"PIDONE_REWRITE": "TERM:QUIT", "PIDONE_VERBOSE": "2", **env}
    with socket_dir() as sockets, start_nginx(docker, image, sockets, ENTRYPOINT_SCRIPT, env) as server:
        worker = server.client.ready()
        (master,) = {pid for pid, message in nginx_messages(server.client.stderr.lines)
                     if message.startswith("start worker process ")}
        zombies = server.exec("testapp", "zombies").stdout.split()[1]
        seconds = StopTimer(server).wait()
        status = server.client.wait_exited()
        worker_lines = server.client.lines
        reaped = f"[pidone] reaped orphan {worker.pid}" in server.client.stderr.lines
    signals = [line.split()[1] for line in worker_lines if line.startswith("signal ")]
    finished = "term-handled" in worker_lines
    what = (f"worker: signals {', '.join(signals) or 'none'}; "
            + (f"finished its job, exit {WORKER_STATUS}, reaped by pidone" if finished and reaped
               else "finished, not reaped" if finished else "killed by the kernel halfway"))
    return (Stop(setting, seconds, status, what, f"zombies: {zombies}"),
            worker, int(master), finished, reaped, int(zombies))


def test_entrypoint_worker_and_exec_server_shut_down_cleanly(docker, image, capsys):
    """entrypoint.sh starts a worker in the background and execs nginx
    (TERM:QUIT): nginx becomes pidone's child and the worker's parent. On
    docker stop, the group gets SIGQUIT; nginx quits at once, and pidone's
    default grace sends the worker SIGTERM and lets it finish its job in
    hand, reaps it (no zombie) and exits with the server's status, not the
    worker's. With PIDONE_GRACE=0 pidone exits with nginx and the kernel
    kills the worker halfway."""
    rows = [("pidone, defaults", {}), ("pidone PIDONE_GRACE=0", {"PIDONE_GRACE": "0"})]
    results = [stop_entrypoint(docker, image, setting, env) for setting, env in rows]
    print_table(capsys, "entrypoint.sh (worker &; exec nginx) after `docker stop`, TERM:QUIT:",
                ("init", "docker stop", "exit", "the worker", "while running"),
                [(r.setting, f"{r.seconds:.2f} s", r.status, r.at_stop, r.after) for r, *_ in results])
    for stop, worker, master, _, _, zombies in results:
        assert worker.ppid == master, (stop, "exec made nginx the worker's parent")
        assert zombies == 0, stop
        assert stop.status == 0, (stop, "the exit status is the server's")
    (defaults, _, _, finished, reaped, _), (grace0, _, _, finished0, reaped0, _) = results
    assert (finished, reaped) == (True, True), defaults
    assert WORKER_JOB_SECONDS <= defaults.seconds < DEFAULT_GRACE + STOP_SLACK, defaults
    assert (finished0, reaped0) == (False, False), grace0
