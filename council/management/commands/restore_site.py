from pathlib import Path

from django.core.management.base import BaseCommand

from council import backup


class Command(BaseCommand):
    help = "Restore an archive written by backup_site into an empty database and MEDIA_ROOT (make restore)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="council-YYYYmmdd-HHMMSS.tar")

    def handle(self, *args, archive: Path, **options) -> None:
        manifest = backup.restore(archive=archive)
        self.stdout.write(self.style.SUCCESS(f"Restored the backup taken at {manifest['taken_at']}."))
