"""Run the site under gunicorn and measure it with wrk.

Shared by the scripts in bench/. Everything stays on this machine: gunicorn
listens on a free loopback port, wrk sends a bounded number of seconds of
traffic to it, and the server is stopped when the block ends.

Figures are only comparable within one run, so every script measures a plain
Django view (`/bench/hello`) beside its pages, in interleaved rounds, and
reports ratios to it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CEILING = "/bench/hello"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/council_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(**overrides: str) -> dict[str, str]:
    """Production-like settings: PostgreSQL, Redis, no debug, hashed static files."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env.setdefault("CACHE_KEY_PREFIX", "bench")
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        DJANGO_STATIC_MANIFEST="true",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], root: Path = ROOT) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)


def ensure_database(env: dict[str, str]) -> None:
    """Create the bench database if needed (PostgreSQL), migrate it and load the demo."""
    url = env["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        name = url.rsplit("/", 1)[-1]
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        exists = subprocess.run(
            ["psql", admin_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(["psql", admin_url, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    manage("migrate", "--noinput", env=env)
    manage("load_demo", env=env)


@dataclass
class Server:
    url: str
    process: subprocess.Popen


@contextlib.contextmanager
def gunicorn(
    *, workers: int = 2, threads: int = 1, env: dict[str, str] | None = None, root: Path = ROOT
) -> Iterator[Server]:
    """A gunicorn serving the checkout at `root` with `workers` processes (of `threads` threads each),
    stopped on exit."""
    env = env or bench_env()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = {**env, "STATIC_ROOT": static_root}
    manage("collectstatic", "--noinput", env=env, root=root)
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "council.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
        start_new_session=True,
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process)
    try:
        wait_until_up(server.url + "/healthz", process)
        yield server
    finally:
        stop(process)
        shutil.rmtree(static_root, ignore_errors=True)


def stop(process: subprocess.Popen) -> None:
    """Stop a server started in a session of its own: SIGTERM to its group, SIGKILL after 15 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def wrk(
    url: str,
    *,
    seconds: int = 5,
    connections: int = 8,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: str | None = None,
) -> Measure:
    """Load `url` for `seconds` with wrk and read its requests/s, p50, p99 and errors.

    Debian's wrk cannot pace requests at a fixed rate: see p99_at_rate() for that.
    """
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in (headers or {}).items():
        command[1:1] = ["-H", f"{name}: {value}"]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _to_ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _to_ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    return Measure(rps=rps, p50_ms=p50, p99_ms=p99, errors=errors)


def p99_at_rate(
    url: str, *, rate: float, seconds: int = 5, connections: int = 16, headers: dict[str, str] | None = None
) -> Measure:
    """Latency at a fixed request rate: wrk with each connection pausing between requests.

    Debian's wrk cannot pace requests by itself, but a Lua script's delay()
    makes each connection wait some milliseconds before its next request, so
    `connections` connections send about `rate` requests a second; the rate
    really reached is in the result. Each pause is drawn between half and
    one and a half times the mean, so that the connections drift apart
    instead of arriving together in bursts. A slow response delays that
    connection's next request (closed loop), so queueing shows only as long
    as the server keeps up, which at half its peak it should.
    """
    pause_ms = max(2, round(connections * 1000 / rate))
    lua = (
        "function init(args)\n  math.randomseed(os.time() + math.floor(os.clock() * 1000000))\nend\n"
        f"function delay()\n  return math.random({pause_ms // 2}, {pause_ms + pause_ms // 2})\nend\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        return wrk(url, seconds=seconds, connections=connections, headers=headers, script=script.name)
    finally:
        os.unlink(script.name)


def interleaved(
    base_url: str,
    paths: Sequence[str],
    *,
    rounds: int = 3,
    seconds: int = 5,
    connections: int = 8,
    headers: dict[str, str] | None = None,
) -> dict[str, Measure]:
    """Measure every path once per round, in turn, and keep each one's median round.

    Interleaving spreads any drift of the machine (other load, CPU heat) over
    all paths alike instead of penalising whichever ran last.
    """
    paths = [CEILING, *[p for p in paths if p != CEILING]]
    for path in paths:  # warm-up: caches, connections, lazy imports in every worker
        wrk(base_url + path, seconds=1, connections=connections, headers=headers)
    runs: dict[str, list[Measure]] = {path: [] for path in paths}
    for _ in range(rounds):
        for path in paths:
            runs[path].append(wrk(base_url + path, seconds=seconds, connections=connections, headers=headers))
    return {path: _median(measures) for path, measures in runs.items()}


def _median(measures: list[Measure]) -> Measure:
    ordered = sorted(measures, key=lambda m: m.rps)
    middle = ordered[len(ordered) // 2]
    return Measure(
        rps=middle.rps, p50_ms=middle.p50_ms, p99_ms=middle.p99_ms, errors=sum(m.errors for m in measures)
    )


def print_table(results: dict[str, Measure], *, title: str, paced: dict[str, Measure] | None = None) -> None:
    """The figures, with each path's requests/s as a ratio of the plain view's.

    `paced`: each path's latency at about half its peak rate (p99_at_rate).
    """
    ceiling = results[CEILING].rps
    print(f"\n{title}")
    header = f"{'path':<48} {'req/s':>9} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    if paced:
        header += f" {'half rate':>10} {'its p99 ms':>11} {'errors':>7}"
    print(header)
    for path, m in results.items():
        line = f"{path:<48} {m.rps:>9.1f} {m.rps / ceiling:>6.2f} {m.p50_ms:>8.2f} {m.p99_ms:>8.2f} {m.errors:>7}"
        if paced and path in paced:
            half = paced[path]
            line += f" {half.rps:>10.1f} {half.p99_ms:>11.2f} {half.errors:>7}"
        print(line)
