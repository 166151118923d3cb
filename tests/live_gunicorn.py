"""The site under gunicorn on the test database, for races through real processes.

Used by tests marked `postgres` and `slow`: with pytest-django's transactional
tests, what a test writes is committed, so the server's processes see it.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from bench import harness

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def url_of_test_database() -> str:
    """The test database's URL, for processes of their own (gunicorn, a worker, nginx's upstream)."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def gunicorn_on_test_database(
    *, workers: int = 2, threads: int = 8, **variables: str
) -> Iterator[harness.Server]:
    """gunicorn serving the test database, with a cache prefix of its own under this run's."""
    env = harness.bench_env(
        DATABASE_URL=url_of_test_database(),
        REDIS_URL=settings.REDIS_URL or "",
        # Under this run's prefix, so that the suite's cache clean-up removes its keys too.
        CACHE_KEY_PREFIX=f"{settings.CACHE_KEY_PREFIX}:gunicorn-{uuid.uuid4().hex[:8]}",
        DJANGO_STATIC_MANIFEST="false",
        **variables,
    )
    with harness.gunicorn(workers=workers, threads=threads, env=env) as server:
        yield server


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]


class Browser:
    """A visitor's cookie jar over urllib: what a browser keeps and sends, nothing more."""

    def __init__(
        self, user_agent: str = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"
    ) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.user_agent = user_agent

    def get(self, url: str) -> Answer:
        return self._send(urllib.request.Request(url, headers={"User-Agent": self.user_agent}))

    def form_token(self, url: str) -> str:
        """Open the page at `url` and read its forms' CSRF token."""
        return TOKEN.search(self.get(url).body.decode()).group(1)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def post(
        self, url: str, data: dict, *, headers: dict[str, str] | None = None, keep_cookies=True
    ) -> Answer:
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(data).encode(),
            headers={"User-Agent": self.user_agent, **(headers or {})},
        )
        if not keep_cookies:  # the cookies as they were, whatever the answer sets
            request.add_header("Cookie", self.cookie_header())
            return _send(urllib.request.build_opener(_NoRedirect()), request)
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> Answer:
        return _send(self.opener, request)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _send(opener, request) -> Answer:
    try:
        with opener.open(request, timeout=60) as response:
            return Answer(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), dict(error.headers))
