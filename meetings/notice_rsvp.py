"""Members' answers to a meeting invitation: signed links, reading them, recording the answer.

A link names a meeting and a member in a signed, timestamped token, so a member
answers without logging in. The answers' slugs in the links' paths belong here
too: the emails build the links, the views (notice_views.py) read them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from members.models import Member

from .models import Attendance, Meeting

# Named after the module that first signed the links: a new salt would void the links already sent.
RSVP_SALT = "meetings.notices.rsvp"
RSVP_ANSWERS = (Attendance.Rsvp.ACCEPTED, Attendance.Rsvp.DECLINED)
# The answers as they appear in the links' paths.
ANSWER_SLUGS = {"tham-du": Attendance.Rsvp.ACCEPTED, "vang-mat": Attendance.Rsvp.DECLINED}
SLUG_OF_ANSWER = {answer: slug for slug, answer in ANSWER_SLUGS.items()}


class InvalidRsvpLink(Exception):
    """An RSVP link that was altered, or that no longer leads to a meeting and member."""


class ExpiredRsvpLink(Exception):
    """An RSVP link past its validity, or for a meeting that has begun."""


@dataclass
class RsvpInvitee:
    meeting: Meeting
    member: Member
    attendance: Attendance | None


def rsvp_token(*, meeting_id: int, member_id: int) -> str:
    """A signed, timestamped token naming a meeting and a member (no login needed to answer)."""
    return signing.dumps({"meeting": meeting_id, "member": member_id}, salt=RSVP_SALT)


def rsvp_urls(*, meeting_id: int, member_id: int) -> dict[str, str]:
    """The absolute links by which a member accepts or declines, by answer."""
    token = rsvp_token(meeting_id=meeting_id, member_id=member_id)
    return {
        answer: settings.SITE_URL
        + reverse("meetings:rsvp_answer", kwargs={"token": token, "answer": SLUG_OF_ANSWER[answer]})
        for answer in RSVP_ANSWERS
    }


def read_rsvp_token(token: str, *, now: datetime | None = None) -> RsvpInvitee:
    """The meeting and member an RSVP link is for.

    Raises InvalidRsvpLink for a tampered token (or one whose meeting or
    member is gone), ExpiredRsvpLink past NOTICE_RSVP_DAYS or once the
    meeting has begun or been cancelled.
    """
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=RSVP_SALT, max_age=timedelta(days=settings.NOTICE_RSVP_DAYS))
    except signing.SignatureExpired as error:
        raise ExpiredRsvpLink from error
    except signing.BadSignature as error:
        raise InvalidRsvpLink from error
    try:
        meeting = Meeting.objects.select_related("host_province").get(pk=data["meeting"])
        member = Member.objects.get(pk=data["member"])
    except (Meeting.DoesNotExist, Member.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidRsvpLink from error
    if meeting.starts_at <= now or meeting.status == Meeting.Status.CANCELLED:
        raise ExpiredRsvpLink
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    return RsvpInvitee(meeting=meeting, member=member, attendance=attendance)


def record_rsvp(*, meeting: Meeting, member: Member, answer: str) -> Attendance:
    """Record a member's answer (accepted/declined) to a meeting; the last answer counts.

    Creates the Attendance row if the member had none; sets rsvp and responded_at.
    """
    if answer not in RSVP_ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    attendance, _created = Attendance.objects.get_or_create(meeting=meeting, member=member)
    attendance.rsvp = answer
    attendance.responded_at = timezone.now()
    attendance.save(update_fields=["rsvp", "responded_at"])
    return attendance
