"""The stored search vector, its GIN index on PostgreSQL, and the vectors of existing rows.

The fields searched are written out here (the model's SEARCH_FIELDS may change later).
"""

import django.contrib.postgres.search
from django.db import migrations

from council.shared.textsearch import index_and_fill


class Migration(migrations.Migration):

    dependencies = [
        ('council', '0004_article_cover_framing'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        index_and_fill('council', 'Article', {"A": ["title"], "B": ["summary"], "C": ["body", "source_name", "meeting__host_province__name"]}),
    ]
