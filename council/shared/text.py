"""Vietnamese text helpers: folding diacritics, slugs. A leaf module."""

import unicodedata

from django.utils.text import slugify


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0] if char.isalpha() else char
    return base.lower() if len(base.lower()) == 1 else base


# Every character below U+3000 (Latin with all of Vietnamese, Greek, Cyrillic...)
# folded once, so that folding long texts (search snippets) is one str.translate.
_BELOW = "\u3000"
_TABLE = {code: _fold_char(chr(code)) for code in range(0x3000) if _fold_char(chr(code)) != chr(code)}


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one: "Lào Cai" -> "lao cai", "Đ" -> "d".

    Each character maps to exactly one character, so positions in the folded
    text are positions in the original (search highlighting relies on it).
    """
    if not text:
        return ""
    if max(text) < _BELOW:
        return text.translate(_TABLE)
    return "".join(_fold_char(char) for char in text)


def vietnamese_slug(text: str) -> str:
    """A URL slug without diacritics: "Họp Hội đồng" -> "hop-hoi-dong"."""
    return slugify(fold(text))
