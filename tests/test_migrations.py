"""Every migration of the project goes forward and back on PostgreSQL with the demo content in place.

In a new database: migrate, load the demo, then undo our apps' migrations one
at a time, latest first (data migrations must be reversible), then migrate
forward again and load the demo again. The models must then match the
migrations exactly. Runs in a subprocess against its own database, so the
test database is never touched.
"""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OUR_APPS = ["members", "meetings", "polls", "council"]

WALK = """
import io, json
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from council.models import Article
from meetings.models import Meeting
from polls.models import Vote

OURS = set(%(apps)r)
quiet = io.StringIO()
call_command("migrate", verbosity=0)
call_command("load_demo", stdout=quiet)
before = [Article.objects.count(), Meeting.objects.count(), Vote.objects.count()]
# The vote tallies (polls 0003) made for votes already cast: back before them and forward again.
call_command("migrate", "polls", "0002", verbosity=0)
call_command("migrate", "polls", verbosity=0)
from polls.models import Choice
from django.db.models import Count
tallied = sorted(Choice.objects.with_vote_counts().values_list("pk", "vote_count"))
counted = sorted(Choice.objects.annotate(n=Count("votes")).values_list("pk", "n"))
graph = MigrationLoader(connection).graph
ordered = []
for leaf in sorted(graph.leaf_nodes()):
    for key in graph.forwards_plan(leaf):
        if key not in ordered:
            ordered.append(key)
undone = []
for app, name in reversed([key for key in ordered if key[0] in OURS]):
    earlier = sorted(parent[1] for parent in graph.node_map[(app, name)].parents if parent[0] == app)
    call_command("migrate", app, earlier[-1] if earlier else "zero", verbosity=0)
    undone.append(f"{app}.{name}")
call_command("migrate", verbosity=0)
call_command("load_demo", stdout=quiet)
after = [Article.objects.count(), Meeting.objects.count(), Vote.objects.count()]
call_command("makemigrations", check=True, dry_run=True, verbosity=0)
print(json.dumps({"undone": undone, "before": before, "after": after, "tallied": tallied == counted}))
"""


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_migrations_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_migration_goes_back_and_forward_with_the_demo_content(empty_database, tmp_path):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{empty_database}"
    )
    ours = sorted(
        f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        if app in OUR_APPS
    )  # fmt: skip

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", WALK % {"apps": OUR_APPS}],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "media")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    walked = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(walked["undone"]) == ours  # every one of ours, each undone once
    assert walked["before"] == walked["after"]
    assert min(walked["before"]) > 0
    assert walked["tallied"]  # the demo's votes, tallied by the migration that made the tallies
