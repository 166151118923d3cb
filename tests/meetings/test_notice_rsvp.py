"""Members' answers (meetings/notice_rsvp.py): signed links, their expiry, recording the answer."""

import pytest

from meetings.models import Attendance
from meetings.notice_rsvp import (
    ExpiredRsvpLink,
    InvalidRsvpLink,
    read_rsvp_token,
    record_rsvp,
    rsvp_token,
    rsvp_urls,
)
from tests.factories import MeetingFactory, MemberFactory
from tests.meetings.notice_helpers import old_rsvp_token

pytestmark = [pytest.mark.django_db]


def test_rsvp_token_round_trip_and_tampering():
    meeting = MeetingFactory()
    member = MemberFactory()
    token = rsvp_token(meeting_id=meeting.pk, member_id=member.pk)

    invitee = read_rsvp_token(token)

    assert (invitee.meeting, invitee.member, invitee.attendance) == (meeting, member, None)
    with pytest.raises(InvalidRsvpLink):
        read_rsvp_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])


def test_rsvp_token_expires(settings, monkeypatch):
    settings.NOTICE_RSVP_DAYS = 1
    meeting = MeetingFactory()
    token = old_rsvp_token(monkeypatch, days=2, meeting_id=meeting.pk, member_id=MemberFactory().pk)

    with pytest.raises(ExpiredRsvpLink):
        read_rsvp_token(token)


def test_rsvp_token_closes_when_the_meeting_starts():
    meeting = MeetingFactory()
    token = rsvp_token(meeting_id=meeting.pk, member_id=MemberFactory().pk)

    with pytest.raises(ExpiredRsvpLink):
        read_rsvp_token(token, now=meeting.starts_at)


def test_rsvp_urls_carry_the_answers_slugs(settings):
    settings.SITE_URL = "https://hoidong.example.org"
    meeting, member = MeetingFactory(), MemberFactory()

    urls = rsvp_urls(meeting_id=meeting.pk, member_id=member.pk)

    assert sorted(urls) == ["accepted", "declined"]
    for answer, slug in (("accepted", "tham-du"), ("declined", "vang-mat")):
        assert urls[answer].startswith("https://hoidong.example.org/")
        assert urls[answer].endswith(f"/{slug}/")
        token = urls[answer].rstrip("/").split("/")[-2]
        assert read_rsvp_token(token).member == member


def test_record_rsvp_keeps_the_last_answer_and_refuses_others():
    meeting, member = MeetingFactory(), MemberFactory()

    record_rsvp(meeting=meeting, member=member, answer="accepted")
    attendance = record_rsvp(meeting=meeting, member=member, answer="declined")

    assert Attendance.objects.get(meeting=meeting, member=member).rsvp == attendance.rsvp == "declined"
    assert attendance.responded_at is not None
    with pytest.raises(ValueError):
        record_rsvp(meeting=meeting, member=member, answer="invited")
