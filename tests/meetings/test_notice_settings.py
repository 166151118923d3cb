"""The notice settings: read from the environment, checked at start-up, wired into beat."""

import pytest
from django.conf import settings

from council.celery import app as celery_app
from council.settings import reminder_days
from tests.council.test_settings import start_django


@pytest.mark.parametrize(
    ("variable", "value"),
    [("NOTICE_REMINDER_DAYS", "7,một"), ("NOTICE_REMINDER_DAYS", "7,-1"), ("NOTICE_MAX_ATTEMPTS", "nhiều")],
)
def test_a_bad_notice_setting_stops_start_up_with_its_name(variable, value):
    result = start_django(**{variable: value})

    assert result.returncode != 0
    assert variable in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_reminder_days_reads_a_list(monkeypatch):
    monkeypatch.setenv("NOTICE_REMINDER_DAYS", " 1, 7 ,14")

    assert reminder_days("NOTICE_REMINDER_DAYS", default=[7, 1]) == [14, 7, 1]


def test_reminder_days_empty_turns_reminders_off(monkeypatch):
    monkeypatch.setenv("NOTICE_REMINDER_DAYS", ",")

    assert reminder_days("NOTICE_REMINDER_DAYS", default=[7, 1]) == []


def test_beat_runs_the_notice_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["meetings.sweep_notices"]

    assert entry == {
        "task": "meetings.sweep_notices",
        "schedule": settings.NOTICE_SWEEP_SECONDS,
        "options": {"expires": settings.NOTICE_SWEEP_SECONDS},
    }
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert {"meetings.sweep_notices", "meetings.deliver_notice"} <= set(celery_app.tasks)
