"""Sending meeting notices: to whom, once, now or at a set time, and again after failures.

The rows are the truth, not the broker. Sending a notice is one conditional
UPDATE of the Notice (draft/scheduled -> sending) plus one Delivery row per
member, in one transaction; the deliveries are handed to Celery on commit, by
primary key (notice_deliver.py sends each one).
"""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, Membership

from .models import Attendance, Delivery, Meeting, Notice
from .notice_compose import EDITABLE_STATES, NoticeNotEditable
from .notice_deliver import enqueue_deliveries, finish_notice


class NoRecipients(Exception):
    """Nobody sits on the council on the meeting's date, and nobody was invited."""


class ScheduleInPast(Exception):
    """A notice can only be scheduled for a time still to come."""


def recipients(meeting: Meeting) -> QuerySet[Member]:
    """Everyone on the council on the meeting's date, plus anyone invited to it by name."""
    day = timezone.localdate(meeting.starts_at)
    on_council = Membership.objects.on(day).values("member_id")
    invited = Attendance.objects.filter(meeting=meeting).values("member_id")
    return Member.objects.filter(Q(pk__in=on_council) | Q(pk__in=invited)).order_by("full_name", "pk")


def skip_reason(*, member: Member, notice: Notice, declined: set[int]) -> str:
    """Why `member` gets no email for `notice`, or "" if they do."""
    if not member.email:
        return _("Thành viên chưa có địa chỉ thư điện tử.")
    if not member.receives_notices:
        return _("Thành viên đã tắt nhận thông báo họp qua thư điện tử.")
    if notice.kind == Notice.Kind.REMINDER and member.pk in declined:
        return _("Thành viên đã báo vắng mặt.")
    return ""


def _declined(meeting: Meeting) -> set[int]:
    return set(
        Attendance.objects.filter(meeting=meeting, rsvp=Attendance.Rsvp.DECLINED).values_list(
            "member_id", flat=True
        )
    )


def send_notice(*, notice: Notice, now: datetime | None = None) -> int:
    """Send `notice` to every recipient, once; returns how many emails were queued.

    In one transaction: the notice moves draft/scheduled -> sending by one
    conditional UPDATE (so a double click or two racing beats send it once),
    one Delivery per recipient is created (members without an address or who
    turned notices off get a "skipped" row with the reason), and an invitation
    records each recipient as invited. The queued deliveries are enqueued after
    commit. Raises NoticeNotEditable if it was already sent, NoRecipients if
    nobody would receive it (nothing changes then).
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Notice.objects.filter(pk=notice.pk, state__in=EDITABLE_STATES).update(
            state=Notice.State.SENDING,
            # "Send now" on a notice scheduled for later sends it now.
            send_at=Case(When(send_at__lte=now, then=F("send_at")), default=Value(now)),
        )
        if not claimed:
            raise NoticeNotEditable
        notice.refresh_from_db(fields=["state", "send_at", "kind", "meeting"])
        meeting = notice.meeting
        members = list(recipients(meeting))
        if not members:
            raise NoRecipients
        declined = _declined(meeting)
        deliveries = []
        for member in members:
            reason = skip_reason(member=member, notice=notice, declined=declined)
            deliveries.append(
                Delivery(
                    notice=notice,
                    member=member,
                    address=member.email,
                    state=Delivery.State.SKIPPED if reason else Delivery.State.QUEUED,
                    last_error=reason,
                    due_at=now,
                )
            )
        Delivery.objects.bulk_create(deliveries)
        if notice.kind == Notice.Kind.INVITATION:
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, member=member) for member in members], ignore_conflicts=True
            )
        queued = [d.pk for d in deliveries if d.state == Delivery.State.QUEUED]
        if queued:
            transaction.on_commit(partial(enqueue_deliveries, queued))
        else:
            finish_notice(notice_id=notice.pk)
    return len(queued)


def schedule_notice(*, notice: Notice, send_at: datetime, now: datetime | None = None) -> None:
    """Have the sweep send `notice` at `send_at`. Raises ScheduleInPast, NoticeNotEditable."""
    now = now or timezone.now()
    if send_at <= now:
        raise ScheduleInPast
    updated = Notice.objects.filter(pk=notice.pk, state__in=EDITABLE_STATES).update(
        state=Notice.State.SCHEDULED, send_at=send_at
    )
    if not updated:
        raise NoticeNotEditable
    notice.state, notice.send_at = Notice.State.SCHEDULED, send_at


def unschedule_notice(*, notice: Notice) -> None:
    """Turn a scheduled notice back into a draft (it keeps its send_at for reference)."""
    updated = Notice.objects.filter(pk=notice.pk, state=Notice.State.SCHEDULED).update(
        state=Notice.State.DRAFT
    )
    if not updated:
        raise NoticeNotEditable
    notice.state = Notice.State.DRAFT


def resend_deliveries(*, deliveries: QuerySet[Delivery]) -> int:
    """Queue the failed and skipped deliveries among `deliveries` again; returns how many.

    Each is looked at afresh: the member's current address is used, and one who
    still has none (or still turned notices off) stays skipped. Attempts start
    over. Their notices go back to "sending". Enqueued on commit.
    """
    now = timezone.now()
    queued: list[int] = []
    with transaction.atomic():
        rows = (
            Delivery.objects.select_for_update(of=("self",))
            .filter(pk__in=deliveries.values("pk"), state__in=[Delivery.State.FAILED, Delivery.State.SKIPPED])
            .select_related("member", "notice__meeting")
        )
        declined_by_meeting: dict[int, set[int]] = {}
        for delivery in rows:
            meeting = delivery.notice.meeting
            if meeting.pk not in declined_by_meeting:
                declined_by_meeting[meeting.pk] = _declined(meeting)
            reason = skip_reason(
                member=delivery.member, notice=delivery.notice, declined=declined_by_meeting[meeting.pk]
            )
            if reason:
                Delivery.objects.filter(pk=delivery.pk).update(
                    state=Delivery.State.SKIPPED, last_error=reason, address=delivery.member.email
                )
                continue
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.QUEUED,
                address=delivery.member.email,
                attempts=0,
                last_error="",
                claimed_at=None,
                due_at=now,
            )
            Notice.objects.filter(pk=delivery.notice_id, state=Notice.State.SENT).update(
                state=Notice.State.SENDING
            )
            queued.append(delivery.pk)
        if queued:
            transaction.on_commit(partial(enqueue_deliveries, queued))
    return len(queued)


def delivery_counts(notice: Notice) -> dict[str, int]:
    """How many deliveries of `notice` are in each state (for the admin)."""
    counts = dict(notice.deliveries.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in Delivery.State.values}
