"""Slugs not yet taken: "hop-hoi-dong", then "hop-hoi-dong-2", "hop-hoi-dong-3"..."""

from django.db import models

from .text import vietnamese_slug


def unique_slug(text: str, model: type[models.Model], *, fallback: str) -> str:
    """A slug for `text` (diacritics dropped, đ → d) that no row of `model` uses yet.

    `fallback` stands in when `text` leaves nothing (only punctuation, say).
    """
    base = vietnamese_slug(text) or fallback
    slug, number = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
