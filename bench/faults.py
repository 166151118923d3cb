"""p99 and failed answers of every public page while Redis hangs, beside the same pages with Redis well.

    .venv/bin/python -m bench.faults [--seconds 5] [--connections 8] [--workers 4] [--fault freeze|refuse]

Starts a redis-server of its own on a spare port behind a fault proxy
(bench/proxy.py), and gunicorn (4 workers) on PostgreSQL (DATABASE_URL,
default the `council_bench` database, created and loaded with the demo if
missing) and that Redis. Measures every public page with wrk, freezes Redis
(connections accepted, never answered; `--fault refuse`: stopped) and
measures them again. Prints p99 and the count of answers that were not 2xx
or 3xx or did not come (wrk's time-out is 2 s) for each page; asserts nothing.
/healthz rightly answers 503 while Redis is down: its failures are expected.
"""

import argparse

from bench import harness
from bench.pages import PAGES
from bench.proxy import FaultProxy, redis_server


def measure(base: str, *, seconds: int, connections: int) -> dict[str, harness.Measure]:
    return {path: harness.wrk(base + path, seconds=seconds, connections=connections) for path in PAGES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fault", choices=["freeze", "refuse"], default="freeze")
    args = parser.parse_args()

    env = harness.bench_env()
    harness.ensure_database(env)
    with redis_server() as port:
        proxy = FaultProxy(port)
        env = harness.bench_env(REDIS_URL=f"redis://{proxy.url_host}/0", CACHE_KEY_PREFIX="bench-faults")
        try:
            with harness.gunicorn(workers=args.workers, env=env) as server:
                for path in PAGES:  # warm-up: shells, connections, lazy imports
                    harness.wrk(server.url + path, seconds=1, connections=args.connections)
                well = measure(server.url, seconds=args.seconds, connections=args.connections)
                getattr(proxy, args.fault)()
                down = measure(server.url, seconds=args.seconds, connections=args.connections)
        finally:
            proxy.close()

    print(
        f"\ngunicorn {args.workers} workers, wrk {args.connections} connections for {args.seconds} s a page; "
        f"Redis well, then Redis {'frozen' if args.fault == 'freeze' else 'stopped'}"
    )
    print(f"{'path':<60} {'p99 ms':>8} {'req/s':>8} | {'p99 ms':>8} {'req/s':>8} {'failed':>7}")
    for path in PAGES:
        a, b = well[path], down[path]
        print(f"{path:<60} {a.p99_ms:>8.1f} {a.rps:>8.1f} | {b.p99_ms:>8.1f} {b.rps:>8.1f} {b.errors:>7}")
    public = [path for path in PAGES if path != "/healthz"]
    print(
        f"\nRedis down, public pages: worst p99 {max(down[p].p99_ms for p in public):.1f} ms, "
        f"failed answers {sum(down[p].errors for p in public)}"
    )


if __name__ == "__main__":
    main()
