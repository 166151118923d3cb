"""MAILERS (Django 6.1): SMTP from EMAIL_URL when it is set, the console otherwise."""

CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}


def smtp(email: dict, *, timeout: int) -> dict:
    """`email`: what django-environ's email_url() read from EMAIL_URL."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email["EMAIL_HOST"],
                "port": email["EMAIL_PORT"],
                "username": email["EMAIL_HOST_USER"] or None,
                "password": email["EMAIL_HOST_PASSWORD"] or None,
                "use_tls": bool(email.get("EMAIL_USE_TLS")),
                "use_ssl": bool(email.get("EMAIL_USE_SSL")),
                "timeout": timeout,
            },
        },
    }
