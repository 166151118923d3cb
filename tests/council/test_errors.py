"""Error answers: in the form asked (JSON for the poll's fetch), the maintenance page, a truthful 500."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test import Client

from council import views
from council.shared import breaker
from tests.factories import poll_with_choices
from tests.test_query_counts import public_pages

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
MAINTENANCE = "Hệ thống đang bảo trì"


class LostConnection:
    """What the driver leaves when the server went away: a connection marked closed."""

    closed = 2


@pytest.fixture
def database_down(monkeypatch):
    """The home page's view fails as it does when PostgreSQL went away."""

    def lost(self, **kwargs):
        monkeypatch.setattr(connections["default"], "connection", LostConnection())
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.HomeView, "get_context_data", lost)


def test_an_error_the_database_reported_is_a_500_not_maintenance(monkeypatch, settings):
    settings.ADMINS = []

    def deadlock(self, **kwargs):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(views.HomeView, "get_context_data", deadlock)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert breaker.database.failing is False


@pytest.fixture
def broken(monkeypatch):
    """The home page's view has a bug."""

    def bug(self, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.HomeView, "get_context_data", bug)


def test_database_error_gives_the_maintenance_page(database_down):
    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert MAINTENANCE in response.content.decode()


def test_database_error_answers_json_when_json_was_asked(database_down):
    response = Client(raise_request_exception=False).get("/", **JSON)

    assert response.status_code == 503
    assert response.json() == {
        "ok": False,
        "status": 503,
        "message": "Hệ thống đang bảo trì, mời bạn thử lại sau ít phút.",
    }


def test_database_breaker_open_answers_every_page_without_asking(client, django_assert_num_queries):
    call_command("load_demo", verbosity=0)
    paths = [*public_pages(), "/admin/login/", "/admin/"]
    breaker.database.trip("refused")

    with django_assert_num_queries(0):
        answers = {path: client.get(path) for path in paths}

    assert {path: r.status_code for path, r in answers.items()} == dict.fromkeys(paths, 503)
    assert all(MAINTENANCE in r.content.decode() for r in answers.values())


def test_healthz_still_answers_while_the_database_breaker_is_open(client):
    breaker.database.trip("refused")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down: ConnectionError"


def test_missing_page_answers_json_when_json_was_asked(client):
    response = client.get("/khong-co-trang-nay/", **JSON)

    assert response.status_code == 404
    assert response.json() == {"ok": False, "status": 404, "message": "Không tìm thấy."}


def test_vote_without_its_token_answers_json_403():
    poll, (yes, _no) = poll_with_choices("Có", "Không")
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/binh-chon/{poll.slug}/binh-chon/", {"choice": yes.pk}, **JSON)

    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "status": 403,
        "message": "Phiên làm việc của trang đã hết hạn. Vui lòng tải lại trang rồi gửi lại.",
    }


def test_form_without_its_token_gets_a_vietnamese_page():
    poll, _choices = poll_with_choices("Có", "Không")

    response = Client(enforce_csrf_checks=True).post(f"/binh-chon/{poll.slug}/binh-chon/", {})

    assert response.status_code == 403
    assert "Vui lòng tải lại trang rồi gửi lại." in response.content.decode()


def test_server_error_page_promises_nothing_when_nobody_is_told(broken, settings):
    settings.ADMINS = []
    settings.SENTRY_DSN = ""

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "đã được báo" not in response.content.decode()
    assert mail.outbox == []


def test_server_error_is_mailed_to_the_admins_and_the_page_says_so(broken, settings):
    settings.ADMINS = ["truc@example.org"]

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "Tổ giúp việc đã được báo." in response.content.decode()
    assert [message.to for message in mail.outbox] == [["truc@example.org"]]


def test_server_error_answers_json_when_json_was_asked(broken, settings):
    settings.ADMINS = []
    settings.SENTRY_DSN = ""

    response = Client(raise_request_exception=False).get("/", **JSON)

    assert response.status_code == 500
    assert response.json() == {
        "ok": False,
        "status": 500,
        "message": "Máy chủ gặp sự cố. Mời bạn thử lại sau ít phút.",
    }


def test_maintenance_pages_are_not_mailed_to_the_admins_one_by_one(client, settings):
    settings.ADMINS = ["truc@example.org"]
    breaker.database.trip("refused")

    answers = [client.get("/").status_code for _ in range(3)]

    assert answers == [503, 503, 503]
    assert mail.outbox == []


def test_database_back_after_the_breakers_time_serves_pages_again(client, settings):
    settings.DATABASE_BREAKER_SECONDS = 0  # open for no time: the next request tries the database
    breaker.database.trip("refused")

    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert breaker.database.failing is False
