"""Deliveries against a real SMTP server running in this process (aiosmtpd)."""

import pytest

from meetings import notices, tasks
from meetings.models import Delivery, Notice
from tests.factories import NoticeFactory
from tests.meetings.notice_helpers import council_members

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def one_delivery(django_capture_on_commit_callbacks, settings):
    settings.NOTICE_RETRY_SECONDS = 1
    (member,) = council_members(1)
    notice = NoticeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        notices.send_notice(notice=notice)
    return Delivery.objects.get(member=member)


def test_deliver_after_421_then_250_sends_once(smtp_mailer, one_delivery):
    smtp_mailer.replies[one_delivery.address] = ["421 4.3.2 Service busy, try again later"]

    tasks.deliver_notice.apply(args=[one_delivery.pk])

    one_delivery.refresh_from_db()
    assert (one_delivery.state, one_delivery.attempts, one_delivery.last_error) == ("sent", 2, "")
    assert smtp_mailer.attempts == 2
    assert smtp_mailer.message_ids() == [
        f"<notice-{one_delivery.notice_id}.member-{one_delivery.member_id}@example.org>"
    ]
    assert Notice.objects.get().state == Notice.State.SENT


def test_deliver_421_defers_with_the_error(smtp_mailer, one_delivery):
    smtp_mailer.replies[one_delivery.address] = ["421 4.3.2 Service busy, try again later"]

    with pytest.raises(notices.DeliveryDeferred) as deferred:
        notices.deliver(delivery_id=one_delivery.pk)

    assert deferred.value.countdown == 1
    one_delivery.refresh_from_db()
    assert (one_delivery.state, one_delivery.attempts, one_delivery.last_error) == (
        "queued",
        1,
        "421 4.3.2 Service busy, try again later",
    )


def test_deliver_550_marks_failed_with_the_error(smtp_mailer, one_delivery):
    smtp_mailer.replies[one_delivery.address] = ["550 5.1.1 Mailbox unavailable"]

    tasks.deliver_notice.apply(args=[one_delivery.pk])

    one_delivery.refresh_from_db()
    assert (one_delivery.state, one_delivery.attempts, one_delivery.last_error) == (
        "failed",
        1,
        "550 5.1.1 Mailbox unavailable",
    )
    assert smtp_mailer.received == []
    assert Notice.objects.get().state == Notice.State.SENT


def test_deliver_gives_up_after_the_last_attempt(smtp_mailer, one_delivery, settings):
    settings.NOTICE_MAX_ATTEMPTS = 3
    smtp_mailer.replies[one_delivery.address] = ["421 4.3.2 Busy"] * 5

    tasks.deliver_notice.apply(args=[one_delivery.pk])

    one_delivery.refresh_from_db()
    assert (one_delivery.state, one_delivery.attempts, one_delivery.last_error) == (
        "failed",
        3,
        "421 4.3.2 Busy",
    )
    assert smtp_mailer.attempts == 3


def test_deliver_to_a_closed_port_is_retried(settings, one_delivery):
    from tests.meetings.notice_helpers import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }

    with pytest.raises(notices.DeliveryDeferred):
        notices.deliver(delivery_id=one_delivery.pk)

    one_delivery.refresh_from_db()
    assert one_delivery.state == "queued"
    assert one_delivery.last_error.startswith("ConnectionRefusedError:")
