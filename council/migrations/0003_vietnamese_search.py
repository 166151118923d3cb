"""PostgreSQL: a text search configuration that ignores Vietnamese diacritics.

PostgreSQL has no Vietnamese configuration: "vietnamese_unaccent" is "simple"
(no stemming, no stop words) with unaccent applied to every word, so "lao cai"
matches "Lào Cai". Nothing happens on other databases (SQLite folds text in
Python, see council.search).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vietnamese_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION vietnamese_unaccent (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION vietnamese_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END $$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS vietnamese_unaccent;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("council", "0002_articles")]

    operations = [migrations.RunPython(create, drop)]
