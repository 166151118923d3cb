"""Requests per second, p50 and p99 of the public pages, as ratios of a plain Django view.

    .venv/bin/python -m bench.pages [--rounds 3] [--seconds 5] [--connections 8] [--workers 2]

Starts gunicorn (2 workers) on PostgreSQL and Redis (DATABASE_URL and REDIS_URL,
defaulting to the local servers and a `council_bench` database, created and
loaded with the demo if missing), warms up, and measures each page in
interleaved rounds with wrk. Prints one table; asserts nothing.
"""

import argparse

from bench import harness

# Every public page worth watching. Features add theirs here.
PAGES = [
    "/",
    "/gioi-thieu/",
    "/thanh-vien/",
    "/phien-hop/",
    "/phien-hop/hop-hoi-dong-giam-doc-cntt-nam-2017/",
    "/thoa-thuan-hop-tac/",
    "/tin-tuc/",
    "/tin-tuc/cac-cio-mien-trung-hop-ban-ve-thanh-pho-thong-minh/",
    "/tim-kiem/?q=quang+binh",
    "/binh-chon/",
    "/binh-chon/y-kien-ve-website-hdgdcntt/",
    "/healthz",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("paths", nargs="*", help="paths to measure instead of the default list")
    args = parser.parse_args()

    env = harness.bench_env()
    harness.ensure_database(env)
    with harness.gunicorn(workers=args.workers, env=env) as server:
        results = harness.interleaved(
            server.url,
            args.paths or PAGES,
            rounds=args.rounds,
            seconds=args.seconds,
            connections=args.connections,
        )
    harness.print_table(
        results,
        title=f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"median of {args.rounds} rounds of {args.seconds} s",
    )


if __name__ == "__main__":
    main()
