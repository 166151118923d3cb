"""Votes per second through gunicorn on PostgreSQL, then the totals checked exactly.

    .venv/bin/python -m bench.votes [--votes 2000] [--clients 8] [--workers 2]

Starts gunicorn (see bench/harness.py) with the vote rate limit lifted, makes a
poll of its own, and lets `--clients` threads cast `--votes` votes, each as a
distinct guest with its own cookie jar: the guest first opens the poll page
(untimed) for its CSRF cookie and token, then posts its vote asking for JSON
(timed). Afterwards it checks, exactly, that the vote rows in the database,
the successful responses and the total on the poll's JSON page are one number,
and exits non-zero if not. It also measures the plain view (/bench/hello) in
the same run and prints the ratio. The bench poll is deleted at the end.
"""

import argparse
import http.cookiejar
import json
import os
import queue
import re
import secrets
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bench import harness

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Guest:
    opener: urllib.request.OpenerDirector
    csrf_token: str


def new_guest(page_url: str) -> Guest:
    """A visitor with an empty cookie jar who has opened the poll page once."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(page_url, timeout=30) as response:
        token = TOKEN.search(response.read().decode()).group(1)
    return Guest(opener=opener, csrf_token=token)


def in_threads(count: int, work) -> None:
    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=5, help="length of the /bench/hello measurement")
    args = parser.parse_args()

    # The bench's clients all come from 127.0.0.1: lift the per-IP limit.
    env = harness.bench_env(POLLS_VOTES_PER_MINUTE=str(10**9))
    harness.ensure_database(env)
    # This process reads and writes the same database through the ORM.
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    import django

    django.setup()
    from polls.models import Choice, Poll, Vote

    poll = Poll.objects.create(question="Bench: bình chọn thử?", slug=f"bench-{secrets.token_hex(4)}")
    choices = [Choice.objects.create(poll=poll, text=f"Phương án {i}", order=i) for i in range(1, 4)]
    try:
        with harness.gunicorn(workers=args.workers, env=env) as server:
            page_url = server.url + poll.get_absolute_url()
            vote_url = server.url + f"/binh-chon/{poll.slug}/binh-chon/"

            # Untimed: every guest fetches the page for its CSRF cookie and token.
            guests: queue.Queue[Guest] = queue.Queue()

            def prepare() -> None:
                while True:
                    with counter_lock:
                        if counter[0] >= args.votes:
                            return
                        counter[0] += 1
                    guests.put(new_guest(page_url))

            counter, counter_lock = [0], threading.Lock()
            in_threads(args.clients, prepare)

            # Timed: each guest casts one vote, asking for JSON.
            latencies: list[float] = []
            statuses: dict[int, int] = {}
            lock = threading.Lock()

            def vote() -> None:
                index = 0
                while True:
                    try:
                        guest = guests.get_nowait()
                    except queue.Empty:
                        return
                    index += 1
                    body = urllib.parse.urlencode(
                        {"csrfmiddlewaretoken": guest.csrf_token, "choice": choices[index % 3].pk}
                    ).encode()
                    request = urllib.request.Request(
                        vote_url, data=body, headers={"Accept": "application/json", "Referer": page_url}
                    )
                    started = time.perf_counter()
                    try:
                        with guest.opener.open(request, timeout=30) as response:
                            response.read()
                            status = response.status
                    except urllib.error.HTTPError as error:
                        status = error.code
                    except OSError:
                        status = 0
                    elapsed = (time.perf_counter() - started) * 1000
                    with lock:
                        latencies.append(elapsed)
                        statuses[status] = statuses.get(status, 0) + 1

            started = time.perf_counter()
            in_threads(args.clients, vote)
            wall = time.perf_counter() - started

            with urllib.request.urlopen(
                urllib.request.Request(page_url, headers={"Accept": "application/json"}), timeout=30
            ) as response:
                shown = json.loads(response.read())["results"]
            hello = harness.wrk(server.url + harness.CEILING, seconds=args.seconds)
    finally:
        rows = Vote.objects.filter(poll=poll).count()
        poll.delete()

    succeeded = statuses.get(200, 0)
    quantiles = statistics.quantiles(latencies, n=100)
    votes_per_second = succeeded / wall
    shown_sum = sum(choice["votes"] for choice in shown["choices"])
    print(
        f"\ngunicorn {args.workers} workers, {args.clients} client threads, {args.votes} votes, "
        "each by a distinct guest"
    )
    print(f"votes/s   {votes_per_second:9.1f}   ({succeeded} votes in {wall:.2f} s)")
    print(f"latency   p50 {quantiles[49]:.2f} ms   p99 {quantiles[98]:.2f} ms")
    print(f"responses {dict(sorted(statuses.items()))}")
    print(
        f"ratio     votes/s ÷ /bench/hello req/s = {votes_per_second:.1f} ÷ {hello.rps:.1f} "
        f"= {votes_per_second / hello.rps:.2f}"
    )
    exact = rows == succeeded == shown["total"] == shown_sum == args.votes
    print(
        f"check     rows in DB {rows} == successful responses {succeeded} == total shown {shown['total']} "
        f"== sum of counts shown {shown_sum} == votes sent {args.votes}: {'EXACT' if exact else 'MISMATCH'}"
    )
    if not exact:
        sys.exit(1)


if __name__ == "__main__":
    main()
