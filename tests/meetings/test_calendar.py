import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import meetings_calendar
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_calendar_parses_back_with_local_times():
    starts = timezone.make_aware(datetime.datetime(2017, 8, 12, 8, 0))
    meeting = Meeting.objects.create(
        title="Phiên họp năm 2017",
        slug="phien-hop-2017",
        year=2017,
        starts_at=starts,
        venue="Đồng Hới",
        status=Meeting.Status.HELD,
    )

    calendar = Calendar.from_ical(meetings_calendar([meeting], name="Phiên họp"))

    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Phiên họp năm 2017"
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(hours=7)
    assert event.decoded("dtend") == starts + datetime.timedelta(hours=4)
    assert str(event["uid"]) == f"meeting-{meeting.pk}@127.0.0.1:8000"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
