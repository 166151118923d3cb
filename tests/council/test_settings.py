"""Settings come from the environment, and a bad value stops start-up clearly."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from council.settings import redis_db


def start_django(**variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ("AXES_FAILURE_LIMIT", "many"),
        ("PRIVATE_MEDIA_ACCEL_PREFIX", "_private_media"),
    ],
)
def test_a_bad_value_stops_start_up_with_its_name(variable, value):
    result = start_django(**{variable: value})

    assert result.returncode != 0
    assert f"{variable}" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_the_embedded_default_needs_no_service():
    result = start_django()

    assert result.returncode == 0, result.stderr


def test_redis_databases_follow_the_url():
    assert redis_db("redis://127.0.0.1:6379/3", 2) == "redis://127.0.0.1:6379/5"
    assert redis_db("redis://:secret@redis.example.org:6380", 1) == "redis://:secret@redis.example.org:6380/1"


def test_celery_is_strict_about_safety():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("REDIS_SOCKET_TIMEOUT", "soon"), ("REDIS_BREAKER_SECONDS", "-1"), ("DATABASE_READ_TIMEOUT", "slow")],
)
def test_a_bad_fault_setting_stops_start_up(variable, value):
    result = start_django(**{variable: value})

    assert result.returncode != 0
    assert variable in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_sentry_is_optional_and_starts_with_a_dsn():
    result = start_django(SENTRY_DSN="https://public@sentry.example.org/1")

    assert (result.returncode, result.stderr) == (0, "")
