"""The counter seen through two gunicorn servers (separate processes) sharing one Redis."""

import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import settings

from bench import harness

pytestmark = [pytest.mark.redis, pytest.mark.slow]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


def browser() -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.addheaders = [("User-Agent", BROWSER)]
    return opener


def log_in(opener, base: str, username: str) -> None:
    page = opener.open(base + "/tai-khoan/dang-nhap/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": "mat-khau-thu-nghiem"}
    )
    request = urllib.request.Request(
        base + "/tai-khoan/dang-nhap/", data=data.encode(), headers={"Referer": base + "/"}
    )
    opener.open(request).read()


def counts(base: str) -> dict[str, int]:
    request = urllib.request.Request(  # a monitor: not counted
        base + "/",
        headers={"User-Agent": "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"},
    )
    page = urllib.request.urlopen(request).read().decode()
    return {
        name: int(value.replace(".", "")) for name, value in re.findall(r'data-count="(\w+)">([\d.]+)<', page)
    }


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    database = tmp_path_factory.mktemp("counter") / "site.sqlite3"
    env = harness.bench_env(
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL=settings.REDIS_URL,
        CACHE_KEY_PREFIX=f"counter-test-{uuid.uuid4().hex[:8]}",
        ONLINE_COUNTER_READ_SECONDS="0",
        DJANGO_STATIC_MANIFEST="false",
    )
    harness.manage("migrate", "--noinput", env=env)
    script = (
        "from members.models import User\n"
        "for n in range(3):\n"
        "    User.objects.create_user(f'thanh-vien-{n}', password='mat-khau-thu-nghiem')\n"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=harness.ROOT, env=env, check=True
    )
    with harness.gunicorn(workers=1, env=env) as first, harness.gunicorn(workers=1, env=env) as second:
        yield first.url, second.url


def test_guests_and_members_through_two_processes(two_servers):
    first, second = two_servers
    for number in range(17):
        browser().open((first, second)[number % 2] + "/").read()
    for number in range(3):
        member = browser()
        member.open(second + "/").read()  # a guest first...
        log_in(member, first, f"thanh-vien-{number}")  # ...who logs in on the other process
        member.open(second + "/").read()

    seen_by_first, seen_by_second = counts(first), counts(second)

    assert seen_by_first == seen_by_second
    assert (seen_by_first["guests"], seen_by_first["members"], seen_by_first["online"]) == (17, 3, 20)
