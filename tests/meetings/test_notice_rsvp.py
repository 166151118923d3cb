"""Members' answers (meetings/notice_rsvp.py): signed links, their expiry, recording the answer."""

import pytest

from meetings.notice_rsvp import ExpiredRsvpLink, InvalidRsvpLink, read_rsvp_token, rsvp_token
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
