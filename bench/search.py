"""Uncached search time over a large archive, through the search function and through gunicorn.

    .venv/bin/python -m bench.search [--articles 20000] [--requests 30] [--workers 2]

On PostgreSQL (DATABASE_URL, default a `council_search_bench` database, created,
migrated and loaded with the demo if missing), tops the archive up to
--articles published articles of about 2,000 characters each (seeded random
Vietnamese text; every article holds "hội đồng", one in fifty "Quảng Bình").
Then, for a few queries, prints PostgreSQL's own execution time of the queries
one search sends (EXPLAIN ANALYZE: little affected by a busy machine), and the
median and 90th percentile of:
- search.search() called in this process (never cached);
- GET /tim-kiem/?q=... through gunicorn, each request a question not asked
  before (an exclusion of a word found nowhere is added), so none is answered
  from the cache.
Asserts nothing.
"""

import argparse
import os
import random
import statistics
import time
import urllib.parse
import urllib.request

from bench import harness

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/council_search_bench"
QUERIES = ["quang binh", '"hoi dong"', "chuyen doi so -quang", "khong co tu nay"]
WORDS = (
    "chuyển đổi số hạ tầng dữ liệu chính quyền điện tử thành phố thông minh an toàn thông tin "
    "sở khoa học công nghệ tỉnh miền trung tây nguyên phần mềm dùng chung kết nối liên thông "
    "dịch vụ công trực tuyến nhân lực đào tạo hợp tác triển khai đánh giá kế hoạch năm báo cáo "
    "giám đốc cơ quan nhà nước đô thị nông thôn doanh nghiệp người dân cổng thông tin"
)
VOCABULARY = WORDS.split()


def build_archive(target: int) -> None:
    import django
    from django.utils import timezone

    django.setup()
    from council.models import Article

    have = Article.objects.count()
    if have >= target:
        print(f"archive: {have} articles already")
        return
    rng = random.Random(2017)
    started = time.perf_counter()
    batch = []
    for index in range(have, target):
        body = " ".join(rng.choice(VOCABULARY) for _ in range(320))
        place = "Quảng Bình" if index % 50 == 0 else rng.choice(["Đà Nẵng", "Gia Lai", "Huế", "Kon Tum"])
        batch.append(
            Article(
                title=f"Tin {index}: {' '.join(rng.choice(VOCABULARY) for _ in range(8))}",
                slug=f"bench-{index}",
                summary=f"Hội đồng họp tại {place}.",
                body=f"<p>{body}</p>",
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timezone.timedelta(minutes=index),
            )
        )
        if len(batch) == 1000:
            Article.objects.bulk_create(batch)  # stores the search vectors too
            batch = []
    if batch:
        Article.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does soon after a load: fresh statistics
        cursor.execute("VACUUM ANALYZE council_article")
    print(f"archive: {target} articles ({target - have} added in {time.perf_counter() - started:.0f} s)")


def database_ms(search, query: str) -> float:
    """PostgreSQL's own execution time of the queries one search sends (EXPLAIN ANALYZE), summed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        search.search(query)
    total = 0.0
    with connection.cursor() as cursor:
        for sql in [q["sql"] for q in captured.captured_queries]:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            total += cursor.fetchone()[0][0]["Execution Time"]
    return total


def timed(call, repeat: int) -> tuple[float, float]:
    times = []
    for attempt in range(repeat):
        started = time.perf_counter()
        call(attempt)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = harness.bench_env()
    harness.ensure_database(env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    build_archive(args.articles)

    from council import search

    print(
        f"{'query':<24} {'hits':>5} {'database':>9} {'function p50':>13} {'p90':>7} "
        f"{'gunicorn p50':>13} {'p90':>7}  (ms)"
    )
    rows = []
    for query in QUERIES:
        hits = len(search.search(query))
        rows.append(
            (
                query,
                hits,
                database_ms(search, query),
                timed(lambda _i, q=query: search.search(q), args.requests),
            )
        )
    with harness.gunicorn(workers=args.workers, env=env) as server:

        def fetch(attempt: int, query: str) -> None:
            q = f"{query} -khongco{time.time_ns()}x{attempt}"  # a new question each time: never cached
            with urllib.request.urlopen(
                f"{server.url}/tim-kiem/?{urllib.parse.urlencode({'q': q})}"
            ) as response:
                response.read()

        for query, hits, database, (f50, f90) in rows:
            fetch(0, query)  # warm the worker's connection
            g50, g90 = timed(lambda attempt, q=query: fetch(attempt, q), args.requests)
            print(f"{query:<24} {hits:>5} {database:>9.1f} {f50:>13.1f} {f90:>7.1f} {g50:>13.1f} {g90:>7.1f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
