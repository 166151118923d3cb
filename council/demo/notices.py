"""A draft invitation to the 2018 meeting (Gia Lai), for the secretariat to review and send.

Nothing is sent while loading the demo: the notice stays a draft. Without a
2018 meeting in the demo (it is built by the meetings part) this part does nothing.
"""

from meetings.models import Meeting, Notice
from meetings.notice_compose import compose_notice


def load() -> None:
    meeting = Meeting.objects.filter(year=2018).order_by("starts_at").first()
    if meeting is None:
        return
    if not Notice.objects.filter(meeting=meeting, kind=Notice.Kind.INVITATION).exists():
        compose_notice(meeting=meeting, kind=Notice.Kind.INVITATION)
