"""The poll block in every page's sidebar."""

from django import template

from polls import caching
from polls.panels import PollPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def poll_sidebar(context) -> str:
    """The featured poll as this visitor sees it, or a note that there is none.

    Costs, on a warm cache: the featured poll and the results fragment from
    the cache, and one indexed query for the visitor's own vote (none for a
    guest who never voted). On a cold cache, one query more: the poll, its
    choices and their counts together.
    """
    request = context.get("request")
    poll, counted = caching.featured_poll()
    panel = None
    # On the poll's own page the main column already shows it.
    on_its_page = poll is not None and _on_the_page_of(poll, context)
    if poll is not None and poll.has_started and request is not None and not on_its_page:
        panel = PollPanel.for_request(poll, request, place="sidebar", counted=counted)
    return caching.sidebar_block(
        panel, request=request, on_its_page=on_its_page, csrf_token=context.get("csrf_token")
    )


def _on_the_page_of(poll, context) -> bool:
    if getattr(context.get("poll"), "pk", None) == poll.pk:
        return True
    # A hole of a page shell has no view context: ask the URL.
    match = getattr(context.get("request"), "resolver_match", None)
    return match is not None and match.view_name == "polls:detail" and match.kwargs.get("slug") == poll.slug


@register.simple_tag(takes_context=True)
def poll_page_panel(context) -> str:
    """The poll on its own page as this visitor sees it: a part of the page that is theirs alone."""
    request = context["request"]
    poll = context.get("poll") or caching.poll_for_page(request.resolver_match.kwargs["slug"])
    if poll is None:
        return ""
    panel = context.get("panel") or PollPanel.for_request(poll, request, place="page")
    return caching.page_block(panel, request=request, csrf_token=context.get("csrf_token"))
