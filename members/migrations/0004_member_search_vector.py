"""The stored search vector, its GIN index on PostgreSQL, and the vectors of existing rows.

The fields searched are written out here (the model's SEARCH_FIELDS may change later).
"""

import django.contrib.postgres.search
from django.db import migrations

from council.shared.textsearch import index_and_fill


class Migration(migrations.Migration):

    dependencies = [
        ('council', '0003_vietnamese_search'),
        ('members', '0003_load_provinces'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        index_and_fill('members', 'Member', {"A": ["full_name"], "B": ["position", "organisation__name", "organisation__province__name"]}),
    ]
