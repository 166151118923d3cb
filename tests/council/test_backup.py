"""`make backup` / `make restore`: the demo site with new content survives a round trip.

The backup is taken in this process from the test database; the restore runs
`manage.py restore_site` in a subprocess against a new, empty PostgreSQL
database and an empty media folder, and what it finds there is read back the
same way.
"""

import json
import os
import subprocess
import sys
import tarfile
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from council.backup import archive_name
from meetings.models import Meeting, Photo
from polls.models import Poll, Vote
from tests.factories import NoticeFactory, VoteFactory, png_bytes

FIND = """
import json
from pathlib import Path
from django.conf import settings
from meetings.models import Notice, Photo
from polls.models import Vote
photo = Photo.objects.get(caption="Ảnh vừa tải lên")
print(json.dumps({
    "votes": sorted(Vote.objects.values_list("voter_key", flat=True)),
    "notices": list(Notice.objects.values_list("subject", flat=True)),
    "photo": photo.image.name,
    "photo_bytes": (Path(settings.MEDIA_ROOT) / photo.image.name).read_bytes().hex(),
    "photos": Photo.objects.count(),
}))
"""


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database: str, media_root) -> str:
    env = {**os.environ, "DATABASE_URL": database_url(database), "MEDIA_ROOT": str(media_root)}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.slow
def test_backup_restores_the_demo_site_with_a_vote_a_notice_and_a_photo(tmp_path, empty_database):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    meeting = Meeting.objects.get(year=2017)
    poll = Poll.objects.filter(choices__isnull=False).first()
    VoteFactory(choice=poll.choices.first(), voter_key="guest:sao-luu")
    NoticeFactory(meeting=meeting, subject="Giấy mời họp (sao lưu)")
    image = png_bytes((30, 20))
    photo = Photo.objects.create(
        meeting=meeting, caption="Ảnh vừa tải lên", order=99, image=ContentFile(image, name="anh-moi.png")
    )
    expected_votes = sorted(Vote.objects.values_list("voter_key", flat=True))
    photos = Photo.objects.count()

    archive = tmp_path / "backups"
    call_command("backup_site", output_dir=archive, stdout=open(os.devnull, "w"))  # noqa: SIM115
    [written] = list(archive.iterdir())
    restored_media = tmp_path / "restored-media"
    manage("restore_site", str(written), database=empty_database, media_root=restored_media)
    found = json.loads(
        manage("shell", "--no-imports", "-c", FIND, database=empty_database, media_root=restored_media)
    )

    assert written.name.startswith("council-") and written.suffix == ".tar"
    with tarfile.open(written) as tar:
        assert sorted(tar.getnames()) == [
            "database.dump",
            "database.dump.metadata",
            "manifest.json",
            "media.tar",
        ]
    assert "guest:sao-luu" in found["votes"]
    assert found["votes"] == expected_votes
    assert found["notices"] == ["Giấy mời họp (sao lưu)"]
    assert found["photo"] == photo.image.name
    assert bytes.fromhex(found["photo_bytes"]) == image
    assert found["photos"] == photos


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    stranger = tmp_path / "council-20260101-000000.tar"
    with tarfile.open(stranger, "w") as tar:
        tar.add(__file__, arcname="notes.txt")

    with pytest.raises(CommandError, match="has no manifest.json"):
        call_command("restore_site", str(stranger))


def test_archive_names_sort_by_local_time():
    from datetime import UTC, datetime

    assert archive_name(datetime(2026, 12, 5, 20, 30, 1, tzinfo=UTC)) == "council-20261206-033001.tar"
