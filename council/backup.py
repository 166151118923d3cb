"""One archive per backup: the database dump and the media files, with a manifest.

django-dbbackup does the work (`dbbackup` for the database, with pg_dump's
custom format on PostgreSQL and an SQL dump on SQLite; `mediabackup` for the
files under MEDIA_ROOT); this module packs its two files into one timestamped
`council-YYYYmmdd-HHMMSS.tar` so that an operator copies, keeps and restores
one file. Used by `manage.py backup_site` and `manage.py restore_site`.
"""

import json
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

DATABASE_MEMBER = "database.dump"
MEDIA_MEMBER = "media.tar"
MANIFEST_MEMBER = "manifest.json"


def archive_name(moment: datetime) -> str:
    """The file name of a backup taken at `moment` (local time, sortable)."""
    return f"council-{timezone.localtime(moment):%Y%m%d-%H%M%S}.tar"


def back_up(*, directory: Path, moment: datetime | None = None) -> Path:
    """Write one archive of the database and the media into `directory`; return its path.

    Side effects: creates `directory` if missing and one file in it (written under
    a temporary name, then renamed, so a half-written archive never looks whole).
    """
    moment = moment or timezone.now()
    directory.mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)  # a site with no upload yet
    target = directory / archive_name(moment)
    with tempfile.TemporaryDirectory(prefix="council-backup-") as work:
        work_dir = Path(work)
        call_command("dbbackup", output_path=str(work_dir / DATABASE_MEMBER), verbosity=0)
        call_command("mediabackup", output_path=str(work_dir / MEDIA_MEMBER), verbosity=0)
        manifest = {
            "taken_at": moment.isoformat(),
            "engine": connection.vendor,
            "database": DATABASE_MEMBER,
            "media": MEDIA_MEMBER,
        }
        (work_dir / MANIFEST_MEMBER).write_text(json.dumps(manifest, indent=2) + "\n")
        partial = target.with_suffix(".tar.part")
        with tarfile.open(partial, "w") as archive:
            for member in (MANIFEST_MEMBER, DATABASE_MEMBER, MEDIA_MEMBER):
                archive.add(work_dir / member, arcname=member)
                metadata = work_dir / f"{member}.metadata"
                if metadata.exists():  # dbbackup's note of the engine, checked on restore
                    archive.add(metadata, arcname=metadata.name)
        partial.rename(target)
    return target


def restore(*, archive: Path) -> dict:
    """Load an archive written by back_up() into the configured database and MEDIA_ROOT.

    The database should be empty (a fresh `createdb`, or a new SQLite file): the
    dump recreates every table. Media files are written under MEDIA_ROOT; a file
    already there under the same name is replaced. Returns the manifest.
    Raises CommandError if the archive is not one of ours or is for another engine.
    """
    if not archive.is_file():
        raise CommandError(f"No such archive: {archive}")
    with tempfile.TemporaryDirectory(prefix="council-restore-") as work:
        work_dir = Path(work)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(work_dir, filter="data")
        except tarfile.TarError as error:
            raise CommandError(f"{archive} is not a backup archive: {error}") from error
        manifest_file = work_dir / MANIFEST_MEMBER
        if not manifest_file.exists():
            raise CommandError(f"{archive} has no {MANIFEST_MEMBER}: not written by backup_site")
        manifest = json.loads(manifest_file.read_text())
        if manifest["engine"] != connection.vendor:
            raise CommandError(
                f"{archive} holds a {manifest['engine']} database; DATABASE_URL points to {connection.vendor}"
            )
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        call_command("dbrestore", input_path=str(work_dir / DATABASE_MEMBER), interactive=False, verbosity=0)
        call_command(
            "mediarestore",
            input_path=str(work_dir / MEDIA_MEMBER),
            interactive=False,
            replace=True,
            verbosity=0,
        )
    return manifest
