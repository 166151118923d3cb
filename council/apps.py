from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Trang và tin tức")

    def ready(self) -> None:
        from .shared import csrf_strings, permissions, shells, translated
        from .shared.changes import rows_changed

        # Django's CSRF tokens, drawn in one call to the system's generator (see the module).
        csrf_strings.install()

        # After every migrate, once all apps' permissions exist (this app is
        # installed last), keep the secretariat group's permissions complete.
        post_migrate.connect(permissions.sync_secretariat_group, sender=self)

        # The one invalidation path: any change of anything shown on public pages (a save, a
        # delete, a bulk write through ChangeAnnouncingQuerySet) gives the content a new version.
        signals = {"save": post_save, "delete": post_delete, "m2m": m2m_changed, "rows": rows_changed}
        for name, signal in signals.items():
            signal.connect(shells.content_changed, dispatch_uid=f"council-shells-{name}")

        # English versions (translation.py of each app): the Vietnamese stays in the original columns.
        translated.keep_originals_vietnamese()
