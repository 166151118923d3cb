"""LOGGING: one line per event on the console, secrets in URLs hidden (council/logs.py)."""


def logging_config(*, level: str) -> dict:
    return {
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
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["hide_url_secrets"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # django-axes announces its configuration at every start.
        "loggers": {"axes": {"level": "WARNING"}},
    }
