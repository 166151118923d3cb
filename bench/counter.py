"""The home page with and without the online counter, in the same run.

    .venv/bin/python -m bench.counter [--rounds 3] [--seconds 5] [--connections 8]

Starts two gunicorn servers (2 workers each) on PostgreSQL and Redis, one with
ONLINE_COUNTER_ENABLED=false, and loads their home pages in interleaved
rounds: as a returning browser (its counter cookie is fresh, as it is for any
visitor within a minute of their last page); as a client that never returns
the cookie, from one address (a flood: at most ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE
of its guests are written a minute); as a new browser on every request, each
from an address of its own (every request writes to Redis, the worst case);
and as a crawler (matched against the bot list, never written). Prints
requests/s, p50, p99, the ratio with/without, the guests the flood left online,
and the database rows written per request (from pg_stat_database), which must
be zero.
"""

import argparse
import os
import re
import subprocess
import tempfile
import time
import urllib.request

from bench import harness

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def rows_written(env: dict[str, str]) -> int:
    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[-1]
    query = f"SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = '{name}'"
    return int(
        subprocess.run(["psql", url, "-tAc", query], capture_output=True, text=True, check=True).stdout
    )


# Each request from an address of its own (the server trusts X-Forwarded-For in this run).
ADDRESS_PER_REQUEST = """
counter = 0
request = function()
  counter = counter + 1
  local address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, nil, {["User-Agent"] = "%s", ["X-Forwarded-For"] = address})
end
"""


def guests_online(base_url: str) -> int:
    request = urllib.request.Request(base_url + "/", headers={"User-Agent": CRAWLER})
    page = urllib.request.urlopen(request, timeout=30).read().decode()
    return int(re.search(r'data-count="guests">([\d.]+)<', page).group(1).replace(".", ""))


def fresh(headers: dict[str, str]) -> dict[str, str]:
    """A returning browser's headers with its counter cookie written just now (not due for a write)."""
    if "Cookie" not in headers and "X-Forwarded-For" not in headers and headers.get("User-Agent") == BROWSER:
        return {**headers, "Cookie": f"truc_tuyen=bench-visitor.{int(time.time() * 1000)}"}
    return headers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    env = harness.bench_env(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
    harness.ensure_database(env)
    returning = {"User-Agent": BROWSER}  # its cookie is renewed before each measurement (fresh())
    newcomer = {"User-Agent": BROWSER, "X-Forwarded-For": "192.0.2.1"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(ADDRESS_PER_REQUEST.replace("%s", BROWSER))
    with (
        harness.gunicorn(workers=2, env={**env, "ONLINE_COUNTER_ENABLED": "true"}) as on,
        harness.gunicorn(workers=2, env={**env, "ONLINE_COUNTER_ENABLED": "false"}) as off,
    ):
        # The flood alone first: how many guests does it leave online?
        settle = float(env.get("ONLINE_COUNTER_READ_SECONDS", "5")) + 0.5  # the shared figures renewed
        time.sleep(settle)
        before = guests_online(on.url)
        flood = harness.wrk(
            on.url + "/", seconds=args.seconds, connections=args.connections, headers=newcomer
        )
        time.sleep(settle)
        flooded = guests_online(on.url) - before
        cases = {
            "hello (ceiling)": (on.url + harness.CEILING, {}, None),
            "home, counter off": (off.url + "/", returning, None),
            "home, counter on, returning visitor": (on.url + "/", returning, None),
            "home, counter on, crawler": (on.url + "/", {"User-Agent": CRAWLER}, None),
            "home, counter on, no cookie, one address": (on.url + "/", newcomer, None),
            "home, counter on, new browser, own address": (on.url + "/", {}, lua.name),
        }
        for url, headers, script in cases.values():
            harness.wrk(url, seconds=1, connections=args.connections, headers=fresh(headers), script=script)
        runs = {name: [] for name in cases}
        requests = 0
        before = rows_written(env)
        for _ in range(args.rounds):
            for name, (url, headers, script) in cases.items():
                measure = harness.wrk(
                    url,
                    seconds=args.seconds,
                    connections=args.connections,
                    headers=fresh(headers),
                    script=script,
                )
                runs[name].append(measure)
                requests += round(measure.rps * args.seconds)
        time.sleep(1)  # pg_stat_database is updated asynchronously
        written = rows_written(env) - before
    os.unlink(lua.name)

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
    print(
        f"a {args.seconds} s flood without cookies from one address ({round(flood.rps * args.seconds)} requests) "
        f"left {flooded} guests online"
    )


if __name__ == "__main__":
    main()
