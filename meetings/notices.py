"""Meeting notices: compose, send, deliver, sweep, and the members' RSVP answers.

The rows are the truth, not the broker. Sending a notice is one conditional
UPDATE of the Notice (draft/scheduled -> sending) plus one Delivery row per
member, in one transaction; the deliveries are handed to Celery on commit, by
primary key. A worker claims a delivery with one conditional UPDATE (queued ->
sending), so a task that runs twice sends once. Temporary SMTP trouble puts the
row back to "queued" for a retry with backoff; a permanent refusal marks it
failed with the server's answer. A periodic sweep sends scheduled notices and
reminders and requeues deliveries whose worker died.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from council.shared.queue import enqueue
from members.models import Member, Membership

from . import emails
from .models import AgendaItem, Attendance, Delivery, Meeting, Notice

logger = logging.getLogger(__name__)

EDITABLE_STATES = (Notice.State.DRAFT, Notice.State.SCHEDULED)
UNFINISHED_DELIVERIES = (Delivery.State.QUEUED, Delivery.State.SENDING)
RSVP_SALT = "meetings.notices.rsvp"
RSVP_ANSWERS = (Attendance.Rsvp.ACCEPTED, Attendance.Rsvp.DECLINED)


class NoticeNotEditable(Exception):
    """The notice has already gone out (or is going out): it cannot be sent or scheduled again."""


class NoRecipients(Exception):
    """Nobody sits on the council on the meeting's date, and nobody was invited."""


class ScheduleInPast(Exception):
    """A notice can only be scheduled for a time still to come."""


class InvalidRsvpLink(Exception):
    """An RSVP link that was altered, or that no longer leads to a meeting and member."""


class ExpiredRsvpLink(Exception):
    """An RSVP link past its validity, or for a meeting that has begun."""


@dataclass
class DeliveryDeferred(Exception):
    """A temporary mail error: the delivery is queued again, to be retried in `countdown` seconds."""

    countdown: int
    error: str


# --- Composing ------------------------------------------------------------------------------------


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.select_related("presenter").order_by("order", "starts_at"))


def prefill_notice(*, notice: Notice) -> None:
    """Fill a blank subject or body of an unsaved notice from the template for its kind."""
    subject, body = emails.draft_text(
        meeting=notice.meeting, kind=notice.kind, agenda=agenda_of(notice.meeting)
    )
    notice.subject = notice.subject.strip() or subject
    notice.body = notice.body.strip() or body


def compose_notice(
    *, meeting: Meeting, kind: str, created_by=None, subject: str = "", body: str = ""
) -> Notice:
    """Create a draft notice, its subject and body prefilled from the template for `kind`.

    A subject or body given explicitly is kept. Saves one Notice; sends nothing.
    """
    notice = Notice(meeting=meeting, kind=kind, subject=subject, body=body, created_by=created_by)
    prefill_notice(notice=notice)
    notice.save()
    return notice


def edit_notice(*, notice: Notice, fields: list[str]) -> bool:
    """Save `fields` of a notice that is still a draft or scheduled; False if it went out meanwhile.

    One conditional UPDATE, so an edit racing a send never turns a sent notice
    back into a draft (a plain save() would write its stale state).
    """
    if not fields:
        return True
    return bool(
        Notice.objects.filter(pk=notice.pk, state__in=EDITABLE_STATES).update(
            **{field: getattr(notice, field) for field in fields}
        )
    )


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


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Hand deliveries to Celery; call it on commit only (a rolled-back send enqueues nothing).

    With the broker down nothing waits or fails: the rows stay queued and the
    sweep enqueues them again (requeue_stuck_deliveries).
    """
    from . import tasks  # tasks import this module

    for delivery_id in delivery_ids:
        if not enqueue(tasks.deliver_notice, delivery_id):
            break  # the broker is down: the others would not go either


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


def finish_notice(*, notice_id: int) -> bool:
    """Mark a sending notice sent once none of its deliveries is queued or sending."""
    unfinished = Delivery.objects.filter(notice_id=notice_id, state__in=UNFINISHED_DELIVERIES)
    return bool(
        Notice.objects.filter(pk=notice_id, state=Notice.State.SENDING)
        .exclude(Exists(unfinished))
        .update(state=Notice.State.SENT)
    )


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


# --- Delivering -----------------------------------------------------------------------------------


def rsvp_token(*, meeting_id: int, member_id: int) -> str:
    """A signed, timestamped token naming a meeting and a member (no login needed to answer)."""
    return signing.dumps({"meeting": meeting_id, "member": member_id}, salt=RSVP_SALT)


def rsvp_urls(*, meeting_id: int, member_id: int) -> dict[str, str]:
    from .notice_views import SLUG_OF_ANSWER  # the links' paths are the views' business

    token = rsvp_token(meeting_id=meeting_id, member_id=member_id)
    return {
        answer: settings.SITE_URL
        + reverse("meetings:rsvp_answer", kwargs={"token": token, "answer": SLUG_OF_ANSWER[answer]})
        for answer in RSVP_ANSWERS
    }


def build_message(*, delivery: Delivery):
    """The email for one delivery (see emails.notice_message)."""
    notice = delivery.notice
    wants_answer = notice.kind != Notice.Kind.CANCELLATION
    return emails.notice_message(
        notice=notice,
        member=delivery.member,
        address=delivery.address,
        agenda=agenda_of(notice.meeting),
        rsvp_urls=rsvp_urls(meeting_id=notice.meeting_id, member_id=delivery.member_id)
        if wants_answer
        else None,
    )


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may succeed: 4xx answers, lost or refused connections, time-outs."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # SMTPServerDisconnected, ConnectionRefusedError, TimeoutError, DNS failures.
    return isinstance(error, OSError)


def describe(error: BaseException) -> str:
    """The error as the secretariat sees it: the server's own answer where there is one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for address, (code, message) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        return f"{error.smtp_code} {message}"
    return f"{type(error).__name__}: {error}"


def retry_delay(attempts: int) -> int:
    """Seconds before attempt `attempts + 1`: exponential, capped."""
    return min(settings.NOTICE_RETRY_SECONDS * 2 ** max(attempts - 1, 0), settings.NOTICE_RETRY_MAX_SECONDS)


def claim_delivery(*, delivery_id: int, now: datetime) -> bool:
    """queued -> sending, attempts + 1, in one conditional UPDATE: True for the one caller that wins."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, state=Delivery.State.QUEUED).update(
            state=Delivery.State.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
    )


def deliver(*, delivery_id: int) -> str:
    """Send one delivery if it is still queued; returns its state afterwards ("" if not ours).

    Safe to call any number of times: only the caller whose claim succeeds
    sends. Success marks it sent. A transient error puts it back to queued
    and raises DeliveryDeferred (the task retries it later) until
    NOTICE_MAX_ATTEMPTS attempts, then marks it failed; a permanent error
    (5xx, a malformed address) marks it failed at once, with the error.
    """
    now = timezone.now()
    if not claim_delivery(delivery_id=delivery_id, now=now):
        return ""
    delivery = Delivery.objects.select_related(
        "member", "notice__meeting__host_province", "notice__meeting__chair"
    ).get(pk=delivery_id)
    try:
        build_message(delivery=delivery).send()
    except Exception as error:
        text = describe(error)
        if is_transient(error) and delivery.attempts < settings.NOTICE_MAX_ATTEMPTS:
            countdown = retry_delay(delivery.attempts)
            Delivery.objects.filter(pk=delivery_id, state=Delivery.State.SENDING).update(
                state=Delivery.State.QUEUED, last_error=text, due_at=now + timedelta(seconds=countdown)
            )
            logger.warning("delivery %s deferred %ss: %s", delivery_id, countdown, text)
            raise DeliveryDeferred(countdown=countdown, error=text) from error
        if not isinstance(error, smtplib.SMTPException | OSError | ValueError):
            logger.exception("delivery %s failed unexpectedly", delivery_id)
        else:
            logger.warning("delivery %s failed: %s", delivery_id, text)
        Delivery.objects.filter(pk=delivery_id, state=Delivery.State.SENDING).update(
            state=Delivery.State.FAILED, last_error=text
        )
        finish_notice(notice_id=delivery.notice_id)
        return Delivery.State.FAILED
    # Whatever happened to the row meanwhile (a sweep may have requeued a slow
    # send), the mail is out: record it, which also stops any second copy.
    Delivery.objects.filter(pk=delivery_id).exclude(state=Delivery.State.SENT).update(
        state=Delivery.State.SENT, sent_at=timezone.now(), last_error=""
    )
    finish_notice(notice_id=delivery.notice_id)
    return Delivery.State.SENT


# --- The periodic sweep ---------------------------------------------------------------------------


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
        subject, body = emails.draft_text(
            meeting=meeting, kind=Notice.Kind.REMINDER, agenda=agenda_of(meeting)
        )
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    meeting=meeting,
                    kind=Notice.Kind.REMINDER,
                    subject=subject,
                    body=body,
                    reminder_days=stage,
                )
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


# --- Reading state for the admin ------------------------------------------------------------------


def delivery_counts(notice: Notice) -> dict[str, int]:
    """How many deliveries of `notice` are in each state."""
    counts = dict(notice.deliveries.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in Delivery.State.values}


# --- RSVP -----------------------------------------------------------------------------------------


@dataclass
class RsvpInvitee:
    meeting: Meeting
    member: Member
    attendance: Attendance | None


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
