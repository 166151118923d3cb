"""Celery tasks of the site app: thin, and safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import article_views, counter, feedback


@shared_task(name="council.copy_visits")
def copy_visits() -> None:
    """Copy yesterday's final and today's running visit figures into the database."""
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=1), today):
        counter.copy_day(day=day)


@shared_task(name="council.flush_views")
def flush_views() -> None:
    """Write the article views counted in the cache to the database."""
    article_views.flush_views()


# Connection trouble and SMTP errors (smtplib's are OSErrors): retried a few times, with backoff.
MAIL_RETRY = {"autoretry_for": (OSError,), "max_retries": 5, "retry_backoff": True, "acks_late": True}


@shared_task(name="council.notify_secretariat", **MAIL_RETRY)
def notify_secretariat(feedback_id: int) -> bool:
    """Mail the secretariat a new feedback message (once)."""
    return feedback.notify_secretariat(feedback_id=feedback_id)


@shared_task(name="council.send_feedback_answer", **MAIL_RETRY)
def send_feedback_answer(feedback_id: int) -> bool:
    """Mail the secretariat's answer to the one who asked (once)."""
    return feedback.send_answer(feedback_id=feedback_id)


@shared_task(name="council.sweep_feedback")
def sweep_feedback() -> dict[str, int]:
    """Beat's periodic job: feedback mails that were due but never went out."""
    return feedback.sweep_feedback()
