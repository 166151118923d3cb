"""The figures an operator watches, on the admin's front page (templates/admin/index.html)."""

from datetime import datetime, time

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from meetings.models import Delivery
from polls.models import Vote

register = template.Library()


def start_of_today() -> datetime:
    """Midnight at the beginning of today, in the site's time zone."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


@register.simple_tag
def operator_counters() -> dict[str, int]:
    """Deliveries waiting, being sent and failed, and today's votes: two queries."""
    State = Delivery.State
    counts = Delivery.objects.aggregate(
        queued=Count("pk", filter=Q(state=State.QUEUED)),
        sending=Count("pk", filter=Q(state=State.SENDING)),
        failed=Count("pk", filter=Q(state=State.FAILED)),
    )
    counts["votes_today"] = Vote.objects.filter(created_at__gte=start_of_today()).count()
    return counts
