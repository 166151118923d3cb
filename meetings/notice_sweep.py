"""The periodic sweep of meeting notices (Celery beat, every NOTICE_SWEEP_SECONDS).

It sends scheduled notices whose time has come and the automatic reminders that
are due, requeues deliveries whose worker died, and marks finished notices sent.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Delivery, Meeting, Notice
from .notice_compose import NoticeNotEditable, compose_notice
from .notice_deliver import enqueue_deliveries, finish_notice
from .notice_send import NoRecipients, send_notice

logger = logging.getLogger(__name__)


def send_due_notices(*, now: datetime) -> int:
    """Send every scheduled notice whose time has come; returns how many were sent."""
    sent = 0
    for notice in Notice.objects.filter(state=Notice.State.SCHEDULED, send_at__lte=now):
        try:
            send_notice(notice=notice, now=now)
        except NoticeNotEditable:
            continue  # another sweep was first
        except NoRecipients:
            logger.warning("scheduled notice %s has no recipients; back to draft", notice.pk)
            Notice.objects.filter(pk=notice.pk, state=Notice.State.SCHEDULED).update(state=Notice.State.DRAFT)
            continue
        sent += 1
    return sent


def due_reminder_stage(*, meeting: Meeting, now: datetime) -> int | None:
    """The reminder due now for `meeting`: the closest stage of NOTICE_REMINDER_DAYS already reached."""
    if meeting.starts_at <= now:
        return None
    reached = [
        days for days in settings.NOTICE_REMINDER_DAYS if now >= meeting.starts_at - timedelta(days=days)
    ]
    return min(reached) if reached else None


def send_due_reminders(*, now: datetime) -> int:
    """Create and send the automatic reminders that are due; returns how many were sent.

    A meeting gets a reminder at each stage of NOTICE_REMINDER_DAYS (7 and 1
    days before, by default) once its invitation has gone out before that
    stage; a stage missed while beat was down is replaced by the next one, not
    sent late. The unique (meeting, reminder_days) rule makes each reminder
    happen once, however many sweeps race.
    """
    if not settings.NOTICE_REMINDER_DAYS:
        return 0
    horizon = now + timedelta(days=max(settings.NOTICE_REMINDER_DAYS))
    meetings = Meeting.objects.filter(
        status=Meeting.Status.PLANNED, starts_at__gt=now, starts_at__lte=horizon
    ).select_related("host_province")
    sent = 0
    for meeting in meetings:
        stage = due_reminder_stage(meeting=meeting, now=now)
        if stage is None:
            continue
        invited_before = meeting.starts_at - timedelta(days=stage)
        invited = meeting.notices.filter(
            kind=Notice.Kind.INVITATION,
            state__in=[Notice.State.SENDING, Notice.State.SENT],
            send_at__lte=invited_before,
        ).exists()
        if not invited or meeting.notices.filter(reminder_days__lte=stage).exists():
            continue
        try:
            with transaction.atomic():
                notice = compose_notice(meeting=meeting, kind=Notice.Kind.REMINDER, reminder_days=stage)
                send_notice(notice=notice, now=now)
        except IntegrityError:
            continue  # another sweep created this reminder first
        except NoRecipients:
            continue
        sent += 1
    return sent


def requeue_stuck_deliveries(*, now: datetime) -> int:
    """Recover deliveries a dead worker left behind; returns how many were enqueued again.

    A row "sending" for longer than NOTICE_STUCK_SECONDS is queued again (or
    failed, if it used up its attempts); a row still "queued" that long after
    it was due is enqueued once more, in case the broker lost its message. Both
    changes are conditional UPDATEs, and a second copy of a task is harmless
    (the claim lets one through).
    """
    cutoff = now - timedelta(seconds=settings.NOTICE_STUCK_SECONDS)
    lost = _("Gửi bị gián đoạn (tiến trình gửi thư ngừng giữa chừng); thử lại.")
    stuck = Delivery.objects.filter(state=Delivery.State.SENDING, claimed_at__lt=cutoff)
    stuck.filter(attempts__gte=settings.NOTICE_MAX_ATTEMPTS).update(
        state=Delivery.State.FAILED,
        last_error=_("Gửi bị gián đoạn nhiều lần (tiến trình gửi thư ngừng giữa chừng)."),
    )
    stuck_ids = list(stuck.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=stuck_ids, state=Delivery.State.SENDING, claimed_at__lt=cutoff).update(
        state=Delivery.State.QUEUED, last_error=lost, due_at=now
    )
    waiting = Delivery.objects.filter(state=Delivery.State.QUEUED, due_at__lt=cutoff)
    waiting_ids = list(waiting.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=waiting_ids, state=Delivery.State.QUEUED, due_at__lt=cutoff).update(
        due_at=now
    )
    ids = stuck_ids + waiting_ids
    if ids:
        transaction.on_commit(partial(enqueue_deliveries, ids))
    return len(ids)


def finish_notices() -> int:
    """Mark sent every sending notice with nothing left to deliver (after failures, say)."""
    finished = 0
    for notice_id in Notice.objects.filter(state=Notice.State.SENDING).values_list("pk", flat=True):
        finished += finish_notice(notice_id=notice_id)
    return finished


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: due scheduled notices, due reminders, lost deliveries, finished notices."""
    now = now or timezone.now()
    return {
        "scheduled": send_due_notices(now=now),
        "reminders": send_due_reminders(now=now),
        "requeued": requeue_stuck_deliveries(now=now),
        "finished": finish_notices(),
    }
