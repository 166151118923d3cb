from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = _("Thăm dò ý kiến")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the sign-in receiver)
