"""Composing notices (meetings/notice_compose.py): the one way a Notice is created, and edits."""

import datetime
import traceback

import pytest
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from council.demo import notices as demo_notices
from meetings.models import Notice
from meetings.notice_compose import compose_notice, edit_notice
from meetings.notice_sweep import send_due_reminders
from tests.factories import MeetingFactory, NoticeFactory, UserFactory
from tests.meetings.notice_helpers import council_members

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_compose_notice_prefills_from_the_template_for_its_kind():
    meeting = MeetingFactory(title="Phiên họp năm 2018")

    notice = compose_notice(meeting=meeting, kind=Notice.Kind.REMINDER)

    assert notice.subject == "Nhắc lịch: Phiên họp năm 2018"
    assert notice.body.startswith("Tổ giúp việc Hội đồng trân trọng nhắc Ông/Bà lịch Phiên họp năm 2018.")
    assert notice.state == Notice.State.DRAFT


def test_compose_notice_keeps_what_is_given():
    meeting = MeetingFactory(title="Phiên họp năm 2018")
    author = UserFactory()
    send_at = timezone.now() + datetime.timedelta(days=2)

    notice = compose_notice(
        meeting=meeting,
        kind=Notice.Kind.CHANGE,
        subject="  Đổi giờ họp  ",
        body="Phiên họp bắt đầu lúc 9 giờ.",
        send_at=send_at,
        created_by=author,
    )

    notice.refresh_from_db()
    assert (notice.subject, notice.body, notice.send_at, notice.created_by) == (
        "Đổi giờ họp",
        "Phiên họp bắt đầu lúc 9 giờ.",
        send_at,
        author,
    )
    assert (notice.kind, notice.state, notice.reminder_days) == ("change", "draft", None)


def test_compose_notice_makes_each_reminder_stage_once():
    meeting = MeetingFactory()
    compose_notice(meeting=meeting, kind=Notice.Kind.REMINDER, reminder_days=7)

    with pytest.raises(IntegrityError), transaction.atomic():
        compose_notice(meeting=meeting, kind=Notice.Kind.REMINDER, reminder_days=7)

    assert meeting.notices.count() == 1


def test_edit_notice_saves_a_draft_and_refuses_a_sent_notice():
    draft = NoticeFactory(subject="Cũ")
    sent = NoticeFactory(subject="Cũ", state=Notice.State.SENT)

    for notice in (draft, sent):
        notice.subject = "Mới"
    outcomes = [edit_notice(notice=notice, fields=["subject"]) for notice in (draft, sent)]

    assert outcomes == [True, False]
    assert [Notice.objects.get(pk=n.pk).subject for n in (draft, sent)] == ["Mới", "Cũ"]


# Each way a notice comes into being: prepare what it needs, return the act that creates it.


def add_in_the_admin(client, meeting):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = {
        "meeting": meeting.pk,
        "kind": "invitation",
        "subject": "",
        "body": "",
        "send_at_0": "",
        "send_at_1": "",
    }
    return lambda: client.post(reverse("admin:meetings_notice_add"), form)


def remind(client, meeting):
    council_members(1)
    NoticeFactory(
        meeting=meeting, state=Notice.State.SENT, send_at=meeting.starts_at - datetime.timedelta(days=30)
    )
    return lambda: send_due_reminders(now=meeting.starts_at - datetime.timedelta(days=3))


def load_the_demo(client, meeting):
    return demo_notices.load


@pytest.mark.parametrize("prepare", [add_in_the_admin, remind, load_the_demo])
def test_every_notice_is_created_by_compose_notice(prepare, client, settings):
    settings.NOTICE_REMINDER_DAYS = [7, 1]
    meeting = MeetingFactory(year=2018, starts_at=timezone.now() + datetime.timedelta(days=5))
    act = prepare(client, meeting)
    composed = []

    def record(sender, instance, created, **kwargs):
        if created:
            composed.append(any(frame.name == "compose_notice" for frame in traceback.extract_stack()))

    post_save.connect(record, sender=Notice, dispatch_uid="test-notice-creators")
    try:
        act()
    finally:
        post_save.disconnect(sender=Notice, dispatch_uid="test-notice-creators")

    assert composed == [True]
