"""Uploads of records that may be unpublished go under MEDIA_ROOT/private/, with a random token
in the path; the existing files move there (council/privatemedia.py).
"""

import council.shared.privatemedia
import council.shared.uploads
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('council', '0005_article_search_vector'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='cover',
            field=models.ImageField(blank=True, upload_to=council.shared.privatemedia.PrivateUpload('news'), validators=[council.shared.uploads.validate_image], verbose_name='ảnh đại diện'),
        ),
        council.shared.privatemedia.move_into_private('council', 'Article', 'cover', 'news'),
    ]
