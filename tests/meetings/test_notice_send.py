"""Sending notices (meetings/notice_send.py): to whom, once, at a set time, and again."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from meetings.models import Attendance, Delivery, Notice
from meetings.notice_compose import NoticeNotEditable
from meetings.notice_send import (
    NoRecipients,
    ScheduleInPast,
    recipients,
    resend_deliveries,
    schedule_notice,
    send_notice,
)
from tests.factories import MeetingFactory, MemberFactory, MembershipFactory, NoticeFactory
from tests.meetings.notice_helpers import council_members, send_now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_send_notice_mails_every_member_once(django_capture_on_commit_callbacks):
    members = council_members(3)
    notice = NoticeFactory()

    queued = send_now(notice, django_capture_on_commit_callbacks)

    assert queued == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(m.email for m in members)
    assert sorted(Delivery.objects.values_list("state", "attempts")) == [("sent", 1)] * 3
    notice.refresh_from_db()
    assert notice.state == Notice.State.SENT


def test_send_notice_twice_sends_once(django_capture_on_commit_callbacks):
    council_members(2)
    notice = NoticeFactory()
    send_now(notice, django_capture_on_commit_callbacks)

    with pytest.raises(NoticeNotEditable):
        send_now(notice, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert Delivery.objects.count() == 2


def test_send_notice_rolled_back_sends_nothing(django_capture_on_commit_callbacks):
    council_members(2)
    notice = NoticeFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_notice(notice=notice)
        raise RuntimeError("the request failed after sending")

    assert callbacks == []
    assert mail.outbox == []
    assert Delivery.objects.count() == 0
    notice.refresh_from_db()
    assert notice.state == Notice.State.DRAFT


def test_send_notice_lists_members_it_cannot_mail(django_capture_on_commit_callbacks):
    (reachable,) = council_members(1)
    (no_address,) = council_members(1, email="")
    (opted_out,) = council_members(1, receives_notices=False)
    notice = NoticeFactory()

    queued = send_now(notice, django_capture_on_commit_callbacks)

    assert queued == 1
    assert [message.to for message in mail.outbox] == [[reachable.email]]
    rows = {d.member_id: (d.state, d.last_error) for d in Delivery.objects.all()}
    assert rows == {
        reachable.pk: ("sent", ""),
        no_address.pk: ("skipped", "Thành viên chưa có địa chỉ thư điện tử."),
        opted_out.pk: ("skipped", "Thành viên đã tắt nhận thông báo họp qua thư điện tử."),
    }


def test_send_notice_invites_members_by_attendance(django_capture_on_commit_callbacks):
    members = council_members(2)
    notice = NoticeFactory()

    send_now(notice, django_capture_on_commit_callbacks)

    assert sorted(Attendance.objects.values_list("member_id", "rsvp")) == sorted(
        (m.pk, "invited") for m in members
    )


def test_send_notice_without_recipients_changes_nothing():
    notice = NoticeFactory()

    with pytest.raises(NoRecipients):
        send_notice(notice=notice)

    notice.refresh_from_db()
    assert notice.state == Notice.State.DRAFT


def test_recipients_are_the_council_on_the_meeting_day_and_invited_guests():
    meeting = MeetingFactory()
    sitting = MembershipFactory().member
    MembershipFactory(ended_on=datetime.date(2020, 1, 1))  # left the council before
    guest = MemberFactory()
    Attendance.objects.create(meeting=meeting, member=guest)

    assert set(recipients(meeting)) == {sitting, guest}


def test_schedule_notice_refuses_the_past():
    notice = NoticeFactory()

    with pytest.raises(ScheduleInPast):
        schedule_notice(notice=notice, send_at=timezone.now() - datetime.timedelta(minutes=1))


def test_resend_deliveries_uses_the_members_current_address(django_capture_on_commit_callbacks):
    (member,) = council_members(1, email="")
    notice = NoticeFactory()
    send_now(notice, django_capture_on_commit_callbacks)
    member.email = "moi@example.org"
    member.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert resend_deliveries(deliveries=Delivery.objects.all()) == 1

    assert [m.to for m in mail.outbox] == [["moi@example.org"]]
    notice.refresh_from_db()
    assert notice.state == Notice.State.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_send_notice_racing_itself_on_postgresql_sends_once():
    council_members(3)
    notice = NoticeFactory()
    barrier = threading.Barrier(4)
    outcomes = []

    def click():
        barrier.wait(timeout=10)
        try:
            outcomes.append(send_notice(notice=Notice.objects.get(pk=notice.pk)))
        except NoticeNotEditable:
            outcomes.append("already sent")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=str) == [3, "already sent", "already sent", "already sent"]
    assert Delivery.objects.count() == 3
    assert len(mail.outbox) == 3
