"""WSGI entry point, for gunicorn: `gunicorn council.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")

application = get_wsgi_application()

# Web requests never wait on a silent database for long (council.dbwait).
from council import dbwait  # noqa: E402  (needs the settings configured above)

dbwait.install()
