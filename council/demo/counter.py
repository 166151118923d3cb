"""Ninety days of visit figures, so that the staff chart has something to show."""

import datetime
import math

from django.utils import timezone

from council.models import DailyVisits


def load() -> None:
    today = timezone.localdate()
    for offset in range(1, 91):
        day = today - datetime.timedelta(days=offset)
        weekday_dip = 0.55 if day.weekday() >= 5 else 1.0
        visits = round((120 + 40 * math.sin(offset / 6)) * weekday_dip)
        DailyVisits.objects.get_or_create(
            day=day, defaults={"visits": visits, "unique_visitors": round(visits * 0.62)}
        )
