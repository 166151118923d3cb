from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from meetings.models import Attendance, Meeting
from tests.factories import MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db


def attend(member, meeting, *, attended=True):
    Attendance.objects.create(meeting=meeting, member=member, attended=attended)


def test_meetings_attended_lists_the_public_meetings_a_member_came_to_latest_first():
    member, other = MemberFactory(), MemberFactory()
    now = timezone.now()
    older = MeetingFactory(
        title="Phiên 2024", starts_at=now - timedelta(days=400), status=Meeting.Status.HELD
    )
    newer = MeetingFactory(title="Phiên 2025", starts_at=now - timedelta(days=30), status=Meeting.Status.HELD)
    draft = MeetingFactory(
        title="Phiên nháp", starts_at=now - timedelta(days=10), status=Meeting.Status.DRAFT
    )
    absent = MeetingFactory(
        title="Phiên vắng", starts_at=now - timedelta(days=20), status=Meeting.Status.HELD
    )
    attend(member, older)
    attend(member, newer)
    attend(member, draft)
    attend(member, absent, attended=False)
    attend(other, absent)

    rendered = Template(
        "{% load meeting_tags %}{% meetings_attended member as attended %}"
        "{% for meeting in attended %}{{ meeting.title }};{% endfor %}"
    ).render(Context({"member": member}))

    assert rendered == "Phiên 2025;Phiên 2024;"


def test_the_member_page_shows_the_meetings_attended(client):
    member = MemberFactory()
    meeting = MeetingFactory(title="Phiên họp Đà Lạt", status=Meeting.Status.HELD, starts_at=timezone.now())
    attend(member, meeting)

    page = client.get(member.get_absolute_url()).content.decode()

    assert f'<a href="{meeting.get_absolute_url()}">Phiên họp Đà Lạt</a>' in page
