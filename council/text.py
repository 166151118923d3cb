"""Vietnamese text helpers: folding diacritics, slugs. A leaf module."""

import unicodedata

from django.utils.text import slugify


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one: "Lào Cai" -> "lao cai", "Đ" -> "d".

    Each character maps to exactly one character, so positions in the folded
    text are positions in the original (search highlighting relies on it).
    """
    out = []
    for char in text or "":
        if char in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", char)[0] if char.isalpha() else char
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


def vietnamese_slug(text: str) -> str:
    """A URL slug without diacritics: "Họp Hội đồng" -> "hop-hoi-dong"."""
    return slugify(fold(text))
