"""Meetings as iCalendar (RFC 5545) data, for downloads, feeds and mail attachments."""

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from .models import Meeting

# A meeting without an end time is shown as a working day's session.
DEFAULT_LENGTH = timedelta(hours=4)


def meeting_event(meeting: Meeting) -> Event:
    """One VEVENT; its UID is stable so calendars update rather than duplicate it."""
    tz = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    domain = settings.SITE_URL.split("://", 1)[-1]
    event.add("uid", f"meeting-{meeting.pk}@{domain}")
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).astimezone(tz))
    event.add("dtstamp", meeting.updated_at)
    location = ", ".join(part for part in [meeting.venue, str(meeting.host_province or "")] if part)
    if location:
        event.add("location", location)
    if meeting.summary:
        event.add("description", meeting.summary)
    event.add("url", settings.SITE_URL + meeting.get_absolute_url())
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def meetings_calendar(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A whole calendar file with one event per meeting, times in Asia/Ho_Chi_Minh."""
    calendar = Calendar()
    calendar.add("prodid", "-//Hoi dong Giam doc CNTT mien Trung - Tay Nguyen//vi")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
