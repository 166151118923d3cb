"""CSRF secrets and masks drawn with one call to the system's random source, not thirty-two.

Django's CSRF protection stays as it is: its middleware, its cookie, its
masking of the secret on every page, its checks. What this changes is how it
draws its random strings of 32 letters and digits (a new browser's secret,
and the mask of every page's token). Django draws them with
`get_random_string`, which asks the operating system for randomness once per
character: some 25 microseconds a string, two strings on a first visit, about
a tenth of the time a public page takes when it is served from its shell.

`random_csrf_string` draws from the same source (`secrets`, the operating
system's generator), the same alphabet and length, in one call. Each random
byte below 248 (four times the 62 characters) gives one character, the byte
modulo 62, so every character is equally likely; a byte of 248 or more is
dropped, never folded in. 48 bytes leave 32 characters with overwhelming
probability (the loop draws again otherwise).

Masking the secret (every page with a form, every visitor) looks each
character up in the alphabet with `str.index`, 64 scans of a 62-character
string; `mask_secret` does the same arithmetic with a table, and its tokens
are unmasked by Django's own code (the tests check both ways).

`install()` puts the two in place of Django's `_get_new_csrf_string` and
`_mask_cipher_secret` (council's AppConfig.ready). Those functions are
private to Django: the tests check that they are still there and still
used, so an upgrade that renames them fails them rather than silently
keeping the slow path.
"""

from __future__ import annotations

import secrets

from django.middleware import csrf

ALPHABET = csrf.CSRF_ALLOWED_CHARS
LENGTH = csrf.CSRF_SECRET_LENGTH
# Bytes at or past this value are dropped: below it each character has exactly four bytes.
_ACCEPTED_BELOW = 256 - 256 % len(ALPHABET)
_CHARACTER_OF_BYTE = bytes(ord(ALPHABET[byte % len(ALPHABET)]) for byte in range(256))
_DROPPED = bytes(range(_ACCEPTED_BELOW, 256))
# Enough bytes that a draw almost never falls short (it would take 17 of 48 bytes dropped).
_DRAW = LENGTH + 16
# The system's generator, named here so that tests can stand in for it without touching `secrets`.
_random_bytes = secrets.token_bytes
_POSITION = {character: position for position, character in enumerate(ALPHABET)}


def random_csrf_string() -> str:
    """LENGTH random characters of ALPHABET, uniformly, from the operating system's generator."""
    while True:
        drawn = _random_bytes(_DRAW).translate(_CHARACTER_OF_BYTE, _DROPPED)
        if len(drawn) >= LENGTH:
            return drawn[:LENGTH].decode("ascii")


def mask_secret(secret: str) -> str:
    """A page's token for `secret`: a new mask, then each character of the secret shifted by the mask's.

    The same arithmetic as Django's _mask_cipher_secret (Django's check unmasks it).
    """
    mask = random_csrf_string()
    size = len(ALPHABET)
    cipher = "".join(
        ALPHABET[(_POSITION[s] + _POSITION[m]) % size] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def install() -> None:
    """Make Django's CSRF middleware draw its secrets and masks here (see the module)."""
    for name in ("_get_new_csrf_string", "_mask_cipher_secret"):
        if not callable(getattr(csrf, name, None)):
            raise RuntimeError(f"django.middleware.csrf.{name} is gone: review council.shared.csrf_strings")
    csrf._get_new_csrf_string = random_csrf_string
    csrf._mask_cipher_secret = mask_secret
