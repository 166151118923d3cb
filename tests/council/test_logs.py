"""Logs: one line per request and per task outcome, nothing secret; the operator's counters."""

import logging
import re
import sys
from datetime import timedelta

import pytest
from celery import shared_task
from django.utils import timezone

from council.logs import OneLineFormatter
from meetings.models import Delivery
from polls.models import Vote
from tests.factories import MemberFactory, NoticeFactory, UserFactory, VoteFactory

LINE = re.compile(r"method=(\S+) path=(\S+) status=(\d+) duration_ms=(\d+) user=(\S+) ip=(\S+)")


def request_lines(caplog) -> list[tuple[str, ...]]:
    return [LINE.fullmatch(r.getMessage()).groups() for r in caplog.records if r.name == "council.requests"]


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="council.requests")
    caplog.set_level(logging.INFO, logger="council.tasks")
    return caplog


@pytest.mark.django_db
def test_a_request_is_one_line_without_its_query_string(client, log):
    client.get("/tin-tuc/?q=bi-mat&token=abc123")

    [(method, path, status, _duration, user, ip)] = request_lines(log)
    assert (method, path, status, user, ip) == ("GET", "/tin-tuc/", "200", "-", "127.0.0.1")
    assert "bi-mat" not in log.text and "abc123" not in log.text


@pytest.mark.django_db
def test_a_request_names_the_logged_in_user_by_id(client, log):
    user = UserFactory()
    client.force_login(user)

    client.get("/")
    client.get("/khong-co-trang-nay/")

    assert [(line[0], line[1], line[2], line[4]) for line in request_lines(log)] == [
        ("GET", "/", "200", str(user.pk)),
        ("GET", "/khong-co-trang-nay/", "404", str(user.pk)),
    ]


@pytest.mark.django_db
def test_passwords_and_link_tokens_never_reach_the_log(client, log):
    client.post("/tai-khoan/dang-nhap/", {"username": "ai-do", "password": "mat-khau-rat-bi-mat"})
    client.get("/tai-khoan/dat-mat-khau/MTIz/cz8gk9-0123456789abcdef/")
    client.get("/tra-loi-giay-moi/ma-bi-mat-cua-thu-moi/")

    paths = [line[1] for line in request_lines(log)]
    assert paths == [
        "/tai-khoan/dang-nhap/",
        "/tai-khoan/dat-mat-khau/[hidden]/[hidden]/",
        "/tra-loi-giay-moi/[hidden]/",
    ]
    assert "mat-khau-rat-bi-mat" not in log.text
    # Django's own warnings (here "Bad Request") name the path too: hidden there as well
    # (by the console handler's filter, which runs before the test's own handler).
    assert [r.getMessage() for r in log.records if r.name == "django.request"] == [
        "Bad Request: /tra-loi-giay-moi/[hidden]/"
    ]
    assert "cz8gk9" not in log.text and "MTIz" not in log.text and "ma-bi-mat" not in log.text


def test_a_traceback_is_logged_on_one_line():
    formatter = OneLineFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError("hỏng\nhai dòng")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "lỗi", None, exc_info=True)
        record.exc_info = sys.exc_info()

    line = formatter.format(record)

    assert "\n" not in line
    assert line.startswith("ERROR lỗi\\nTraceback (most recent call last):\\n")
    assert line.endswith("ValueError: hỏng\\nhai dòng")


@shared_task(name="tests.log_ok")
def log_ok(number: int) -> int:
    return number * 2


@shared_task(name="tests.log_broken")
def log_broken(secret: str) -> None:
    raise RuntimeError("máy chủ thư từ chối")


def test_task_outcomes_are_logged_without_their_arguments(log):
    # apply() runs the task here through Celery's own tracer, as a worker does.
    log_ok.apply(args=(21,))
    log_broken.apply(args=("mat-khau-trong-tham-so",), throw=False)

    lines = [r.getMessage() for r in log.records if r.name == "council.tasks"]
    assert [re.sub(r"id=\S+ ", "", re.sub(r"duration_ms=\d+", "duration_ms=N", line)) for line in lines] == [
        "task=tests.log_ok outcome=success duration_ms=N",
        "task=tests.log_broken outcome=failure duration_ms=N error=RuntimeError: máy chủ thư từ chối",
    ]
    assert "mat-khau-trong-tham-so" not in log.text


@pytest.mark.django_db
def test_the_admin_front_page_shows_the_operator_s_counters(client):
    notice = NoticeFactory()
    for state in ["queued", "queued", "sending", "failed", "sent", "sent"]:
        member = MemberFactory()
        Delivery.objects.create(notice=notice, member=member, address=member.email, state=state)
    VoteFactory()
    VoteFactory()
    Vote.objects.filter(pk=VoteFactory().pk).update(created_at=timezone.now() - timedelta(days=1, hours=1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/").content.decode()

    counters = dict(re.findall(r'data-counter="(\w+)">(\d+)<', page))
    assert counters == {"queued": "2", "sending": "1", "failed": "1", "votes_today": "2"}
    assert 'href="/admin/meetings/delivery/?state__exact=failed"' in page
    assert "Theo dõi vận hành" in page
