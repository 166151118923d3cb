import datetime
import re
import smtplib
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from icalendar import Calendar

from meetings import notices, tasks
from meetings.models import Attendance, Delivery, Notice
from tests.factories import MeetingFactory, MemberFactory, MembershipFactory, NoticeFactory
from tests.meetings.notice_helpers import council_members, old_rsvp_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def send(notice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return notices.send_notice(notice=notice)


def test_send_notice_mails_every_member_once(django_capture_on_commit_callbacks):
    members = council_members(3)
    notice = NoticeFactory()

    queued = send(notice, django_capture_on_commit_callbacks)

    assert queued == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(m.email for m in members)
    assert sorted(Delivery.objects.values_list("state", "attempts")) == [("sent", 1)] * 3
    notice.refresh_from_db()
    assert notice.state == Notice.State.SENT


def test_send_notice_twice_sends_once(django_capture_on_commit_callbacks):
    council_members(2)
    notice = NoticeFactory()
    send(notice, django_capture_on_commit_callbacks)

    with pytest.raises(notices.NoticeNotEditable):
        send(notice, django_capture_on_commit_callbacks)

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
        notices.send_notice(notice=notice)
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

    queued = send(notice, django_capture_on_commit_callbacks)

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

    send(notice, django_capture_on_commit_callbacks)

    assert sorted(Attendance.objects.values_list("member_id", "rsvp")) == sorted(
        (m.pk, "invited") for m in members
    )


def test_send_notice_without_recipients_changes_nothing():
    notice = NoticeFactory()

    with pytest.raises(notices.NoRecipients):
        notices.send_notice(notice=notice)

    notice.refresh_from_db()
    assert notice.state == Notice.State.DRAFT


def test_recipients_are_the_council_on_the_meeting_day_and_invited_guests():
    meeting = MeetingFactory()
    sitting = MembershipFactory().member
    MembershipFactory(ended_on=datetime.date(2020, 1, 1))  # left the council before
    guest = MemberFactory()
    Attendance.objects.create(meeting=meeting, member=guest)

    assert set(notices.recipients(meeting)) == {sitting, guest}


def test_deliver_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    council_members(1)
    notice = NoticeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        notices.send_notice(notice=notice)
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

    send(notice, django_capture_on_commit_callbacks)

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
        invitee = notices.read_rsvp_token(token)
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

    send(notice, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert "tra-loi-giay-moi" not in message.body
    (event,) = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


def test_compose_notice_prefills_from_the_template_for_its_kind():
    meeting = MeetingFactory(title="Phiên họp năm 2018")

    notice = notices.compose_notice(meeting=meeting, kind=Notice.Kind.REMINDER)

    assert notice.subject == "Nhắc lịch: Phiên họp năm 2018"
    assert notice.body.startswith("Tổ giúp việc Hội đồng trân trọng nhắc Ông/Bà lịch Phiên họp năm 2018.")
    assert notice.state == Notice.State.DRAFT


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
    assert notices.is_transient(error) is transient


def test_retry_delay_doubles_up_to_the_cap(settings):
    settings.NOTICE_RETRY_SECONDS = 30
    settings.NOTICE_RETRY_MAX_SECONDS = 300

    assert [notices.retry_delay(n) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_send_due_notices_sends_scheduled_ones_when_due(django_capture_on_commit_callbacks):
    council_members(1)
    now = timezone.now()
    due = NoticeFactory(state=Notice.State.SCHEDULED, send_at=now - datetime.timedelta(minutes=1))
    later = NoticeFactory(state=Notice.State.SCHEDULED, send_at=now + datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert notices.send_due_notices(now=now) == 1

    assert [m.subject for m in mail.outbox] == [due.subject]
    later.refresh_from_db()
    assert later.state == Notice.State.SCHEDULED


def test_schedule_notice_refuses_the_past():
    notice = NoticeFactory()

    with pytest.raises(notices.ScheduleInPast):
        notices.schedule_notice(notice=notice, send_at=timezone.now() - datetime.timedelta(minutes=1))


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
        first = notices.send_due_reminders(now=timezone.now())
        again = notices.send_due_reminders(now=timezone.now())

    assert (first, again) == (1, 0)
    reminder = meeting.notices.get(kind=Notice.Kind.REMINDER)
    assert (reminder.reminder_days, reminder.state) == (7, Notice.State.SENT)
    assert [m.subject for m in mail.outbox] == [f"Nhắc lịch: {meeting.title}"] * 2

    with django_capture_on_commit_callbacks(execute=True):
        later = notices.send_due_reminders(now=meeting.starts_at - datetime.timedelta(hours=12))

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
        notices.send_due_reminders(now=timezone.now())

    assert [m.to for m in mail.outbox] == [[coming.email]]
    assert Delivery.objects.get(member=away).last_error == "Thành viên đã báo vắng mặt."


def test_send_due_reminders_waits_for_an_invitation(settings):
    settings.NOTICE_REMINDER_DAYS = [7, 1]
    council_members(1)
    late = invited_meeting(days_ahead=5, invited_days_before=6)  # invited after the 7-day stage
    MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=3))  # never invited

    assert notices.send_due_reminders(now=timezone.now()) == 0
    assert not late.notices.filter(kind=Notice.Kind.REMINDER).exists()


def test_reminder_stage_is_unique_per_meeting():
    meeting = MeetingFactory()
    NoticeFactory(meeting=meeting, kind=Notice.Kind.REMINDER, reminder_days=7)

    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeFactory(meeting=meeting, kind=Notice.Kind.REMINDER, reminder_days=7)


def test_requeue_stuck_deliveries_sends_what_a_dead_worker_left(django_capture_on_commit_callbacks, settings):
    settings.NOTICE_STUCK_SECONDS = 60
    council_members(2)
    notice = NoticeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        notices.send_notice(notice=notice)
    stuck, lost = Delivery.objects.order_by("pk")
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    # One claimed by a worker that died; one whose broker message vanished.
    Delivery.objects.filter(pk=stuck.pk).update(state="sending", attempts=1, claimed_at=long_ago)
    Delivery.objects.filter(pk=lost.pk).update(due_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert notices.requeue_stuck_deliveries(now=timezone.now()) == 2

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

    assert notices.requeue_stuck_deliveries(now=timezone.now()) == 0

    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error) == (
        "failed",
        "Gửi bị gián đoạn nhiều lần (tiến trình gửi thư ngừng giữa chừng).",
    )


def test_resend_deliveries_uses_the_members_current_address(django_capture_on_commit_callbacks):
    (member,) = council_members(1, email="")
    notice = NoticeFactory()
    send(notice, django_capture_on_commit_callbacks)
    member.email = "moi@example.org"
    member.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert notices.resend_deliveries(deliveries=Delivery.objects.all()) == 1

    assert [m.to for m in mail.outbox] == [["moi@example.org"]]
    notice.refresh_from_db()
    assert notice.state == Notice.State.SENT


def test_rsvp_token_round_trip_and_tampering():
    meeting = MeetingFactory()
    member = MemberFactory()
    token = notices.rsvp_token(meeting_id=meeting.pk, member_id=member.pk)

    invitee = notices.read_rsvp_token(token)

    assert (invitee.meeting, invitee.member, invitee.attendance) == (meeting, member, None)
    with pytest.raises(notices.InvalidRsvpLink):
        notices.read_rsvp_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])


def test_rsvp_token_expires(settings, monkeypatch):
    settings.NOTICE_RSVP_DAYS = 1
    meeting = MeetingFactory()
    token = old_rsvp_token(monkeypatch, days=2, meeting_id=meeting.pk, member_id=MemberFactory().pk)

    with pytest.raises(notices.ExpiredRsvpLink):
        notices.read_rsvp_token(token)


def test_rsvp_token_closes_when_the_meeting_starts():
    meeting = MeetingFactory()
    token = notices.rsvp_token(meeting_id=meeting.pk, member_id=MemberFactory().pk)

    with pytest.raises(notices.ExpiredRsvpLink):
        notices.read_rsvp_token(token, now=meeting.starts_at)


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
            outcomes.append(notices.send_notice(notice=Notice.objects.get(pk=notice.pk)))
        except notices.NoticeNotEditable:
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deliver_racing_itself_on_postgresql_sends_once():
    council_members(1)
    notice = NoticeFactory()
    notices.send_notice(notice=notice)
    # Tasks ran inline on commit; put the delivery back as if its task had not run yet.
    mail.outbox.clear()
    Delivery.objects.update(state="queued", attempts=0)
    delivery = Delivery.objects.get()
    barrier = threading.Barrier(6)
    outcomes = []

    def work():
        barrier.wait(timeout=10)
        try:
            outcomes.append(notices.deliver(delivery_id=delivery.pk))
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
