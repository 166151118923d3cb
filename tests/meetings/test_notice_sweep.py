"""The periodic sweep (meetings/notice_sweep.py): due notices, reminders, deliveries left behind."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from meetings.models import Attendance, Delivery, Notice
from meetings.notice_send import send_notice
from meetings.notice_sweep import requeue_stuck_deliveries, send_due_notices, send_due_reminders
from tests.factories import MeetingFactory, MemberFactory, NoticeFactory
from tests.meetings.notice_helpers import council_members

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_send_due_notices_sends_scheduled_ones_when_due(django_capture_on_commit_callbacks):
    council_members(1)
    now = timezone.now()
    due = NoticeFactory(state=Notice.State.SCHEDULED, send_at=now - datetime.timedelta(minutes=1))
    later = NoticeFactory(state=Notice.State.SCHEDULED, send_at=now + datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_notices(now=now) == 1

    assert [m.subject for m in mail.outbox] == [due.subject]
    later.refresh_from_db()
    assert later.state == Notice.State.SCHEDULED


def invited_meeting(*, days_ahead: float, invited_days_before: float = 30):
    starts = timezone.now() + datetime.timedelta(days=days_ahead)
    meeting = MeetingFactory(starts_at=starts)
    NoticeFactory(
        meeting=meeting,
        state=Notice.State.SENT,
        send_at=starts - datetime.timedelta(days=invited_days_before),
    )
    return meeting


def test_send_due_reminders_sends_each_stage_once(django_capture_on_commit_callbacks, settings):
    settings.NOTICE_REMINDER_DAYS = [7, 1]
    council_members(2)
    meeting = invited_meeting(days_ahead=6)

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders(now=timezone.now())
        again = send_due_reminders(now=timezone.now())

    assert (first, again) == (1, 0)
    reminder = meeting.notices.get(kind=Notice.Kind.REMINDER)
    assert (reminder.reminder_days, reminder.state) == (7, Notice.State.SENT)
    assert [m.subject for m in mail.outbox] == [f"Nhắc lịch: {meeting.title}"] * 2

    with django_capture_on_commit_callbacks(execute=True):
        later = send_due_reminders(now=meeting.starts_at - datetime.timedelta(hours=12))

    assert later == 1
    assert sorted(meeting.notices.values_list("reminder_days", flat=True).exclude(reminder_days=None)) == [
        1,
        7,
    ]


def test_send_due_reminders_skips_members_who_declined(django_capture_on_commit_callbacks, settings):
    settings.NOTICE_REMINDER_DAYS = [1]
    coming, away = council_members(2)
    meeting = invited_meeting(days_ahead=0.5)
    Attendance.objects.create(meeting=meeting, member=away, rsvp=Attendance.Rsvp.DECLINED)

    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(now=timezone.now())

    assert [m.to for m in mail.outbox] == [[coming.email]]
    assert Delivery.objects.get(member=away).last_error == "Thành viên đã báo vắng mặt."


def test_send_due_reminders_waits_for_an_invitation(settings):
    settings.NOTICE_REMINDER_DAYS = [7, 1]
    council_members(1)
    late = invited_meeting(days_ahead=5, invited_days_before=6)  # invited after the 7-day stage
    MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=3))  # never invited

    assert send_due_reminders(now=timezone.now()) == 0
    assert not late.notices.filter(kind=Notice.Kind.REMINDER).exists()


def test_requeue_stuck_deliveries_sends_what_a_dead_worker_left(django_capture_on_commit_callbacks, settings):
    settings.NOTICE_STUCK_SECONDS = 60
    council_members(2)
    notice = NoticeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        send_notice(notice=notice)
    stuck, lost = Delivery.objects.order_by("pk")
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    # One claimed by a worker that died; one whose broker message vanished.
    Delivery.objects.filter(pk=stuck.pk).update(state="sending", attempts=1, claimed_at=long_ago)
    Delivery.objects.filter(pk=lost.pk).update(due_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_deliveries(now=timezone.now()) == 2

    assert len(mail.outbox) == 2
    assert sorted(Delivery.objects.values_list("state", "attempts")) == [("sent", 1), ("sent", 2)]


def test_requeue_stuck_deliveries_fails_those_out_of_attempts(settings):
    settings.NOTICE_STUCK_SECONDS = 60
    settings.NOTICE_MAX_ATTEMPTS = 2
    delivery = Delivery.objects.create(
        notice=NoticeFactory(state=Notice.State.SENDING),
        member=MemberFactory(),
        address="a@example.org",
        state="sending",
        attempts=2,
        claimed_at=timezone.now() - datetime.timedelta(minutes=5),
    )

    assert requeue_stuck_deliveries(now=timezone.now()) == 0

    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error) == (
        "failed",
        "Gửi bị gián đoạn nhiều lần (tiến trình gửi thư ngừng giữa chừng).",
    )
