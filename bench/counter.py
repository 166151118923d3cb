"""The home page with and without the online counter, in the same run.

    .venv/bin/python -m bench.counter [--rounds 3] [--seconds 5] [--connections 8]

Starts two gunicorn servers (2 workers each) on PostgreSQL and Redis, one with
ONLINE_COUNTER_ENABLED=false, and loads their home pages in interleaved
rounds, as a returning browser (its counter cookie is fresh, as it is for any
visitor within a minute of their last page) and as a new visitor each time
(no cookie: every request writes to Redis). Prints requests/s, p50, p99, the
ratio with/without, and the database rows written per request (from
pg_stat_database), which must be zero.
"""

import argparse
import subprocess
import time

from bench import harness

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


def rows_written(env: dict[str, str]) -> int:
    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[-1]
    query = f"SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = '{name}'"
    return int(
        subprocess.run(["psql", url, "-tAc", query], capture_output=True, text=True, check=True).stdout
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    env = harness.bench_env()
    harness.ensure_database(env)
    returning = {"User-Agent": BROWSER, "Cookie": f"truc_tuyen=bench-visitor.{int(time.time())}"}
    newcomer = {"User-Agent": BROWSER}
    with (
        harness.gunicorn(workers=2, env={**env, "ONLINE_COUNTER_ENABLED": "true"}) as on,
        harness.gunicorn(workers=2, env={**env, "ONLINE_COUNTER_ENABLED": "false"}) as off,
    ):
        cases = {
            "hello (ceiling)": (on.url + harness.CEILING, {}),
            "home, counter off": (off.url + "/", returning),
            "home, counter on, returning visitor": (on.url + "/", returning),
            "home, counter on, new visitor each request": (on.url + "/", newcomer),
        }
        for url, headers in cases.values():
            harness.wrk(url, seconds=1, connections=args.connections, headers=headers)
        runs = {name: [] for name in cases}
        requests = 0
        before = rows_written(env)
        for _ in range(args.rounds):
            for name, (url, headers) in cases.items():
                measure = harness.wrk(
                    url, seconds=args.seconds, connections=args.connections, headers=headers
                )
                runs[name].append(measure)
                requests += round(measure.rps * args.seconds)
        time.sleep(1)  # pg_stat_database is updated asynchronously
        written = rows_written(env) - before

    results = {name: harness._median(measures) for name, measures in runs.items()}
    off_rps = results["home, counter off"].rps
    print(
        f"\nthe online counter: gunicorn 2 workers, wrk {args.connections} connections, median of {args.rounds} x {args.seconds} s"
    )
    print(f"{'case':<46} {'req/s':>9} {'vs off':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, m in results.items():
        print(
            f"{name:<46} {m.rps:>9.1f} {m.rps / off_rps:>7.2f} {m.p50_ms:>8.2f} {m.p99_ms:>8.2f} {m.errors:>7}"
        )
    print(
        f"database rows written during ~{requests} requests: {written} ({written / max(requests, 1):.4f} per request)"
    )


if __name__ == "__main__":
    main()
