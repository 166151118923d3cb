from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Trang và tin tức")

    def ready(self) -> None:
        from . import permissions

        # After every migrate, once all apps' permissions exist (this app is
        # installed last), keep the secretariat group's permissions complete.
        post_migrate.connect(permissions.sync_secretariat_group, sender=self)
