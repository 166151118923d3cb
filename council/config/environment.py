"""Reading the environment: strict values, and a clear start-up error naming a bad variable."""

import os
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def strict_bool(name: str, *, default: bool) -> bool:
    """A boolean that refuses anything but true/false words (environ's reads typos as False)."""
    value = env.str(name, default=str(default)).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(f"expected one of {sorted(TRUE_WORDS | FALSE_WORDS - {''})}, got {value!r}")


def database_url(name: str, *, default: str) -> dict:
    """A database URL whose scheme Django knows (environ passes unknown ones through)."""
    value = env.str(name, default=default)
    scheme = urlsplit(value).scheme
    if scheme not in environ.Env.DB_SCHEMES:
        raise ValueError(f"unknown database scheme {scheme!r}; use postgres:// or sqlite:///")
    return environ.Env.db_url_config(value)


def reminder_days(name: str, *, default: list[int]) -> list[int]:
    """Days before a meeting for automatic reminders, e.g. "7,1"; empty turns them off."""
    raw = env.str(name, default=",".join(str(day) for day in default))
    days = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(day.isdigit() and int(day) > 0 for day in days):
        raise ValueError(f"expected positive whole days separated by commas, got {raw!r}")
    return sorted({int(day) for day in days}, reverse=True)


def read(name, reader, **kwargs):
    """Read one variable, turning a malformed value into a clear start-up error.

    A variable set to an empty string counts as unset (as in a copied .env.example).
    """
    if "default" in kwargs and not os.environ.get(name, "x").strip():
        return kwargs["default"]
    try:
        return reader(name, **kwargs)
    except (ValueError, environ.ImproperlyConfigured, KeyError) as error:
        raise ImproperlyConfigured(f"Environment variable {name} is invalid: {error}") from error
