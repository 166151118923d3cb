"""Uploads of records that may be unpublished go under MEDIA_ROOT/private/, with a random token
in the path; the existing files move there (council/privatemedia.py).
"""

import council.shared.documents
import council.shared.privatemedia
import council.shared.uploads
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0004_search_vectors'),
    ]

    operations = [
        migrations.AlterField(
            model_name='agreement',
            name='document',
            field=models.FileField(blank=True, upload_to=council.shared.privatemedia.PrivateUpload('agreements'), validators=[council.shared.documents.validate_document], verbose_name='văn bản'),
        ),
        migrations.AlterField(
            model_name='document',
            name='file',
            field=models.FileField(help_text='PDF, DOCX, XLSX hoặc PPTX, tối đa 25 MB.', upload_to=council.shared.privatemedia.PrivateUpload('documents'), validators=[council.shared.documents.validate_document], verbose_name='tệp'),
        ),
        migrations.AlterField(
            model_name='photo',
            name='image',
            field=models.ImageField(height_field='height', upload_to=council.shared.privatemedia.PrivateUpload('photos'), validators=[council.shared.uploads.validate_image], verbose_name='ảnh', width_field='width'),
        ),
        council.shared.privatemedia.move_into_private('meetings', 'Document', 'file', 'documents'),
        council.shared.privatemedia.move_into_private('meetings', 'Agreement', 'document', 'agreements'),
        council.shared.privatemedia.move_into_private('meetings', 'Photo', 'image', 'photos'),
    ]
