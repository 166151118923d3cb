import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_part(client, settings):
    response = client.get(reverse("healthz"))

    expected_broker = "ok" if settings.CELERY_BROKER_URL else "inline"
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": expected_broker, "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_cache_is_down(client, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        },
    }

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["cache"] == "down: ConnectionError"
    assert response.json()["status"] == "down"


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
