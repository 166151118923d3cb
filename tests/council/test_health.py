import socket

import pytest
from django.urls import reverse

from council.shared import breaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_port():
    """A port that accepts connections (the kernel's backlog) and never answers: a hanging server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def test_healthz_reports_each_part(client, settings):
    response = client.get(reverse("healthz"))

    expected_broker = "ok" if settings.CELERY_BROKER_URL else "inline"
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": expected_broker, "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
def test_healthz_is_503_when_the_cache_is_down(client, settings):
    settings.REDIS_CACHE_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["cache"] == "down: ConnectionError"
    assert response.json()["status"] == "down"


@pytest.mark.redis
def test_healthz_is_503_when_the_cache_hangs(client, settings, frozen_port):
    settings.REDIS_CACHE_URL = f"redis://127.0.0.1:{frozen_port}/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["cache"] == "down: TimeoutError"


@pytest.mark.redis
def test_healthz_names_a_check_that_outlasts_its_bound_slow(client, settings, monkeypatch):
    from council import health

    monkeypatch.setattr(health, "HEALTHZ_SECONDS", 0.2)
    monkeypatch.setitem(health.HEALTH_CHECKS, "broker", lambda: __import__("time").sleep(1) or "ok")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "slow", "status": "down"}


@pytest.mark.redis
def test_healthz_asks_nothing_while_the_breaker_is_open(client, settings):
    breaker.redis.trip("test")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "cache": "down: ConnectionError",
        "broker": "down: ConnectionError",
        "status": "down",
    }


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    from council.celery import app

    original = app.conf.broker_url
    settings.CELERY_BROKER_URL = app.conf.broker_url = "redis://127.0.0.1:1/2"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["broker"].startswith("down: ")
