"""Requests per second, p50 and p99 of the public pages, as ratios of a plain Django view.

    .venv/bin/python -m bench.pages [--rounds 3] [--seconds 5] [--connections 8] [--workers 2]
                                    [--returning] [--no-paced] [paths...]

Starts gunicorn (2 workers) on PostgreSQL and Redis (DATABASE_URL and REDIS_URL,
defaulting to the local servers and a `council_bench` database, created and
loaded with the demo if missing), warms up, and measures each page in
interleaved rounds with wrk. Then it loads each page again at about half the
requests/s it reached and reads the p99 latency there. Prints one table;
asserts nothing.

wrk keeps no cookies, so by default every request is a first visit: Django
makes a new CSRF secret and sets its cookie each time. --returning sends the
CSRF cookie a browser sends on every page after its first.
"""

import argparse

from bench import harness

# A CSRF secret in the cookie's format (32 letters and digits), as a browser keeps it.
RETURNING_CSRF_SECRET = "returningvisitor" * 2

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
    parser.add_argument("--returning", action="store_true", help="send a CSRF cookie, as a returning browser")
    parser.add_argument("--no-paced", action="store_true", help="skip the runs at half the peak rate")
    parser.add_argument("paths", nargs="*", help="paths to measure instead of the default list")
    args = parser.parse_args()
    headers = {"Cookie": f"csrftoken={RETURNING_CSRF_SECRET}"} if args.returning else None

    env = harness.bench_env()
    harness.ensure_database(env)
    with harness.gunicorn(workers=args.workers, env=env) as server:
        results = harness.interleaved(
            server.url,
            args.paths or PAGES,
            rounds=args.rounds,
            seconds=args.seconds,
            connections=args.connections,
            headers=headers,
        )
        paced = None
        if not args.no_paced:
            paced = {
                path: harness.p99_at_rate(
                    server.url + path, rate=measure.rps / 2, seconds=args.seconds, headers=headers
                )
                for path, measure in results.items()
            }
    visitor = "returning visitors (CSRF cookie sent)" if args.returning else "first visits (no cookie)"
    harness.print_table(
        results,
        title=f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"median of {args.rounds} rounds of {args.seconds} s, {visitor}",
        paced=paced,
    )


if __name__ == "__main__":
    main()
