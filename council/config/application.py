"""What the site is made of: its apps, the middleware every request passes, templates, sign-in backends."""

from pathlib import Path

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
    "council.middleware.OnlineCounterMiddleware",
    # django-axes wants to be last: it turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

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


def templates(base_dir: Path) -> list:
    """TEMPLATES: the project's templates/ first, then each app's."""
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [base_dir / "templates"],
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


def labelled_by_language(name, lang):
    """The admin's label of a field's version: "tiêu đề (tiếng Anh)" (django-modeltranslation)."""
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    return format_lazy("{} ({})", name, _("tiếng Anh") if lang == "en" else _("tiếng Việt"))
