"""Settings of the council portal.

Every knob comes from the environment (see `.env.example` and the README), parsed
by django-environ. The defaults are the embedded mode: a SQLite file, Django's
local-memory cache, Celery tasks run inline and mail printed to the console.
Setting `DATABASE_URL` and `REDIS_URL` switches to the production mode.

Every setting is named here; the long parts of one concern are built in
council/config/ (reading the environment, apps and middleware, caches and
Redis, Celery's broker, mail, security headers, logging).
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from council.config import application, mail, security, stores
from council.config.celery import broker_transport_options
from council.config.environment import database_url, env, read, reminder_days, strict_bool
from council.config.logs import logging_config
from council.config.stores import redis_db

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------

DEBUG = read("DJANGO_DEBUG", strict_bool, default=False)
# The fallback key is for the embedded mode only; `check --deploy` rejects it.
SECRET_KEY = read(
    "DJANGO_SECRET_KEY",
    env.str,
    default="django-insecure-embedded-mode-only-set-DJANGO_SECRET_KEY-in-production",
)
ALLOWED_HOSTS = read("DJANGO_ALLOWED_HOSTS", env.list, default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = read("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, default=[])
SITE_URL = read("SITE_URL", env.url, default="http://127.0.0.1:8000").geturl().rstrip("/")

INSTALLED_APPS = application.INSTALLED_APPS
MIDDLEWARE = application.MIDDLEWARE
TEMPLATES = application.templates(BASE_DIR)
ROOT_URLCONF = "council.urls"
WSGI_APPLICATION = "council.wsgi.application"
ASGI_APPLICATION = "council.asgi.application"
SITE_ID = 1

# --- Database ---------------------------------------------------------------

DATABASES = {
    "default": read("DATABASE_URL", database_url, default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = read("DATABASE_CONN_MAX_AGE", env.int, default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# Seconds to wait for a new PostgreSQL connection before the visitor gets the
# maintenance page (libpq counts whole seconds, at least 2).
DATABASE_CONNECT_TIMEOUT = read("DATABASE_CONNECT_TIMEOUT", env.int, default=2)
if IS_POSTGRESQL:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
# Seconds a web request waits for PostgreSQL to answer a query before the visitor
# gets the maintenance page (council.dbwait; 0: no bound). Workers and commands wait as long as needed.
DATABASE_READ_TIMEOUT = read("DATABASE_READ_TIMEOUT", env.float, default=5.0)
# After the database failed to answer, every page is the maintenance page for
# this long without trying it again (council.middleware.DatabaseDownMiddleware).
DATABASE_BREAKER_SECONDS = read("DATABASE_BREAKER_SECONDS", env.float, default=2.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions and the Celery broker on separate databases -------

REDIS_URL = read("REDIS_URL", env.str, default="")
CACHE_KEY_PREFIX = read("CACHE_KEY_PREFIX", env.str, default="council")
# Every Redis connection (cache, sessions, counter, broker) gives up after this
# many seconds of connecting or waiting for an answer...
REDIS_SOCKET_TIMEOUT = read("REDIS_SOCKET_TIMEOUT", env.float, default=0.25)
# ...and after a failure the site stops asking Redis for this long (council.shared.breaker).
REDIS_BREAKER_SECONDS = read("REDIS_BREAKER_SECONDS", env.float, default=5.0)
if REDIS_SOCKET_TIMEOUT <= 0 or REDIS_BREAKER_SECONDS < 0:
    raise ImproperlyConfigured(
        "REDIS_SOCKET_TIMEOUT must be positive and REDIS_BREAKER_SECONDS not negative."
    )
CACHES = stores.caches(REDIS_URL, key_prefix=CACHE_KEY_PREFIX)
REDIS_CACHE_URL = redis_db(REDIS_URL, 0) if REDIS_URL else ""
if REDIS_URL:
    # The cache backend that tells a lost session from a missing one (council.sessions).
    SESSION_ENGINE = "council.sessions"
    SESSION_CACHE_ALIAS = "sessions"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
CELERY_BROKER_URL = redis_db(REDIS_URL, 2) if REDIS_URL else ""

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
CELERY_TASK_TIME_LIMIT = read("CELERY_TASK_TIME_LIMIT", env.int, default=300)
CELERY_TASK_SOFT_TIME_LIMIT = read("CELERY_TASK_SOFT_TIME_LIMIT", env.int, default=240)
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(
    task_time_limit=CELERY_TASK_TIME_LIMIT, socket_timeout=REDIS_SOCKET_TIMEOUT
)
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Mail (Django 6.1 MAILERS) ------------------------------------------------

EMAIL_URL = read("EMAIL_URL", env.str, default="")
MAILERS = (
    mail.smtp(read("EMAIL_URL", env.email_url), timeout=read("EMAIL_TIMEOUT", env.int, default=20))
    if EMAIL_URL
    else mail.CONSOLE
)
DEFAULT_FROM_EMAIL = read(
    "DEFAULT_FROM_EMAIL", env.str, default="Hội đồng Giám đốc CNTT <no-reply@example.org>"
)
SERVER_EMAIL = read("SERVER_EMAIL", env.str, default="no-reply@example.org")
# Server errors are mailed to these addresses (Django's "mail_admins" log handler).
ADMINS = [(a, a) for a in read("DJANGO_ADMINS", env.list, default=[])]

# --- Error reports and error pages ----------------------------------------------------

# Optional error tracking: set to a Sentry DSN to send every server error there too.
SENTRY_DSN = read("SENTRY_DSN", env.str, default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=read("SENTRY_ENVIRONMENT", env.str, default="production"),
        send_default_pii=False,  # no addresses, cookies or user names leave the site
        traces_sample_rate=0.0,
    )
# A form whose CSRF token is missing or stale: a clear Vietnamese page (JSON for the poll's fetch).
CSRF_FAILURE_VIEW = "council.errors.csrf_failure"

# --- Users and login ------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = application.AUTHENTICATION_BACKENDS
AUTH_PASSWORD_VALIDATORS = application.AUTH_PASSWORD_VALIDATORS
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = read("PASSWORD_RESET_TIMEOUT", env.int, default=3 * 24 * 3600)

# Login throttling: failures counted per username and client IP together, so one
# person's typos never lock out a colleague behind the same provincial NAT.
AXES_FAILURE_LIMIT = read("AXES_FAILURE_LIMIT", env.int, default=5)
AXES_COOLOFF_TIME = read("AXES_COOLOFF_MINUTES", env.int, default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "council.shared.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two-factor sign-in to the admin (council/two_factor.py): the name authenticator apps show.
OTP_TOTP_ISSUER = read("OTP_TOTP_ISSUER", env.str, default="Hội đồng CNTT miền Trung – Tây Nguyên")

# Versions of content (django-reversion-compare): a link to another row differs only
# when it points elsewhere, not whenever anything else in the row changed.
REVERSION_COMPARE_FOREIGN_OBJECTS_AS_ID = True

# --- Proxy: the real client IP and HTTPS ----------------------------------------

# The request header that carries the client address when a proxy is in front,
# as Django names it in META (e.g. HTTP_X_FORWARDED_FOR). Empty: REMOTE_ADDR.
CLIENT_IP_HEADER = read("CLIENT_IP_HEADER", env.str, default="")
# How many proxies append to that header; the client is that many from the right.
TRUSTED_PROXY_COUNT = read("TRUSTED_PROXY_COUNT", env.int, default=1)
if read("DJANGO_BEHIND_HTTPS_PROXY", strict_bool, default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Security headers -------------------------------------------------------------

SECURE_SSL_REDIRECT = read("DJANGO_SECURE_SSL_REDIRECT", strict_bool, default=False)
SECURE_HSTS_SECONDS = read("DJANGO_HSTS_SECONDS", env.int, default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = read("DJANGO_SECURE_COOKIES", strict_bool, default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = security.SECURE_CONTENT_TYPE_NOSNIFF
SECURE_REFERRER_POLICY = security.SECURE_REFERRER_POLICY
SECURE_CROSS_ORIGIN_OPENER_POLICY = security.SECURE_CROSS_ORIGIN_OPENER_POLICY
X_FRAME_OPTIONS = security.X_FRAME_OPTIONS
# The Content Security Policy: no inline script or style, scripts only with the page's nonce.
SECURE_CSP = security.SECURE_CSP
PERMISSIONS_POLICY = security.PERMISSIONS_POLICY

# --- Languages, time, formats ---------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
# English content (django-modeltranslation): `title` is stored as `title_vi` and `title_en`;
# reading it gives the page's language, else the Vietnamese, so nothing shows blank.
MODELTRANSLATION_DEFAULT_LANGUAGE = "vi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("vi",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "vi"
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = application.labelled_by_language
# The flat pages' English columns: Django's own app keeps its migrations in site-packages.
MIGRATION_MODULES = {"flatpages": "council.flatpages_migrations"}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["council.formats"]

# --- Static and uploaded files ----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(read("STATIC_ROOT", env.str, default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(read("MEDIA_ROOT", env.str, default=str(BASE_DIR / "media")))
# Hashed, compressed names in production; plain files while developing and testing.
STATIC_MANIFEST = read("DJANGO_STATIC_MANIFEST", strict_bool, default=not DEBUG)
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
SERVE_MEDIA = read("DJANGO_SERVE_MEDIA", strict_bool, default=True)
# Files of records that may be unpublished live under MEDIA_ROOT/private/ and are
# answered by a view that checks publication (council/shared/privatemedia.py). Behind
# nginx, set this to the URL prefix of an `internal` location aliased to
# MEDIA_ROOT/private/ (e.g. /_private_media/): the view then answers with
# X-Accel-Redirect and nginx sends the bytes. Empty: Django streams the file.
PRIVATE_MEDIA_ACCEL_PREFIX = read("PRIVATE_MEDIA_ACCEL_PREFIX", env.str, default="")
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
UPLOAD_STASH_ROOT = Path(read("UPLOAD_STASH_ROOT", env.str, default=str(BASE_DIR / "upload-stash")))

# --- Backups (django-dbbackup, wrapped by `manage.py backup_site` / `restore_site`) ---------

# Where `make backup` writes its archives (one file per run: database and media).
BACKUP_DIR = Path(read("BACKUP_DIR", env.str, default=str(BASE_DIR / "backups")))
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

LOGGING = logging_config(level=read("LOG_LEVEL", env.str, default="INFO"))

# --- The council's public contact details (footer, "Liên hệ") --------------------------------

COUNCIL_CONTACT_EMAIL = read("COUNCIL_CONTACT_EMAIL", env.str, default="hoidong@example.org")
COUNCIL_CONTACT_PHONE = read("COUNCIL_CONTACT_PHONE", env.str, default="")
COUNCIL_CONTACT_ADDRESS = read(
    "COUNCIL_CONTACT_ADDRESS",
    env.str,
    default="Tổ giúp việc Hội đồng, Sở Khoa học và Công nghệ thành phố Huế",
)

# --- Feedback ("Liên hệ – Góp ý", council/feedback.py) ------------------------------------------

# Where new messages are announced; the secretariat answers from the admin.
FEEDBACK_EMAIL = read("FEEDBACK_EMAIL", env.str, default="") or COUNCIL_CONTACT_EMAIL
# Spam kept out without a third-party service: a form sent sooner than this after it was
# shown is refused (people take longer to type), as is one shown longer ago than the maximum.
FEEDBACK_MIN_SECONDS = read("FEEDBACK_MIN_SECONDS", env.int, default=4)
FEEDBACK_MAX_AGE_SECONDS = read("FEEDBACK_MAX_AGE_SECONDS", env.int, default=24 * 3600)
# Messages one client address may send per hour (a provincial network is one NAT: generous).
FEEDBACK_PER_HOUR = read("FEEDBACK_PER_HOUR", env.int, default=10)
# The longest message, in characters.
FEEDBACK_MAX_CHARS = read("FEEDBACK_MAX_CHARS", env.int, default=5000)
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
DOCUMENT_TEXT_MAX_BYTES = read("DOCUMENT_TEXT_MAX_BYTES", env.int, default=15 * 1024 * 1024)
# The most text kept per document (PostgreSQL's text search handles up to about 1 MB).
DOCUMENT_TEXT_MAX_CHARS = read("DOCUMENT_TEXT_MAX_CHARS", env.int, default=200_000)
CELERY_BEAT_SCHEDULE["meetings.sweep_document_texts"] = {
    "task": "meetings.sweep_document_texts",
    "schedule": 600.0,  # documents whose reading was lost (a broker down at upload time)
    "options": {"expires": 600},
}

# --- Meeting notices (meetings/notice_*.py, meetings/tasks.py) ---------------------------------


NOTICE_REMINDER_DAYS = read("NOTICE_REMINDER_DAYS", reminder_days, default=[7, 1])
# Attempts per delivery before a transient error (4xx, lost connection) counts as failed.
NOTICE_MAX_ATTEMPTS = read("NOTICE_MAX_ATTEMPTS", env.int, default=5)
# Backoff between attempts: this many seconds, doubled each time, at most NOTICE_RETRY_MAX_SECONDS
# (kept under the broker's visibility timeout so a waiting retry is not redelivered).
NOTICE_RETRY_SECONDS = read("NOTICE_RETRY_SECONDS", env.int, default=30)
NOTICE_RETRY_MAX_SECONDS = read("NOTICE_RETRY_MAX_SECONDS", env.int, default=300)
# A delivery "sending" for longer than this was lost with its worker and is queued again.
NOTICE_STUCK_SECONDS = read("NOTICE_STUCK_SECONDS", env.int, default=600)
# How often beat runs the sweep (due scheduled notices, reminders, stuck deliveries).
NOTICE_SWEEP_SECONDS = read("NOTICE_SWEEP_SECONDS", env.int, default=60)
# Days an RSVP link in a notice stays valid (it also closes when the meeting starts).
NOTICE_RSVP_DAYS = read("NOTICE_RSVP_DAYS", env.int, default=60)
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
ONLINE_COUNTER_ENABLED = read("ONLINE_COUNTER_ENABLED", strict_bool, default=True)
# How long the computed counts are shared before anyone recomputes them.
ONLINE_COUNTER_READ_SECONDS = read("ONLINE_COUNTER_READ_SECONDS", env.float, default=5.0)
# New guests counted per client address and minute (a client that returns no cookie is
# new on every page); a browser beyond it is counted from its next page.
ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE = read("ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE", env.int, default=20)
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

NEWS_PER_PAGE = read("NEWS_PER_PAGE", env.int, default=10)
# Public pages' shells (council.shared.shells): at most this old when no save announced
# a change (a scheduled article whose time came shows within this many seconds).
PAGE_SHELL_SECONDS = read("PAGE_SHELL_SECONDS", env.int, default=60)
# How often the article views counted in the cache are written to the database.
CELERY_BEAT_SCHEDULE["council.flush_views"] = {
    "task": "council.flush_views",
    "schedule": read("NEWS_VIEWS_FLUSH_SECONDS", env.float, default=300.0),
}

# --- Polls (the visitor poll) -----------------------------------------------------------------

# Vote attempts one client IP may send per minute (the real IP, see CLIENT_IP_HEADER).
# Generous: a provincial network is one NAT, and a voter is never identified by IP.
POLLS_VOTES_PER_MINUTE = read("POLLS_VOTES_PER_MINUTE", env.int, default=30)
if POLLS_VOTES_PER_MINUTE < 1:
    raise ImproperlyConfigured(
        f"Environment variable POLLS_VOTES_PER_MINUTE is invalid: must be at least 1, got {POLLS_VOTES_PER_MINUTE}"
    )
