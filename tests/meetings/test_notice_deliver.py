"""Delivering notices (meetings/notice_deliver.py): the message, the claim, SMTP errors and retries.

The SMTP cases run against a real server in this process (aiosmtpd).
"""

import datetime
import re
import smtplib
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from meetings import tasks
from meetings.models import Delivery, Notice
from meetings.notice_deliver import DELIVER_TASK, DeliveryDeferred, deliver, is_transient, retry_delay
from meetings.notice_rsvp import read_rsvp_token
from meetings.notice_send import send_notice
from tests.factories import MeetingFactory, NoticeFactory
from tests.meetings.notice_helpers import council_members, free_port, send_now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_deliveries_are_enqueued_to_the_deliver_task_by_its_name():
    assert tasks.deliver_notice.name == DELIVER_TASK


@pytest.mark.slow
def test_the_deliver_task_is_registered_in_a_process_that_never_imports_the_tasks():
    """A web process enqueues by name: Django's start alone must register the task."""
    code = (
        "import django, sys; django.setup(); from celery import current_app; "
        f"sys.exit(0 if {DELIVER_TASK!r} in current_app.tasks else 1)"
    )

    finished = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, timeout=60, check=False)

    assert finished.returncode == 0


def test_deliver_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    council_members(1)
    notice = NoticeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        send_notice(notice=notice)
    delivery = Delivery.objects.get()

    tasks.deliver_notice.apply(args=[delivery.pk])
    tasks.deliver_notice.apply(args=[delivery.pk])

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 1)


def test_message_has_meeting_details_calendar_and_rsvp_links(django_capture_on_commit_callbacks):
    (member,) = council_members(1, full_name="Trần Thị Bình")
    meeting = MeetingFactory(
        title="Phiên họp năm 2018",
        starts_at=timezone.make_aware(datetime.datetime(2030, 8, 17, 8, 0)),
    )
    meeting.agenda_items.create(order=1, starts_at=datetime.time(8, 0), title="Khai mạc phiên họp")
    notice = NoticeFactory(meeting=meeting)

    send_now(notice, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject == "Giấy mời: Phiên họp năm 2018"
    assert message.extra_headers["Message-ID"] == f"<notice-{notice.pk}.member-{member.pk}@example.org>"
    assert "Kính gửi: Ông/Bà Trần Thị Bình" in message.body
    assert "Thời gian: 08:00, Thứ 7 ngày 17/08/2030" in message.body
    assert "Địa điểm: Khách sạn Hoàng Anh Gia Lai, Pleiku, Gia Lai" in message.body
    assert "- 08:00 Khai mạc phiên họp" in message.body
    # The links' tokens carry the second they were signed in: read them back
    # rather than signing again, which may fall in the next second.
    attend = re.search(r"Tham dự: (\S+)", message.body).group(1)
    decline = re.search(r"Vắng mặt: (\S+)", message.body).group(1)
    for url, slug in ((attend, "tham-du"), (decline, "vang-mat")):
        token = url.rstrip("/").split("/")[-2]
        assert url.endswith(f"/{slug}/")
        invitee = read_rsvp_token(token)
        assert (invitee.meeting.pk, invitee.member.pk) == (meeting.pk, member.pk)
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert attend in html and "Khai mạc phiên họp" in html
    ((filename, ics, ics_type),) = message.attachments
    assert (filename, ics_type) == ("phien-hop-2030.ics", "text/calendar; charset=utf-8; method=PUBLISH")
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at


def test_cancellation_has_no_rsvp_links_and_a_cancelled_event(django_capture_on_commit_callbacks):
    council_members(1)
    notice = NoticeFactory(kind=Notice.Kind.CANCELLATION)

    send_now(notice, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert "tra-loi-giay-moi" not in message.body
    (event,) = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPDataError(421, b"4.3.2 Try again later"), True),
        (smtplib.SMTPDataError(550, b"5.1.1 No such user"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), False),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (ValueError("Invalid address"), False),
    ],
)
def test_is_transient_sorts_smtp_errors(error, transient):
    assert is_transient(error) is transient


def test_retry_delay_doubles_up_to_the_cap(settings):
    settings.NOTICE_RETRY_SECONDS = 30
    settings.NOTICE_RETRY_MAX_SECONDS = 300

    assert [retry_delay(n) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deliver_racing_itself_on_postgresql_sends_once():
    council_members(1)
    notice = NoticeFactory()
    send_notice(notice=notice)
    # Tasks ran inline on commit; put the delivery back as if its task had not run yet.
    mail.outbox.clear()
    Delivery.objects.update(state="queued", attempts=0)
    delivery = Delivery.objects.get()
    barrier = threading.Barrier(6)
    outcomes = []

    def work():
        barrier.wait(timeout=10)
        try:
            outcomes.append(deliver(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["", "", "", "", "", "sent"]
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 1)


@pytest.fixture
def one_delivery(django_capture_on_commit_callbacks, settings):
    settings.NOTICE_RETRY_SECONDS = 1
    (member,) = council_members(1)
    notice = NoticeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        send_notice(notice=notice)
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

    with pytest.raises(DeliveryDeferred) as deferred:
        deliver(delivery_id=one_delivery.pk)

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

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }

    with pytest.raises(DeliveryDeferred):
        deliver(delivery_id=one_delivery.pk)

    one_delivery.refresh_from_db()
    assert one_delivery.state == "queued"
    assert one_delivery.last_error.startswith("ConnectionRefusedError:")
