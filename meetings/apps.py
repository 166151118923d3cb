from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Phiên họp")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from . import models

        # However a document's file arrives (the admin, its inline, an import, the demo),
        # its text is read for search once it is committed.
        post_save.connect(
            _read_text_of_new_file, sender=models.Document, dispatch_uid="meetings-document-text"
        )

        # The notice services enqueue their delivery task by name (notice_deliver.DELIVER_TASK):
        # register it in every process that sends, not only in the worker.
        from . import tasks  # noqa: F401


def _read_text_of_new_file(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        from . import services

        services.queue_document_text(document=instance)
