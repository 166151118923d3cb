"""What other apps' pages show of meetings, without knowing meetings' fields."""

from django import template

from ..models import Meeting

register = template.Library()


@register.simple_tag
def meetings_attended(member):
    """The public meetings `member` attended, the latest first: `{% meetings_attended member as attended %}`."""
    return Meeting.objects.attended_by(member)
