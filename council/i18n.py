"""Vietnamese first: a page's language is its URL's, `/en/...` English, everything else Vietnamese."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import translation


class UrlLanguageMiddleware:
    """Activate the language of the URL's prefix (`/en/`), else LANGUAGE_CODE, for this request only.

    Unlike Django's LocaleMiddleware it reads neither a cookie nor the browser's
    Accept-Language: one address is one page in one language, as search engines
    and shared links need, and the admin (never under `/en/`) stays Vietnamese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Restored afterwards: what runs after the request (a test, the next request) starts Vietnamese.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def language_versions(request: HttpRequest) -> list[dict[str, str]]:
    """The current page in every language: code, name and absolute URL (its query string kept)."""
    here = request.get_full_path()
    return [
        {"code": code, "name": str(name), "url": request.build_absolute_uri(translate_url(here, code))}
        for code, name in settings.LANGUAGES
    ]
