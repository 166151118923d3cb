"""Fixtures and skip rules shared by the whole suite.

Tests that need a real service carry a marker (`postgres`, `redis`, `browser`).
Where the service is absent they are skipped with a reason that starts with
"needs ": `.ci/run`, where every service is present, fails on any such skip.
"""

import shutil

import pytest
import redis
from django.conf import settings
from django.db import connection

CHROMIUM = "/usr/bin/chromium"


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        return bool(redis.Redis.from_url(settings.REDIS_CACHE_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_collection_modifyitems(config, items):
    needs = {
        "postgres": (
            connection.vendor == "postgresql",
            "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
        ),
        "redis": (redis_available(), "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"),
        "browser": (
            shutil.which(CHROMIUM) is not None,
            "needs Chromium: apt-get install chromium chromium-driver",
        ),
    }
    for item in items:
        for marker, (present, reason) in needs.items():
            if marker in item.keywords and not present:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _plain_static_and_private_media(settings, tmp_path):
    """Serve static files without a manifest, and keep uploads in a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_STASH_ROOT = tmp_path / "upload-stash"


@pytest.fixture(autouse=True)
def _closed_breakers():
    """Every test starts with Redis and the database taken as reachable (council.shared.breaker)."""
    from council.shared import breaker

    breaker.redis.reset()
    breaker.database.reset()
    yield
    breaker.redis.reset()
    breaker.database.reset()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no memo of this process (shells, the poll, the counter's snapshot)
    and leaves the cache empty: local memory, or this site's keys in Redis.

    On Redis only keys under CACHE_KEY_PREFIX are deleted (not FLUSHDB), so that
    test runs with different prefixes can share one server.
    """
    from django.core.cache import caches

    from council.shared import held

    held.forget_everything()
    yield
    held.forget_everything()
    if not settings.REDIS_URL:
        for alias in settings.CACHES:
            caches[alias].clear()
        return
    for alias, config in settings.CACHES.items():
        if "redis" not in config["BACKEND"].lower():
            caches[alias].clear()
            continue
        client = redis.Redis.from_url(config["LOCATION"])
        keys = list(client.scan_iter(match=f"{config.get('KEY_PREFIX', '')}:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login()` of a superuser or secretary gives a session verified by a code.

    As if they had typed one: the admin asks them for it (council/two_factor.py), and the
    tests of other things should not each repeat the sign-in. tests/council/test_two_factor.py
    signs in through the form instead.
    """
    from django.test import Client

    from council.two_factor import needs_second_factor

    plain_force_login = Client.force_login

    def force_login(self, user, backend=None):
        plain_force_login(self, user, backend)
        if needs_second_factor(user):
            from django_otp import DEVICE_ID_SESSION_KEY

            from tests.factories import enrol_totp

            session = self.session
            session[DEVICE_ID_SESSION_KEY] = enrol_totp(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def eager_celery():
    """Run Celery tasks inline, as the embedded mode does, even where a broker is configured."""
    from council.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


# --- The demo site, built once per module ------------------------------------------------------
# For sweeps over every model or page (admin round trips, stale forms): a module opts in with
# `pytest.mark.usefixtures("demo_media")` and asks for `demo_site` where it needs the rows.


@pytest.fixture(scope="module")
def site_media(tmp_path_factory):
    """The module's media folder, where the demo's photos and documents are written."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def demo_media(settings, site_media):
    """Each test of the module reads the files of the module's demo site."""
    settings.MEDIA_ROOT = site_media


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, site_media):
    """The demo site, built once for the module in a transaction rolled back at its end.

    Each test runs in a savepoint inside it (pytest-django's django_db), so none sees
    another's changes.
    """
    from django.db import transaction
    from django.test import override_settings

    from tests.admin_forms import load_demo_site

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=site_media), transaction.atomic():
        load_demo_site(site_media)
        yield
        transaction.set_rollback(True)
