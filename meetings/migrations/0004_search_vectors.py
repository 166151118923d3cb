"""The stored search vector, its GIN index on PostgreSQL, and the vectors of existing rows.

The fields searched are written out here (the model's SEARCH_FIELDS may change later).
"""

import django.contrib.postgres.search
from django.db import migrations

from council.shared.textsearch import index_and_fill


class Migration(migrations.Migration):

    dependencies = [
        ('council', '0003_vietnamese_search'),
        ('meetings', '0003_document_and_photo_content_checks'),
    ]

    operations = [
        migrations.AddField(
            model_name='agreement',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='document',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='meeting',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        index_and_fill('meetings', 'Meeting', {"A": ["title"], "B": ["summary", "venue", "host_province__name"], "C": ["body"]}),
        index_and_fill('meetings', 'Document', {"A": ["title"], "B": ["number", "meeting__title"]}),
        index_and_fill('meetings', 'Agreement', {"A": ["title"], "B": ["summary"]}),
    ]
