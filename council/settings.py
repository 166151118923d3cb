"""Settings of the council portal.

Every knob comes from the environment (see `.env.example` and the README), parsed
by django-environ. The defaults are the embedded mode: a SQLite file, Django's
local-memory cache, Celery tasks run inline and mail printed to the console.
Setting `DATABASE_URL` and `REDIS_URL` switches to the production mode.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

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


def _read(name, reader, **kwargs):
    """Read one variable, turning a malformed value into a clear start-up error.

    A variable set to an empty string counts as unset (as in a copied .env.example).
    """
    if "default" in kwargs and not os.environ.get(name, "x").strip():
        return kwargs["default"]
    try:
        return reader(name, **kwargs)
    except (ValueError, environ.ImproperlyConfigured, KeyError) as error:
        raise ImproperlyConfigured(f"Environment variable {name} is invalid: {error}") from error


# --- Core -------------------------------------------------------------------

DEBUG = _read("DJANGO_DEBUG", strict_bool, default=False)
# The fallback key is for the embedded mode only; `check --deploy` rejects it.
SECRET_KEY = _read(
    "DJANGO_SECRET_KEY",
    env.str,
    default="django-insecure-embedded-mode-only-set-DJANGO_SECRET_KEY-in-production",
)
ALLOWED_HOSTS = _read("DJANGO_ALLOWED_HOSTS", env.list, default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = _read("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, default=[])
SITE_URL = _read("SITE_URL", env.url, default="http://127.0.0.1:8000").geturl().rstrip("/")

INSTALLED_APPS = [
    # English versions of content beside the Vietnamese; it must come before the admin.
    "modeltranslation",
    # django.contrib.admin, with the site that asks staff for a one-time code.
    "council.admin_apps.CouncilAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "sorl.thumbnail",
    "django_prose_editor",
    "django_filters",
    "axes",
    "reversion",
    "reversion_compare",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dbbackup",
    "members",
    "polls",
    "meetings",
    # Last, so that its post_migrate hook sees every other app's permissions.
    "council",
]

MIDDLEWARE = [
    # First: one log line per request, timing everything below (council/logs.py).
    "council.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "council.security.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PostgreSQL down: the maintenance page (503), static files still served above.
    "council.middleware.DatabaseDownMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "council.i18n.UrlLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Redis down: "please sign in again" rather than a silent logout.
    "council.middleware.SessionLostMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "council.middleware.OnlineCounterMiddleware",
    # django-axes wants to be last: it turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "council.urls"
WSGI_APPLICATION = "council.wsgi.application"
ASGI_APPLICATION = "council.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "council.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASES = {
    "default": _read("DATABASE_URL", database_url, default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = _read("DATABASE_CONN_MAX_AGE", env.int, default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# Seconds to wait for a new PostgreSQL connection before the visitor gets the
# maintenance page (libpq counts whole seconds, at least 2).
DATABASE_CONNECT_TIMEOUT = _read("DATABASE_CONNECT_TIMEOUT", env.int, default=2)
if IS_POSTGRESQL:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
# Seconds a web request waits for PostgreSQL to answer a query before the visitor
# gets the maintenance page (council.dbwait; 0: no bound). Workers and commands wait as long as needed.
DATABASE_READ_TIMEOUT = _read("DATABASE_READ_TIMEOUT", env.float, default=5.0)
# After the database failed to answer, every page is the maintenance page for
# this long without trying it again (council.middleware.DatabaseDownMiddleware).
DATABASE_BREAKER_SECONDS = _read("DATABASE_BREAKER_SECONDS", env.float, default=2.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions and the Celery broker on separate databases -------

REDIS_URL = _read("REDIS_URL", env.str, default="")


def redis_db(url: str, offset: int) -> str:
    """The same Redis server as `url`, on its database number plus `offset`.

    REDIS_URL names the first of three consecutive databases: cache, sessions,
    broker (redis://host:6379/0 uses 0, 1 and 2), so that several copies of the
    site can share one server.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, not {url!r}")
    base = parts.path.strip("/") or "0"
    if not base.isdigit():
        raise ImproperlyConfigured(f"REDIS_URL must end with a database number, not {parts.path!r}")
    return urlunsplit(parts._replace(path=f"/{int(base) + offset}"))


CACHE_KEY_PREFIX = _read("CACHE_KEY_PREFIX", env.str, default="council")
# Every Redis connection (cache, sessions, counter, broker) gives up after this
# many seconds of connecting or waiting for an answer...
REDIS_SOCKET_TIMEOUT = _read("REDIS_SOCKET_TIMEOUT", env.float, default=0.25)
# ...and after a failure the site stops asking Redis for this long (council.shared.breaker).
REDIS_BREAKER_SECONDS = _read("REDIS_BREAKER_SECONDS", env.float, default=5.0)
if REDIS_SOCKET_TIMEOUT <= 0 or REDIS_BREAKER_SECONDS < 0:
    raise ImproperlyConfigured(
        "REDIS_SOCKET_TIMEOUT must be positive and REDIS_BREAKER_SECONDS not negative."
    )
if REDIS_URL:
    REDIS_CACHE_URL = redis_db(REDIS_URL, 0)
    CACHES = {
        "default": {
            "BACKEND": "council.shared.cache.PooledRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
        "sessions": {
            "BACKEND": "council.shared.cache.PooledRedisCache",
            "LOCATION": redis_db(REDIS_URL, 1),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
    }
    # The cache backend that tells a lost session from a missing one (council.sessions).
    SESSION_ENGINE = "council.sessions"
    SESSION_CACHE_ALIAS = "sessions"
    CELERY_BROKER_URL = redis_db(REDIS_URL, 2)
else:
    REDIS_CACHE_URL = ""
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    CELERY_BROKER_URL = ""

CACHES["thumbnails"] = (
    {
        "BACKEND": "council.shared.cache.PooledRedisCache",
        # Beside the sessions (database N+1): flushing the page cache leaves it.
        "LOCATION": redis_db(REDIS_URL, 1),
        "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:thumbnails",
        "TIMEOUT": None,
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "thumbnails",
        "TIMEOUT": None,
    }
)

# Rendered template fragments that are the same for every visitor and change
# only with a deploy (the footer): kept in each process, never shared state.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
}

# --- Celery -------------------------------------------------------------------
# Without a broker every task runs inline, in the request that enqueued it.

CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = _read("CELERY_TASK_TIME_LIMIT", env.int, default=300)
CELERY_TASK_SOFT_TIME_LIMIT = _read("CELERY_TASK_SOFT_TIME_LIMIT", env.int, default=240)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # With late acks a task is redelivered if its worker dies; this is how long
    # Redis waits before it does. Longer than the hard time limit.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    # Enqueueing from a web request must not wait on a dead broker (council.shared.breaker.enqueue).
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    # One attempt, no pause, when a producer connects (workers keep their own retry loop).
    "max_retries": 1,
    "interval_start": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Mail (Django 6.1 MAILERS) ------------------------------------------------

EMAIL_URL = _read("EMAIL_URL", env.str, default="")
if EMAIL_URL:
    _mail = _read("EMAIL_URL", env.email_url)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _mail["EMAIL_HOST"],
                "port": _mail["EMAIL_PORT"],
                "username": _mail["EMAIL_HOST_USER"] or None,
                "password": _mail["EMAIL_HOST_PASSWORD"] or None,
                "use_tls": bool(_mail.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_mail.get("EMAIL_USE_SSL")),
                "timeout": _read("EMAIL_TIMEOUT", env.int, default=20),
            },
        },
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = _read(
    "DEFAULT_FROM_EMAIL", env.str, default="Hội đồng Giám đốc CNTT <no-reply@example.org>"
)
SERVER_EMAIL = _read("SERVER_EMAIL", env.str, default="no-reply@example.org")
# Server errors are mailed to these addresses (Django's "mail_admins" log handler).
ADMINS = [(a, a) for a in _read("DJANGO_ADMINS", env.list, default=[])]

# --- Error reports and error pages ----------------------------------------------------

# Optional error tracking: set to a Sentry DSN to send every server error there too.
SENTRY_DSN = _read("SENTRY_DSN", env.str, default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=_read("SENTRY_ENVIRONMENT", env.str, default="production"),
        send_default_pii=False,  # no addresses, cookies or user names leave the site
        traces_sample_rate=0.0,
    )
# A form whose CSRF token is missing or stale: a clear Vietnamese page (JSON for the poll's fetch).
CSRF_FAILURE_VIEW = "council.errors.csrf_failure"

# --- Users and login ------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = _read("PASSWORD_RESET_TIMEOUT", env.int, default=3 * 24 * 3600)

# Login throttling: failures counted per username and client IP together, so one
# person's typos never lock out a colleague behind the same provincial NAT.
AXES_FAILURE_LIMIT = _read("AXES_FAILURE_LIMIT", env.int, default=5)
AXES_COOLOFF_TIME = _read("AXES_COOLOFF_MINUTES", env.int, default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "council.shared.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two-factor sign-in to the admin (council/two_factor.py): the name authenticator apps show.
OTP_TOTP_ISSUER = _read("OTP_TOTP_ISSUER", env.str, default="Hội đồng CNTT miền Trung – Tây Nguyên")

# Versions of content (django-reversion-compare): a link to another row differs only
# when it points elsewhere, not whenever anything else in the row changed.
REVERSION_COMPARE_FOREIGN_OBJECTS_AS_ID = True

# --- Proxy: the real client IP and HTTPS ----------------------------------------

# The request header that carries the client address when a proxy is in front,
# as Django names it in META (e.g. HTTP_X_FORWARDED_FOR). Empty: REMOTE_ADDR.
CLIENT_IP_HEADER = _read("CLIENT_IP_HEADER", env.str, default="")
# How many proxies append to that header; the client is that many from the right.
TRUSTED_PROXY_COUNT = _read("TRUSTED_PROXY_COUNT", env.int, default=1)
if _read("DJANGO_BEHIND_HTTPS_PROXY", strict_bool, default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Security headers -------------------------------------------------------------

SECURE_SSL_REDIRECT = _read("DJANGO_SECURE_SSL_REDIRECT", strict_bool, default=False)
SECURE_HSTS_SECONDS = _read("DJANGO_HSTS_SECONDS", env.int, default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = _read("DJANGO_SECURE_COOKIES", strict_bool, default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Languages, time, formats ---------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
# English content (django-modeltranslation): `title` is stored as `title_vi` and `title_en`;
# reading it gives the page's language, else the Vietnamese, so nothing shows blank.
MODELTRANSLATION_DEFAULT_LANGUAGE = "vi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("vi",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "vi"


def _labelled_by_language(name, lang):
    """The admin's label of a field's version: "tiêu đề (tiếng Anh)"."""
    return format_lazy("{} ({})", name, _("tiếng Anh") if lang == "en" else _("tiếng Việt"))


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _labelled_by_language
# The flat pages' English columns: Django's own app keeps its migrations in site-packages.
MIGRATION_MODULES = {"flatpages": "council.flatpages_migrations"}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["council.formats"]

# --- Static and uploaded files ----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(_read("STATIC_ROOT", env.str, default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_read("MEDIA_ROOT", env.str, default=str(BASE_DIR / "media")))
# Hashed, compressed names in production; plain files while developing and testing.
STATIC_MANIFEST = _read("DJANGO_STATIC_MANIFEST", strict_bool, default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve uploaded files from Django itself (embedded mode, or a small site
# without a front proxy). Behind nginx, let it serve MEDIA_ROOT instead.
SERVE_MEDIA = _read("DJANGO_SERVE_MEDIA", strict_bool, default=True)
# Files of records that may be unpublished live under MEDIA_ROOT/private/ and are
# answered by a view that checks publication (council/shared/privatemedia.py). Behind
# nginx, set this to the URL prefix of an `internal` location aliased to
# MEDIA_ROOT/private/ (e.g. /_private_media/): the view then answers with
# X-Accel-Redirect and nginx sends the bytes. Empty: Django streams the file.
PRIVATE_MEDIA_ACCEL_PREFIX = _read("PRIVATE_MEDIA_ACCEL_PREFIX", env.str, default="")
if PRIVATE_MEDIA_ACCEL_PREFIX and not (
    PRIVATE_MEDIA_ACCEL_PREFIX.startswith("/") and PRIVATE_MEDIA_ACCEL_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        "PRIVATE_MEDIA_ACCEL_PREFIX must start and end with '/', e.g. /_private_media/."
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# Files chosen in an admin form that had an error wait here for the next submission
# (council.shared.kept_uploads); never served. Shared by every web process, like MEDIA_ROOT.
UPLOAD_STASH_ROOT = Path(_read("UPLOAD_STASH_ROOT", env.str, default=str(BASE_DIR / "upload-stash")))

# --- Backups (django-dbbackup, wrapped by `manage.py backup_site` / `restore_site`) ---------

# Where `make backup` writes its archives (one file per run: database and media).
BACKUP_DIR = Path(_read("BACKUP_DIR", env.str, default=str(BASE_DIR / "backups")))
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BACKUP_DIR},
}
# pg_dump's custom format, restored by pg_restore (extensions and search configuration included).
DBBACKUP_CONNECTOR_MAPPING = {"django.db.backends.postgresql": "dbbackup.db.postgresql.PgDumpBinaryConnector"}
DBBACKUP_SEND_EMAIL = False

# --- Forms and thumbnails ---------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
THUMBNAIL_PRESERVE_FORMAT = False
THUMBNAIL_FORMAT = "JPEG"
THUMBNAIL_QUALITY = 82
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
# sorl remembers which thumbnails exist in the database, cached in an alias of
# its own: emptying the page cache does not send every image back to the database.
THUMBNAIL_CACHE = "thumbnails"

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per event: tracebacks too (council/logs.py).
    "formatters": {
        "plain": {
            "()": "council.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"hide_url_secrets": {"()": "council.logs.HideURLSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["hide_url_secrets"]}
    },
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, default="INFO")},
    # django-axes announces its configuration at every start.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- The council's public contact details (footer, "Liên hệ") --------------------------------

COUNCIL_CONTACT_EMAIL = _read("COUNCIL_CONTACT_EMAIL", env.str, default="hoidong@example.org")
COUNCIL_CONTACT_PHONE = _read("COUNCIL_CONTACT_PHONE", env.str, default="")
COUNCIL_CONTACT_ADDRESS = _read(
    "COUNCIL_CONTACT_ADDRESS",
    env.str,
    default="Tổ giúp việc Hội đồng, Sở Khoa học và Công nghệ thành phố Huế",
)

# --- Feedback ("Liên hệ – Góp ý", council/feedback.py) ------------------------------------------

# Where new messages are announced; the secretariat answers from the admin.
FEEDBACK_EMAIL = _read("FEEDBACK_EMAIL", env.str, default="") or COUNCIL_CONTACT_EMAIL
# Spam kept out without a third-party service: a form sent sooner than this after it was
# shown is refused (people take longer to type), as is one shown longer ago than the maximum.
FEEDBACK_MIN_SECONDS = _read("FEEDBACK_MIN_SECONDS", env.int, default=4)
FEEDBACK_MAX_AGE_SECONDS = _read("FEEDBACK_MAX_AGE_SECONDS", env.int, default=24 * 3600)
# Messages one client address may send per hour (a provincial network is one NAT: generous).
FEEDBACK_PER_HOUR = _read("FEEDBACK_PER_HOUR", env.int, default=10)
# The longest message, in characters.
FEEDBACK_MAX_CHARS = _read("FEEDBACK_MAX_CHARS", env.int, default=5000)
if min(FEEDBACK_PER_HOUR, FEEDBACK_MAX_CHARS) < 1 or FEEDBACK_MIN_SECONDS < 0:
    raise ImproperlyConfigured(
        "FEEDBACK_PER_HOUR and FEEDBACK_MAX_CHARS must be positive, FEEDBACK_MIN_SECONDS not negative."
    )
CELERY_BEAT_SCHEDULE["members.sweep_invitations"] = {
    "task": "members.sweep_invitations",
    "schedule": 300.0,  # invitations lost with a task or a broker that was down, every five minutes
    "options": {"expires": 300},
}
CELERY_BEAT_SCHEDULE["council.sweep_feedback"] = {
    "task": "council.sweep_feedback",
    "schedule": 300.0,  # mails lost with a task or a broker that was down, every five minutes
    "options": {"expires": 300},
}

# --- Search inside documents (council/shared/doctext.py, meetings/tasks.py) ---------------------------

# Files larger than this are not read for search (a note says so); their titles still are.
DOCUMENT_TEXT_MAX_BYTES = _read("DOCUMENT_TEXT_MAX_BYTES", env.int, default=15 * 1024 * 1024)
# The most text kept per document (PostgreSQL's text search handles up to about 1 MB).
DOCUMENT_TEXT_MAX_CHARS = _read("DOCUMENT_TEXT_MAX_CHARS", env.int, default=200_000)
CELERY_BEAT_SCHEDULE["meetings.sweep_document_texts"] = {
    "task": "meetings.sweep_document_texts",
    "schedule": 600.0,  # documents whose reading was lost (a broker down at upload time)
    "options": {"expires": 600},
}

# --- Meeting notices (meetings/notice_*.py, meetings/tasks.py) ---------------------------------


def reminder_days(name: str, *, default: list[int]) -> list[int]:
    """Days before a meeting for automatic reminders, e.g. "7,1"; empty turns them off."""
    raw = env.str(name, default=",".join(str(day) for day in default))
    days = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(day.isdigit() and int(day) > 0 for day in days):
        raise ValueError(f"expected positive whole days separated by commas, got {raw!r}")
    return sorted({int(day) for day in days}, reverse=True)


NOTICE_REMINDER_DAYS = _read("NOTICE_REMINDER_DAYS", reminder_days, default=[7, 1])
# Attempts per delivery before a transient error (4xx, lost connection) counts as failed.
NOTICE_MAX_ATTEMPTS = _read("NOTICE_MAX_ATTEMPTS", env.int, default=5)
# Backoff between attempts: this many seconds, doubled each time, at most NOTICE_RETRY_MAX_SECONDS
# (kept under the broker's visibility timeout so a waiting retry is not redelivered).
NOTICE_RETRY_SECONDS = _read("NOTICE_RETRY_SECONDS", env.int, default=30)
NOTICE_RETRY_MAX_SECONDS = _read("NOTICE_RETRY_MAX_SECONDS", env.int, default=300)
# A delivery "sending" for longer than this was lost with its worker and is queued again.
NOTICE_STUCK_SECONDS = _read("NOTICE_STUCK_SECONDS", env.int, default=600)
# How often beat runs the sweep (due scheduled notices, reminders, stuck deliveries).
NOTICE_SWEEP_SECONDS = _read("NOTICE_SWEEP_SECONDS", env.int, default=60)
# Days an RSVP link in a notice stays valid (it also closes when the meeting starts).
NOTICE_RSVP_DAYS = _read("NOTICE_RSVP_DAYS", env.int, default=60)
if min(NOTICE_MAX_ATTEMPTS, NOTICE_RETRY_SECONDS, NOTICE_STUCK_SECONDS, NOTICE_SWEEP_SECONDS) < 1:
    raise ImproperlyConfigured("NOTICE_MAX_ATTEMPTS and the NOTICE_*_SECONDS settings must be positive.")
CELERY_BEAT_SCHEDULE["meetings.sweep_notices"] = {
    "task": "meetings.sweep_notices",
    "schedule": NOTICE_SWEEP_SECONDS,
    # A sweep nobody ran in time is replaced by the next one, not queued up behind it.
    "options": {"expires": NOTICE_SWEEP_SECONDS},
}

# --- The online counter ---------------------------------------------------------------------

# false: the sidebar counter neither counts nor shows (for comparison in bench/).
ONLINE_COUNTER_ENABLED = _read("ONLINE_COUNTER_ENABLED", strict_bool, default=True)
# How long the computed counts are shared before anyone recomputes them.
ONLINE_COUNTER_READ_SECONDS = _read("ONLINE_COUNTER_READ_SECONDS", env.float, default=5.0)
# New guests counted per client address and minute (a client that returns no cookie is
# new on every page); a browser beyond it is counted from its next page.
ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE = _read("ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE", env.int, default=20)
if ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE < 0:
    raise ImproperlyConfigured(
        "Environment variable ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE is invalid: "
        f"must be 0 or more, got {ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE}"
    )
CELERY_BEAT_SCHEDULE["council.copy_visits"] = {
    "task": "council.copy_visits",
    "schedule": 3600.0,  # hourly: today's figures so far, and yesterday's final ones
}

# --- News -----------------------------------------------------------------------------------

NEWS_PER_PAGE = _read("NEWS_PER_PAGE", env.int, default=10)
# Public pages' shells (council.shared.shells): at most this old when no save announced
# a change (a scheduled article whose time came shows within this many seconds).
PAGE_SHELL_SECONDS = _read("PAGE_SHELL_SECONDS", env.int, default=60)
# How often the article views counted in the cache are written to the database.
CELERY_BEAT_SCHEDULE["council.flush_views"] = {
    "task": "council.flush_views",
    "schedule": _read("NEWS_VIEWS_FLUSH_SECONDS", env.float, default=300.0),
}

# --- Polls (the visitor poll) -----------------------------------------------------------------

# Vote attempts one client IP may send per minute (the real IP, see CLIENT_IP_HEADER).
# Generous: a provincial network is one NAT, and a voter is never identified by IP.
POLLS_VOTES_PER_MINUTE = _read("POLLS_VOTES_PER_MINUTE", env.int, default=30)
if POLLS_VOTES_PER_MINUTE < 1:
    raise ImproperlyConfigured(
        f"Environment variable POLLS_VOTES_PER_MINUTE is invalid: must be at least 1, got {POLLS_VOTES_PER_MINUTE}"
    )
