"""Delivering meeting notices: one email per Delivery row, claimed once, retried while it may succeed.

A worker claims a delivery with one conditional UPDATE (queued -> sending), so
a task that runs twice sends once. Temporary SMTP trouble puts the row back to
"queued" for a retry with backoff; a permanent refusal marks it failed with the
server's answer. A notice is sent once none of its deliveries is left to do.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db.models import Exists, F
from django.utils import timezone

from council.shared.queue import enqueue

from . import emails
from .models import Delivery, Notice
from .notice_compose import agenda_of
from .notice_rsvp import rsvp_urls

logger = logging.getLogger(__name__)

UNFINISHED_DELIVERIES = (Delivery.State.QUEUED, Delivery.State.SENDING)
# The Celery task (meetings/tasks.py) that calls deliver(); enqueued by name, so
# that the services need not import the tasks that import them.
DELIVER_TASK = "meetings.deliver_notice"


@dataclass
class DeliveryDeferred(Exception):
    """A temporary mail error: the delivery is queued again, to be retried in `countdown` seconds."""

    countdown: int
    error: str


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Hand deliveries to Celery; call it on commit only (a rolled-back send enqueues nothing).

    With the broker down nothing waits or fails: the rows stay queued and the
    sweep enqueues them again (requeue_stuck_deliveries).
    """
    task = current_app.tasks[DELIVER_TASK]
    for delivery_id in delivery_ids:
        if not enqueue(task, delivery_id):
            break  # the broker is down: the others would not go either


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


def finish_notice(*, notice_id: int) -> bool:
    """Mark a sending notice sent once none of its deliveries is queued or sending."""
    unfinished = Delivery.objects.filter(notice_id=notice_id, state__in=UNFINISHED_DELIVERIES)
    return bool(
        Notice.objects.filter(pk=notice_id, state=Notice.State.SENDING)
        .exclude(Exists(unfinished))
        .update(state=Notice.State.SENT)
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
