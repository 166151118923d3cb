import datetime

import pytest
from django.core import mail
from django.utils import timezone

from council.demo import notices as demo_notices
from meetings.models import Delivery, Notice
from tests.factories import MeetingFactory
from tests.meetings.notice_helpers import council_members

pytestmark = pytest.mark.django_db


def test_demo_notices_drafts_one_invitation_and_sends_nothing():
    council_members(2)
    meeting = MeetingFactory(
        title="Phiên họp năm 2018", starts_at=timezone.make_aware(datetime.datetime(2018, 8, 17, 8, 0))
    )

    demo_notices.load()
    demo_notices.load()

    notice = Notice.objects.get()
    assert (notice.meeting, notice.kind, notice.state) == (meeting, "invitation", "draft")
    assert notice.subject == "Giấy mời: Phiên họp năm 2018"
    assert (Delivery.objects.count(), mail.outbox) == (0, [])


def test_demo_notices_without_a_2018_meeting_does_nothing():
    demo_notices.load()

    assert Notice.objects.count() == 0
