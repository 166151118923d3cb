"""Queue the reading of every document whose file's text was not read yet (e.g. uploaded before search did)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from meetings import services
from meetings.models import Document


class Command(BaseCommand):
    help = "Read the text of documents for search (those not yet read from their current file)."

    def handle(self, *args, **options) -> None:
        queued = 0
        with transaction.atomic():
            for document in Document.objects.exclude(file="").only("file", "text_of"):
                queued += services.queue_document_text(document=document)
        self.stdout.write(f"{queued} documents queued")
