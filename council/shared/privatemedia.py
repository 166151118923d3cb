"""Files that are public only once their record is: where they live and how they are answered.

A leaf module (imports no app). Uploads of records that have a publication
state (a meeting's documents and photos, an agreement's text, an article's
cover) are stored under MEDIA_ROOT/private/<folder>/<year>/<random token>/<the
uploaded name>: nobody can guess a path, and the uploaded name is kept for the
download. The web server never serves MEDIA_ROOT/private/ itself: requests for
/media/private/... reach a Django view that checks publication, then answers
with `X-Accel-Redirect: <PRIVATE_MEDIA_ACCEL_PREFIX><path under private/>` when
that setting is set (nginx maps the prefix, an `internal` location, to
MEDIA_ROOT/private/), or streams the file itself (the embedded mode).
"""

import mimetypes
import secrets
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

PRIVATE_PREFIX = "private/"


@deconstructible
class PrivateUpload:
    """An `upload_to`: private/<folder>/<year>/<random token>/<uploaded name>."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        name = PurePosixPath(filename.replace("\\", "/")).name or "tep"
        year = timezone.localdate().year
        return f"{PRIVATE_PREFIX}{self.folder}/{year}/{secrets.token_urlsafe(16)}/{name}"

    def __eq__(self, other) -> bool:
        return isinstance(other, PrivateUpload) and other.folder == self.folder


def file_response(fieldfile, *, filename: str = "", as_attachment: bool = False, content_type: str = ""):
    """The response that sends a stored private file: X-Accel-Redirect behind nginx, else the bytes.

    Raises Http404 when the file is missing from the disk (embedded mode).
    """
    name = fieldfile.name
    filename = filename or PurePosixPath(name).name
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
    if prefix and name.startswith(PRIVATE_PREFIX):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(name.removeprefix(PRIVATE_PREFIX))
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        return response
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("Tệp không còn trên máy chủ.")) from error
    return FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)


def move_into_private(app_label: str, model_name: str, field: str, folder: str):
    """A migration operation: move the field's existing files to private/<folder>/<year>/<token>/<name>.

    A row whose file is missing on disk keeps its name (there is nothing to
    protect). Reversing leaves the files where they are: private names stay valid.
    """
    from django.core.files.storage import default_storage
    from django.db import migrations

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.exclude(**{field: ""}).exclude(**{f"{field}__startswith": PRIVATE_PREFIX})
        for pk, old in rows.values_list("pk", field):
            if not default_storage.exists(old):
                continue
            parts = PurePosixPath(old).parts
            year = parts[1] if len(parts) > 2 and parts[1].isdigit() else str(timezone.localdate().year)
            target = f"{PRIVATE_PREFIX}{folder}/{year}/{secrets.token_urlsafe(16)}/{PurePosixPath(old).name}"
            with default_storage.open(old, "rb") as handle:
                new = default_storage.save(target, handle)
            model._base_manager.filter(pk=pk).update(**{field: new})
            default_storage.delete(old)

    return migrations.RunPython(forward, migrations.RunPython.noop)
