"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")

application = get_asgi_application()

# Web requests never wait on a silent database for long (council.dbwait).
from council import dbwait  # noqa: E402  (needs the settings configured above)

dbwait.install()
