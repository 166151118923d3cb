"""Two checkouts' public pages, measured in the same rounds: before and after a change.

    .venv/bin/python -m bench.compare /path/to/other/checkout [--rounds 3] [--seconds 3] [paths...]

Starts gunicorn (2 workers) for the other checkout (say a `git worktree add
/tmp/before main`) and for this one, on the same database and Redis (each
with its own cache prefix), then measures, round after round, for each page:
the plain view and the page on the other checkout, then the same on this one.
Each page's ratio is its requests/s over the plain view's measured just
before it on the same server, so a machine shared with other work shifts both
alike; the median round is shown. Prints one table; asserts nothing.
"""

import argparse
import contextlib
import statistics
from pathlib import Path

from bench import harness
from bench.pages import PAGES


def _server(stack: contextlib.ExitStack, root: Path, prefix: str) -> harness.Server:
    env = harness.bench_env(CACHE_KEY_PREFIX=prefix)
    return stack.enter_context(harness.gunicorn(workers=2, env=env, root=root))


def _ratio(server: harness.Server, path: str, seconds: int) -> float:
    hello = harness.wrk(server.url + harness.CEILING, seconds=seconds)
    page = harness.wrk(server.url + path, seconds=seconds)
    return page.rps / hello.rps if page.errors == 0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (the 'before')")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    paths = [path for path in (args.paths or PAGES) if path != harness.CEILING]
    here = harness.ROOT
    harness.ensure_database(harness.bench_env())
    with contextlib.ExitStack() as stack:
        servers = {
            "before": _server(stack, args.other.resolve(), "bench_before"),
            "after": _server(stack, here, "bench_after"),
        }
        for server in servers.values():  # warm-up
            for path in [harness.CEILING, *paths]:
                harness.wrk(server.url + path, seconds=1)
        ratios = {(name, path): [] for name in servers for path in paths}
        for _round in range(args.rounds):
            for path in paths:
                for name, server in servers.items():
                    ratios[name, path].append(_ratio(server, path, args.seconds))
    print(
        f"\nratio to /bench/hello, median of {args.rounds} rounds of {args.seconds} s, before = {args.other}"
    )
    print(f"{'path':<62} {'before':>7} {'after':>7}")
    for path in paths:
        before, after = (statistics.median(ratios[name, path]) for name in ("before", "after"))
        print(f"{path:<62} {before:>7.2f} {after:>7.2f}")


if __name__ == "__main__":
    main()
