"""Celery tasks of the site app: thin, and safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import counter, views_count


@shared_task(name="council.copy_visits")
def copy_visits() -> None:
    """Copy yesterday's final and today's running visit figures into the database."""
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=1), today):
        counter.copy_day(day=day)


@shared_task(name="council.flush_views")
def flush_views() -> None:
    """Write the article views counted in the cache to the database."""
    views_count.flush_views()
