"""Small template helpers for the site's shell."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/_nav_item.html", takes_context=True)
def nav_item(context, url: str, label: str, exact: bool = False) -> dict:
    """A navigation link, marked current when the page is at or below `url`."""
    path = context["request"].path
    active = path == url if exact else path.startswith(url)
    return {"url": url, "label": label, "active": active}
