"""Votes per second through gunicorn on PostgreSQL, sent by wrk, then the totals checked exactly.

    .venv/bin/python -m bench.votes [--votes 4000] [--connections 8] [--rounds 3] [--workers 2] [--threads 1]

Starts gunicorn (see bench/harness.py) with the vote rate limit lifted through
its environment (POLLS_VOTES_PER_MINUTE: every request comes from 127.0.0.1)
and, each round, makes a poll of its own with three choices and lets wrk
(bench/votes.lua) post `--votes` votes over `--connections` connections, each
request a browser never seen before (a fresh CSRF secret as cookie and form
token) choosing at random, asking for JSON as the page's script does.

Each round it checks, exactly, that the vote rows in the database, wrk's
successful answers (200), the votes sent and the total on the poll's JSON page
are one number, and that each choice's count on that page is its number of
rows; it exits non-zero if not. It measures the plain view (/bench/hello)
before and after each round and prints the ratio of the medians. The bench polls
are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench import harness

SCRIPT = Path(__file__).with_name("votes.lua")
CHOICES = 3


@dataclass
class VoteRun:
    """What wrk saw of one round of votes."""

    sent: int
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    socket_errors: int = 0

    @property
    def succeeded(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def votes_per_second(self) -> float:
        return self.succeeded / self.seconds if self.seconds else 0.0


def post_votes(
    server_url: str, vote_path: str, choice_ids: list[int], *, votes: int, connections: int
) -> VoteRun:
    """`votes` votes (rounded up to a multiple of `connections`) from wrk, one connection per thread.

    Each wrk thread says on a line of its own when its last vote is answered
    (then sends only a slow trickle of plain GETs); wrk itself only ends after
    its duration or an interrupt, so it is interrupted when every thread has.
    """
    per_thread = -(-votes // connections)
    command = [
        "wrk",
        f"-t{connections}",
        f"-c{connections}",
        f"-d{max(60, per_thread)}s",  # a bound only: the threads stop when their votes are answered
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(SCRIPT),
        server_url,
        "--",
        str(per_thread),
        vote_path,
        harness.CEILING,
        *map(str, choice_ids),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    finished = 0
    for line in process.stdout:
        if line.strip() == "finished":
            finished += 1
            if finished == connections:
                process.send_signal(signal.SIGINT)
                break
    output = process.stdout.read()
    if process.wait() != 0:
        raise RuntimeError(f"wrk failed with {process.returncode}")
    run = VoteRun(sent=per_thread * connections)
    for line in output.splitlines():
        name, *values = line.split()
        if name == "status":
            run.statuses[int(values[0])] = int(values[1])
        elif name == "window_us":
            run.seconds = int(values[0]) / 1e6
        elif name == "p50_us":
            run.p50_ms = int(values[0]) / 1000
        elif name == "p99_us":
            run.p99_ms = int(values[0]) / 1000
        elif name == "socket_errors":
            run.socket_errors = int(values[0])
    return run


def shown_results(page_url: str) -> dict:
    """The results on the poll's JSON page, as a visitor's script reads them."""
    request = urllib.request.Request(page_url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"]


def one_round(server, *, votes: int, connections: int) -> tuple[VoteRun, bool]:
    """A poll of its own, `votes` votes on it, and the exact check; the poll is deleted after."""
    from django.db.models import Count

    from polls.models import Choice, Poll, Vote

    poll = Poll.objects.create(question="Bench: bình chọn thử?", slug=f"bench-{secrets.token_hex(4)}")
    choices = [
        Choice.objects.create(poll=poll, text=f"Phương án {i}", order=i) for i in range(1, CHOICES + 1)
    ]
    try:
        vote_path = f"/binh-chon/{poll.slug}/binh-chon/"
        run = post_votes(server.url, vote_path, [c.pk for c in choices], votes=votes, connections=connections)
        shown = shown_results(server.url + poll.get_absolute_url())
        rows = Vote.objects.filter(poll=poll).count()
        rows_by_choice = dict(
            Vote.objects.filter(poll=poll).values("choice").annotate(n=Count("pk")).values_list("choice", "n")
        )
    finally:
        poll.delete()
    shown_by_choice = {c["id"]: c["votes"] for c in shown["choices"]}
    shown_sum = sum(shown_by_choice.values())
    exact = (
        rows == run.succeeded == run.sent == shown["total"] == shown_sum
        and all(shown_by_choice[c.pk] == rows_by_choice.get(c.pk, 0) for c in choices)
        and run.socket_errors == 0
    )
    print(
        f"  round: {run.votes_per_second:7.1f} votes/s in {run.seconds:.2f} s, p50 {run.p50_ms:.1f} ms, "
        f"p99 {run.p99_ms:.1f} ms; answers {dict(sorted(run.statuses.items()))}, "
        f"socket errors {run.socket_errors}; rows {rows}, successful {run.succeeded}, sent {run.sent}, "
        f"shown total {shown['total']} (sum {shown_sum}), per choice shown {shown_by_choice} "
        f"vs rows {rows_by_choice}: {'EXACT' if exact else 'NOT EXACT'}",
        flush=True,
    )
    return run, exact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=4000, help="votes per round")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (one per wrk thread)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--seconds", type=int, default=5, help="length of each /bench/hello measurement")
    args = parser.parse_args()

    # The bench's clients all come from 127.0.0.1: lift the per-address limit, for this server only.
    env = harness.bench_env(POLLS_VOTES_PER_MINUTE=str(10**9))
    harness.ensure_database(env)
    # This process makes the polls and counts their rows through the ORM.
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    import django

    django.setup()

    runs, hellos, all_exact = [], [], True
    with harness.gunicorn(workers=args.workers, threads=args.threads, env=env) as server:
        print("warm-up (not counted):", flush=True)
        one_round(server, votes=20 * args.connections, connections=args.connections)
        harness.wrk(server.url + harness.CEILING, seconds=1)
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}:", flush=True)
            # The plain view just before and just after: the machine is shared and drifts.
            before = harness.wrk(server.url + harness.CEILING, seconds=args.seconds)
            run, exact = one_round(server, votes=args.votes, connections=args.connections)
            after = harness.wrk(server.url + harness.CEILING, seconds=args.seconds)
            runs.append(run)
            all_exact &= exact
            hellos.append((before.rps + after.rps) / 2)
            print(f"  /bench/hello {before.rps:.1f} req/s before, {after.rps:.1f} after", flush=True)

    median = sorted(runs, key=lambda r: r.votes_per_second)[len(runs) // 2]
    hello = statistics.median(hellos)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\ngunicorn {args.workers} workers of {args.threads} thread(s), wrk {args.connections} connections, {args.rounds} rounds "
        f"of {median.sent} votes, each by a new browser; load average after: {load}"
    )
    print(
        f"votes/s   {median.votes_per_second:9.1f}   (median round; all: "
        f"{', '.join(f'{r.votes_per_second:.0f}' for r in runs)})"
    )
    print(f"latency   p50 {median.p50_ms:.1f} ms   p99 {median.p99_ms:.1f} ms")
    print(
        f"ratio     votes/s ÷ /bench/hello req/s = {median.votes_per_second:.1f} ÷ {hello:.1f} "
        f"= {median.votes_per_second / hello:.2f}"
    )
    print(f"check     every round: {'EXACT' if all_exact else 'NOT EXACT'}")
    if not all_exact:
        sys.exit(1)


if __name__ == "__main__":
    main()
