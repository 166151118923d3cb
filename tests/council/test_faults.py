"""Redis and PostgreSQL failing under a real gunicorn (4 workers): the site degrades, says so, never hangs.

The site reaches both services through fault proxies (bench.proxy) on a
Redis server of the test's own and a database of its own loaded with the
demo. Each fault is checked through HTTP on every public page (bench.pages'
list), a vote, a member's page, a logged-in member, the admin login page
and /healthz. "Never hangs" is checked as no request reaching the client's
own time-out (CLIENT_TIMEOUT): a hang check, not a speed assertion.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from bench import harness
from bench.pages import PAGES, RETURNING_CSRF_SECRET
from bench.proxy import REDIS_SERVER, FaultProxy, redis_server

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]

CLIENT_TIMEOUT = 5.0
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"
POLL = "/binh-chon/y-kien-ve-website-hdgdcntt/"
PUBLIC = [path for path in PAGES if path != "/healthz"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MEMBER_NAME, MEMBER_PASSWORD = "thanh-vien-su-co", "mat-khau-thu-nghiem"
SIGN_IN_AGAIN = "Vui lòng đăng nhập lại sau ít phút."
MAINTENANCE = "Hệ thống đang bảo trì"


@dataclass
class Answer:
    url: str
    status: int  # 0: no answer within CLIENT_TIMEOUT (or no connection)
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def browser() -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.addheaders = [("User-Agent", BROWSER)]
    return opener


def fetch(opener, url: str, *, data: dict | None = None, headers: dict | None = None) -> Answer:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=CLIENT_TIMEOUT) as response:
            return Answer(url, response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(url, error.code, error.read().decode(), dict(error.headers))
    except OSError:  # the client's time-out, or no connection at all
        return Answer(url, 0)


def vote(base: str) -> Answer:
    """A new guest opens the poll's page and votes for its first choice, asking for JSON as poll.js does."""
    guest = browser()
    page = fetch(guest, base + POLL)
    assert page.status == 200, page
    choice = re.search(r'name="choice"\s+value="(\d+)"', page.body).group(1)
    return fetch(
        guest,
        base + POLL + "binh-chon/",
        data={"csrfmiddlewaretoken": TOKEN.search(page.body).group(1), "choice": choice, "place": "page"},
        headers={"Accept": "application/json", "Referer": base + POLL},
    )


def vote_without_the_page(base: str) -> Answer:
    """A vote as poll.js sends it from a page opened before the fault (its CSRF cookie and token)."""
    guest = browser()
    return fetch(
        guest,
        base + POLL + "binh-chon/",
        data={"csrfmiddlewaretoken": RETURNING_CSRF_SECRET, "choice": "1", "place": "page"},
        headers={
            "Accept": "application/json",
            "Referer": base + POLL,
            "Cookie": f"csrftoken={RETURNING_CSRF_SECRET}",
        },
    )


def log_in(opener, base: str) -> None:
    page = fetch(opener, base + "/tai-khoan/dang-nhap/")
    data = {
        "csrfmiddlewaretoken": TOKEN.search(page.body).group(1),
        "username": MEMBER_NAME,
        "password": MEMBER_PASSWORD,
    }
    answer = fetch(opener, base + "/tai-khoan/dang-nhap/", data=data, headers={"Referer": base + "/"})
    assert "Xin chào" in answer.body


@dataclass
class Site:
    url: str
    redis: FaultProxy
    database: FaultProxy
    database_url: str  # direct, for counting votes
    member_page: str
    member: urllib.request.OpenerDirector

    def votes(self) -> int:
        with (
            contextlib.closing(psycopg2.connect(self.database_url)) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "SELECT count(*) FROM polls_vote JOIN polls_poll ON polls_poll.id = polls_vote.poll_id "
                "WHERE polls_poll.slug = %s",
                [POLL.strip("/").rsplit("/", 1)[1]],
            )
            return cursor.fetchone()[0]

    def every_page(self) -> list[Answer]:
        guest = browser()
        return [fetch(guest, self.url + path) for path in [*PUBLIC, self.member_page, "/admin/login/"]]

    def health(self) -> Answer:
        return fetch(browser(), self.url + "/healthz")

    def wait_healthy(self, seconds: float = 20) -> Answer:
        deadline = time.monotonic() + seconds
        while (answer := self.health()).status != 200 and time.monotonic() < deadline:
            time.sleep(0.3)
        return answer


def _database_urls() -> tuple[str, str, int]:
    """The fault test's own database: its direct URL, the URL template for the proxy, PostgreSQL's port."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"{parts.path.strip('/')}_faults"
    direct = urlunsplit(parts._replace(path=f"/{name}"))
    return direct, name, parts.port or 5432


@pytest.fixture(scope="module")
def site():
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server: apt-get install redis-server")
    direct, name, pg_port = _database_urls()
    env = harness.bench_env(DATABASE_URL=direct, CACHE_KEY_PREFIX="faults")
    harness.ensure_database(env)  # created and loaded with the demo once; idempotent after
    script = (
        "from members.models import User\n"
        f"user, _ = User.objects.get_or_create(username={MEMBER_NAME!r})\n"
        f"user.set_password({MEMBER_PASSWORD!r})\n"
        "user.save()\n"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=harness.ROOT, env=env, check=True
    )
    with redis_server() as redis_port:
        redis, database = FaultProxy(redis_port), FaultProxy(pg_port)
        user = urlsplit(direct).netloc.rpartition("@")[0]
        proxied = urlunsplit(urlsplit(direct)._replace(netloc=f"{user}@{database.url_host}"))
        env = harness.bench_env(
            DATABASE_URL=proxied,
            REDIS_URL=f"redis://{redis.url_host}/0",
            CACHE_KEY_PREFIX="faults",
            REDIS_BREAKER_SECONDS="1",
            DATABASE_BREAKER_SECONDS="1",
            DATABASE_READ_TIMEOUT="2",
            ONLINE_COUNTER_READ_SECONDS="0",
            POLLS_VOTES_PER_MINUTE="1000",
        )
        try:
            with harness.gunicorn(workers=4, env=env) as server:
                guest = browser()
                listing = fetch(guest, server.url + "/thanh-vien/").body
                member_page = re.search(r'href="(/thanh-vien/[\w-]+/)"', listing).group(1)
                member = browser()
                log_in(member, server.url)
                yield Site(server.url, redis, database, direct, member_page, member)
        finally:
            redis.close()
            database.close()


def eventually(check, seconds: float = 10) -> bool:
    """Whether `check()` comes true within `seconds` (asked again every few tenths of a second)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def assert_served(answers: list[Answer]) -> None:
    """Every page answered 200 within the client's time-out."""
    assert [(a.url, a.status) for a in answers if a.status != 200] == []


def assert_votes_exact(site: Site, count: int = 3) -> None:
    before = site.votes()
    answers = [vote(site.url) for _ in range(count)]
    assert [(a.status, json.loads(a.body)["ok"]) for a in answers] == [(200, True)] * count
    assert site.votes() == before + count


def assert_degraded_without_redis(site: Site) -> None:
    assert_served(site.every_page())
    home = fetch(browser(), site.url + "/")
    assert re.findall(r'data-count="(\w+)">([^<]*)<', home.body) == [
        (name, "—") for name in ("guests", "members", "online", "today", "total")
    ]
    assert "<mark>" in fetch(browser(), site.url + "/tim-kiem/?q=quang+binh").body
    assert_votes_exact(site)
    member_home = fetch(site.member, site.url + "/")
    assert (member_home.status, SIGN_IN_AGAIN in member_home.body) == (200, True)
    health = site.health()
    assert health.status == 503
    assert json.loads(health.body)["cache"] != "ok"


def test_normal(site):
    assert_served(site.every_page())
    assert site.wait_healthy().status == 200
    assert_votes_exact(site)
    assert "Xin chào" in fetch(site.member, site.url + "/").body


def test_redis_stopped(site):
    site.redis.refuse()
    try:
        assert_degraded_without_redis(site)
    finally:
        site.redis.restore()


def test_redis_frozen(site):
    site.redis.freeze()
    try:
        assert_degraded_without_redis(site)
    finally:
        site.redis.restore()


def test_redis_back_without_a_restart(site):
    site.redis.freeze()
    assert_served(site.every_page())
    assert_votes_exact(site)  # each vote's "results changed" is lost with Redis...
    site.redis.restore()

    # ...and made good once it is back: no process shows the totals from before.
    assert eventually(lambda: f"Tổng số phiếu: {site.votes()}" in fetch(browser(), site.url + "/").body)

    assert site.wait_healthy().status == 200
    # Each worker asks Redis again once its breaker's time (1 s here) is over.
    assert eventually(lambda: re.search(r'data-count="online">\d', fetch(browser(), site.url + "/").body))
    # The member's session, kept in Redis and its cookie kept meanwhile, is back.
    assert eventually(lambda: "Xin chào" in fetch(site.member, site.url + "/").body)
    assert_served(site.every_page())
    assert_votes_exact(site)


@pytest.mark.parametrize("fault", ["refuse", "freeze"])
def test_postgresql_unreachable(site, fault):
    getattr(site.database, fault)()
    try:
        answers = site.every_page()
        fresh_search = fetch(browser(), site.url + f"/tim-kiem/?q=hoi+nghi+{fault}+{time.time_ns()}")
        member_home = fetch(site.member, site.url + "/")
        vote_answer = vote_without_the_page(site.url)
        health = site.health()
        static = fetch(browser(), site.url + "/static/css/site.css")
    finally:
        site.database.restore()

    assert vote_answer.status == 503
    assert json.loads(vote_answer.body) == {
        "ok": False,
        "status": 503,
        "message": "Hệ thống đang bảo trì, mời bạn thử lại sau ít phút.",
    }

    # A page whose shell this worker holds is still served as it was (at most
    # PAGE_SHELL_SECONDS old); every other one is the maintenance page.
    assert [(a.url, a.status) for a in answers if a.status not in {200, 503}] == []
    unavailable = [a for a in [*answers, fresh_search, member_home] if a.status == 503]
    assert fresh_search in unavailable and member_home in unavailable
    assert all(MAINTENANCE in a.body and a.headers.get("Retry-After") == "30" for a in unavailable)
    assert health.status == 503
    assert json.loads(health.body)["database"] != "ok"
    assert static.status == 200
    # Back without a restart: each worker asks again once its breaker's time (1 s here) is over.
    assert site.wait_healthy().status == 200
    assert eventually(lambda: fetch(site.member, site.url + "/").status == 200)
    assert eventually(lambda: all(answer.status == 200 for answer in site.every_page()))
