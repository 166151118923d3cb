from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from council import backup


class Command(BaseCommand):
    help = "Write one timestamped archive of the database and the media files (make backup)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Directory for the archive (default: BACKUP_DIR).",
        )

    def handle(self, *args, output_dir: Path | None, **options) -> None:
        path = backup.back_up(directory=output_dir or Path(settings.BACKUP_DIR))
        self.stdout.write(str(path))
