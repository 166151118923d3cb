"""Enqueueing with the broker down: nothing waits, nothing fails, nothing is lost."""

import datetime

import pytest
from celery import Celery
from django.core import mail
from django.utils import timezone

from council.shared import breaker
from council.shared.queue import enqueue
from meetings import notice_send, notice_sweep
from meetings.models import Delivery
from tests.factories import NoticeFactory
from tests.meetings.notice_helpers import council_members

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def refused_broker():
    """A Celery app of the test's own whose broker refuses connections, and a task on it."""
    app = Celery("faults-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = "redis://127.0.0.1:1/2"  # nothing listens there
    app.conf.task_always_eager = False

    @app.task(name="tests.echo")
    def echo(value):
        return value

    yield echo
    app.close()


@pytest.fixture
def queued_celery():
    """Celery as in production: tasks go to the broker, not inline."""
    from council.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = saved


def test_enqueue_with_the_broker_refused_gives_up_at_once(refused_broker):
    assert enqueue(refused_broker, 1) is False
    assert breaker.redis.failing is True


def test_enqueue_while_the_breaker_is_open_does_not_try(refused_broker, monkeypatch):
    breaker.redis.trip("Redis stopped")
    monkeypatch.setattr(refused_broker, "apply_async", lambda *a, **k: pytest.fail("the broker was asked"))

    assert enqueue(refused_broker, 1) is False


def test_notice_sent_while_the_broker_is_down_goes_out_with_the_sweep(
    queued_celery, django_capture_on_commit_callbacks, settings
):
    council_members(2)
    notice = NoticeFactory()
    breaker.redis.trip("Redis stopped")

    with django_capture_on_commit_callbacks(execute=True):
        assert notice_send.send_notice(notice=notice) == 2

    assert list(Delivery.objects.values_list("state", flat=True)) == ["queued", "queued"]
    assert mail.outbox == []

    # The broker is back; beat's sweep finds the rows still queued and sends them.
    breaker.redis.reset()
    queued_celery.conf.task_always_eager = True
    later = timezone.now() + datetime.timedelta(seconds=settings.NOTICE_STUCK_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_sweep.requeue_stuck_deliveries(now=later) == 2

    assert sorted(Delivery.objects.values_list("state", flat=True)) == ["sent", "sent"]
    assert len(mail.outbox) == 2
