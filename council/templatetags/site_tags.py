"""Small template helpers for the site's shell."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from council import i18n
from council.shared import shells, translated
from council.shared.sanitize import clean_html

register = template.Library()

# The main navigation: (URL name, label, matches only the exact path).
NAVIGATION = [
    ("home", _("Trang chủ"), True),
    ("about", _("Giới thiệu"), False),
    ("members:list", _("Thành viên"), False),
    ("meetings:list", _("Phiên họp"), False),
    ("meetings:agreement_list", _("Thỏa thuận hợp tác"), False),
    ("news:list", _("Tin tức"), False),
    ("contact", _("Liên hệ"), False),
]


@lru_cache(maxsize=4)
def _urls(language: str) -> list[str]:
    # Reversed in `language`: the English addresses carry the /en/ prefix.
    return [reverse(name) for name, _label, _exact in NAVIGATION]


def active_item(path: str) -> int | None:
    """Which navigation item the page at `path` belongs to, if any."""
    for index, (url, (_name, _label, exact)) in enumerate(
        zip(_urls(get_language()), NAVIGATION, strict=True)
    ):
        if path == url or (not exact and path.startswith(url)):
            return index
    return None


@lru_cache(maxsize=64)
def _render_navigation(language: str, active: int | None) -> SafeString:
    # The navigation changes only with a deploy, so each process renders each
    # (language, current item) pair once. It carries no per-visitor state.
    items = [
        {"url": url, "label": label, "active": index == active}
        for index, (url, (_name, label, _exact)) in enumerate(zip(_urls(language), NAVIGATION, strict=True))
    ]
    return render_to_string("includes/_navigation.html", {"items": items})


@register.simple_tag(takes_context=True)
def main_navigation(context) -> SafeString:
    """The main navigation list, with the current section marked."""
    return _render_navigation(get_language(), active_item(context["request"].path))


@register.simple_tag(takes_context=True)
def per_visitor(context, template_name: str, guests_alike: bool = False) -> SafeString:
    """Include a part that differs per visitor (a member's account links, the poll, messages).

    Rendered in place, except while a page's shell is being recorded
    (council.shared.shells): then it leaves a hole that each request fills in.
    The part may use only what every request has (request, user,
    csrf_token, csp_nonce, messages; see shells._visitor_context), never
    the view's own context or other context processors' values. `guests_alike`: the
    part is the same for every visitor who is not logged in, so guests'
    shells hold it (shells are kept apart for guests and members).
    """
    if context.get(shells.RECORDING) and not (guests_alike and not context["request"].user.is_authenticated):
        return shells.hole(template_name)
    template = context.template.engine.get_template(template_name)
    with context.push():
        return template.render(context)


@register.filter
def sanitized(html: str) -> SafeString:
    """Staff-written HTML through the allow-list: cleaned on save, and again where it is shown."""
    return SafeString(clean_html(html))


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict[str, str]]:
    """This page in every language (the switch and the hreflang links): code, name, absolute URL."""
    return i18n.language_versions(context["request"])


@register.simple_tag
def lang_of(record, field: str) -> str:
    """` lang="vi"` inside the tag showing `record.<field>` when that text is not in the page's language."""
    shown = translated.shown_language(record, field)
    return format_html(' lang="{}"', shown) if shown != get_language() else ""


@register.inclusion_tag("includes/_untranslated.html")
def untranslated_note(record, fields: str = "title") -> dict:
    """On a page not in Vietnamese, a note when `record` has no version in its language for `fields`."""
    return {"missing": translated.lacks_translation(record, *fields.split(","))}
