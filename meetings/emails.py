"""Meeting notices as email messages: drafts from templates, and the message itself.

Building only: nothing here sends, saves or reads the database beyond the
objects it is given. Every text is rendered in the site's language
(Vietnamese), whatever language the secretariat's admin is in.
"""

from collections.abc import Sequence
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from icalendar import Calendar

from members.models import Member

from .calendar import meeting_event
from .models import AgendaItem, Meeting, Notice

CALENDAR_MIMETYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def mail_domain() -> str:
    """The domain of our Message-IDs: that of DEFAULT_FROM_EMAIL, else the site's host."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(*, notice_id: int, member_id: int) -> str:
    """The same Message-ID for every attempt, so a duplicate after a crash is recognisable."""
    return f"<notice-{notice_id}.member-{member_id}@{mail_domain()}>"


def draft_text(*, meeting: Meeting, kind: str, agenda: Sequence[AgendaItem] = ()) -> tuple[str, str]:
    """The prefilled subject and body of a notice of `kind` about `meeting`."""
    context = {"meeting": meeting, "agenda": agenda, "kind": kind}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/meeting_notice_drafts/{kind}_subject.txt", context)
        body = render_to_string(f"emails/meeting_notice_drafts/{kind}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def notice_calendar(*, notice: Notice) -> bytes:
    """The meeting as an .ics file; a cancellation marks the event cancelled."""
    event = meeting_event(notice.meeting)
    if notice.kind == Notice.Kind.CANCELLATION:
        event["status"] = "CANCELLED"
    calendar = Calendar()
    calendar.add("prodid", "-//Hoi dong Giam doc CNTT mien Trung - Tay Nguyen//vi")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def notice_message(
    *,
    notice: Notice,
    member: Member,
    address: str,
    agenda: Sequence[AgendaItem],
    rsvp_urls: dict[str, str] | None,
) -> EmailMultiAlternatives:
    """The email of `notice` for `member`: subject, text and HTML, the .ics, RSVP links.

    `rsvp_urls` maps "accepted" and "declined" to absolute signed links, or is
    None when the notice asks for no answer (a cancellation).
    """
    meeting = notice.meeting
    context = {
        "notice": notice,
        "meeting": meeting,
        "member": member,
        "agenda": agenda,
        "rsvp_urls": rsvp_urls,
        "rsvp_days": settings.NOTICE_RSVP_DAYS,
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        "contact_email": settings.COUNCIL_CONTACT_EMAIL,
        "contact_address": settings.COUNCIL_CONTACT_ADDRESS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/meeting_notice_subject.txt", context)
        text = render_to_string("emails/meeting_notice.txt", context)
        html = render_to_string("emails/meeting_notice.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[address],
        headers={
            "Message-ID": message_id(notice_id=notice.pk, member_id=member.pk),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.attach(f"phien-hop-{meeting.year}.ics", notice_calendar(notice=notice), CALENDAR_MIMETYPE)
    return message
