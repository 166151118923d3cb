"""The page shells' contract, for every shell-cached view the URL configuration has.

A shell holds nothing about a visitor: rendered for a guest and two members,
no page carries another visitor's CSRF token, CSP nonce, name or address, and
no kept shell carries any of them. The views are found by walking the URL
resolver, not listed here: a new shell-cached view is checked without
anyone remembering to add it. A hole may use only what every request has
(council.shared.shells._visitor_context): a variable it does not have fails
here instead of rendering as nothing.
"""

import re
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.management import call_command
from django.template import Context
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from council.shared import held, shells
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Values of the query parameters pages read, that the demo's content answers.
SAMPLE = {"page": "1", "q": "hội đồng"}


class UndefinedInHole(Exception):
    """A hole's template asked for a variable its context does not have."""


class StrictContext(Context):
    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            raise UndefinedInHole(f"a hole uses {key!r}, which a hole's context does not have") from None


class RaisingInvalid(str):
    """string_if_invalid that raises: any undefined variable rendered with {{ }} fails the test."""

    def __contains__(self, part):
        return part == "%s"

    def __mod__(self, name):
        raise UndefinedInHole(f"undefined template variable {name!r}")


@pytest.fixture
def strict_holes(monkeypatch, settings):
    plain = shells._visitor_context

    def strict(request, token):
        return StrictContext(plain(request, token).flatten())

    monkeypatch.setattr(shells, "_visitor_context", strict)
    template_settings = [dict(backend, OPTIONS=dict(backend["OPTIONS"])) for backend in settings.TEMPLATES]
    template_settings[0]["OPTIONS"]["string_if_invalid"] = RaisingInvalid("")
    settings.TEMPLATES = template_settings


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def shell_cached_routes() -> dict[type, list[tuple[str, URLPattern]]]:
    """Every view class of the URL configuration that serves pages from shells, with its routes."""
    found: dict[type, list[tuple[str, URLPattern]]] = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if (
            view_class is not None
            and issubclass(view_class, shells.ShellCachedMixin)
            and view_class.shell_cached
        ):
            found.setdefault(view_class, []).append((route, pattern))
    return found


def candidate_urls() -> list[str]:
    """A page of every object that has one (the first few rows of every model), to fill in routes' slugs."""
    urls = []
    for model in apps.get_models():
        if hasattr(model, "get_absolute_url"):
            urls += [row.get_absolute_url() for row in model._default_manager.all()[:3]]
    return urls


def urls_of(view_class, routes) -> list[str]:
    """Real URLs served by `view_class`: its routes without parameters, and objects' pages that resolve to it."""
    urls = ["/" + route for route, pattern in routes if not pattern.pattern.converters and "(?P" not in route]
    for url in candidate_urls():
        try:
            match = resolve(url)
        except Resolver404:
            continue
        if getattr(match.func, "view_class", None) is view_class and url not in urls:
            urls.append(url)
            break
    first = urls[:1]
    # A parameter the page reads, and one it does not, carrying a visitor's address: not to be echoed.
    urls += [
        f"{url}?{urlencode({name: SAMPLE[name]})}"
        for url in first
        for name in view_class.shell_params
        if name in SAMPLE
    ]
    urls += [f"{url}?ref=zetaxa@example.net" for url in first]
    return urls


def visitor(client_class, *, first_name: str, last_name: str, email: str):
    client = client_class()
    user = UserFactory(first_name=first_name, last_name=last_name, email=email, username=email.split("@")[0])
    client.force_login(user)
    return client, {first_name, last_name, email, user.username}


def secrets_of(response) -> set[str]:
    html = response.content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    nonces = re.findall(r'nonce="([^"]+)"', html)
    cookie = response.cookies.get("csrftoken")
    return {*tokens, *nonces, *([cookie.value] if cookie else [])}


def test_every_shell_cached_page_keeps_each_visitor_to_themself(client, strict_holes):
    call_command("load_demo", verbosity=0)
    routes = shell_cached_routes()
    assert len(routes) >= 10, "the resolver walk found too few shell-cached views"
    lan, lan_says = visitor(type(client), first_name="Quỳnh", last_name="Zetaxa", email="zetaxa@example.net")
    minh, minh_says = visitor(type(client), first_name="Khải", last_name="Omegon", email="omegon@example.net")
    guest = client
    unchecked = []
    for view_class, view_routes in routes.items():
        urls = urls_of(view_class, view_routes)
        if not urls:
            unchecked.append(view_class.__name__)
        for url in urls:
            held.forget_everything()  # each URL's shell rendered from its own request
            for _round in range(2):  # rendered into the shell, then served from it
                pages = {name: who.get(url) for name, who in (("guest", guest), ("lan", lan), ("minh", minh))}
                assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(
                    pages, 200
                ), url
                own = {"guest": secrets_of(pages["guest"]), "lan": secrets_of(pages["lan"]) | lan_says}
                own["minh"] = secrets_of(pages["minh"]) | minh_says
                for name, page in pages.items():
                    html = page.content.decode()
                    leaked = {s for other, says in own.items() if other != name for s in says if s in html}
                    assert leaked == set(), f"{url} for {name} shows {leaked}"
            kept = [shells.as_text(shell) for _until, (shell, _note) in shells._kept._entries.values()]
            everyone = set().union(*own.values())
            assert {s for s in everyone for shell in kept if s in shell} == set(), url
    assert unchecked == [], f"no page found for {unchecked}: give the demo content one"
