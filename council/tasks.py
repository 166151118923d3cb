"""Celery tasks of the site app: thin, and safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import counter


@shared_task(name="council.copy_visits")
def copy_visits() -> None:
    """Copy yesterday's final and today's running visit figures into the database."""
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=1), today):
        counter.copy_day(day=day)
