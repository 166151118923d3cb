import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import counter
from .models import DailyVisits

CHART_DAYS = 90
CHART_HEIGHT = 160


def visits_chart(days: list[DailyVisits], *, end: datetime.date) -> dict:
    """Bars of the last CHART_DAYS days (missing days count zero), sized for an SVG."""
    by_day = {row.day: row for row in days}
    dates = [end - datetime.timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]
    peak = max([row.visits for row in days] + [1])
    bars = []
    for index, day in enumerate(dates):
        visits = by_day[day].visits if day in by_day else 0
        height = round(visits / peak * CHART_HEIGHT)
        bars.append(
            {"x": index * 8, "y": CHART_HEIGHT - height, "height": height, "day": day, "visits": visits}
        )
    return {"bars": bars, "width": CHART_DAYS * 8, "height": CHART_HEIGHT, "peak": peak}


@admin.register(DailyVisits)
class DailyVisitsAdmin(admin.ModelAdmin):
    """Read-only: the figures come from the counter, copied daily."""

    list_display = ["day", "visits", "unique_visitors", "updated_at"]
    date_hierarchy = "day"
    change_list_template = "admin/council/dailyvisits/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        days = list(DailyVisits.objects.filter(day__gt=today - datetime.timedelta(days=CHART_DAYS)))
        extra_context = {
            **(extra_context or {}),
            "chart": visits_chart(days, end=today),
            "online": counter.snapshot(),
            "title": _("Thống kê truy cập"),
        }
        return super().changelist_view(request, extra_context=extra_context)
