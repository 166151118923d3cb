"""Upload fields of the admin: their limits stated and checked before upload, and kept across a form error.

Browsers never send a file again: after a form error (a slug already taken, a
missing title) every chosen file had to be picked again, and nothing said so.
Here a file that passed its own checks is put aside on the server under a
random name (UPLOAD_STASH_ROOT, outside MEDIA_ROOT), the form carries a signed
reference to it, and the next submission takes it back, unless the secretary
removes it or chooses another file. Put-aside files older than
STASH_MAX_AGE are deleted whenever another one is put aside.

Every upload field of the admin uses `KeptFileInput` through `UploadsAdminMixin`
(for model fields) or directly (for form-only fields): it states the limits
beside the field and `static/js/admin-uploads.js` checks them in the browser.
The server checks everything again (council.shared.uploads, council.shared.documents).
"""

import dataclasses
import secrets
import shutil
import time
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from . import documents, uploads

STASH_SALT = "council.kept_uploads"  # the module's former path, kept: a new salt voids signed stashes
STASH_MAX_AGE = 24 * 60 * 60


@dataclasses.dataclass(frozen=True)
class UploadLimits:
    """What an upload field accepts: stated beside it and checked in the browser."""

    max_bytes: int
    accept: str  # the <input accept> list
    kinds: str  # the accepted kinds, in words
    max_pixels: int | None = None

    def note(self) -> str:
        if self.max_pixels:
            return _("%(kinds)s; tối đa %(size)s và %(pixels)s triệu điểm ảnh.") % {
                "kinds": self.kinds,
                "size": filesizeformat(self.max_bytes),
                "pixels": self.max_pixels // 1_000_000,
            }
        return _("%(kinds)s; tối đa %(size)s.") % {
            "kinds": self.kinds,
            "size": filesizeformat(self.max_bytes),
        }


IMAGE_LIMITS = UploadLimits(
    max_bytes=uploads.MAX_IMAGE_BYTES,
    max_pixels=uploads.MAX_IMAGE_PIXELS,
    accept="image/jpeg,image/png,image/webp,image/gif",
    kinds=_("Ảnh JPEG, PNG, WebP hoặc GIF"),
)
DOCUMENT_LIMITS = UploadLimits(
    max_bytes=documents.MAX_DOCUMENT_BYTES,
    accept=",".join(sorted(documents.CONTENT_TYPES)),
    kinds=_("Tệp PDF, DOCX, XLSX hoặc PPTX"),
)


def _storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.UPLOAD_STASH_ROOT)


def forget_stale(*, max_age: int = STASH_MAX_AGE) -> None:
    """Delete put-aside files older than `max_age` seconds (forms left without saving)."""
    root = Path(settings.UPLOAD_STASH_ROOT)
    if not root.is_dir():
        return
    oldest = time.time() - max_age
    for entry in root.iterdir():
        if entry.is_dir() and entry.stat().st_mtime < oldest:
            shutil.rmtree(entry, ignore_errors=True)


def stash(upload: UploadedFile) -> str:
    """Put `upload` aside; return the signed reference that takes it back (see `take_back`)."""
    forget_stale()
    token = secrets.token_urlsafe(24)
    name = get_valid_filename(PurePath(upload.name or "tep").name) or "tep"
    upload.seek(0)
    path = _storage().save(f"{token}/{name}", upload)
    upload.seek(0)
    return signing.dumps(
        {"path": path, "name": upload.name, "type": upload.content_type or ""}, salt=STASH_SALT
    )


def take_back(reference: str) -> SimpleUploadedFile | None:
    """The file put aside under `reference`, and its copy on disk deleted; None if unknown or expired."""
    try:
        kept = signing.loads(reference, salt=STASH_SALT, max_age=STASH_MAX_AGE)
    except signing.BadSignature:
        return None
    storage = _storage()
    try:
        with storage.open(kept["path"]) as file:
            content = file.read()
    except (OSError, KeyError):
        return None
    shutil.rmtree(Path(storage.path(kept["path"])).parent, ignore_errors=True)
    return SimpleUploadedFile(kept["name"], content, content_type=kept["type"] or None)


def _as_list(value) -> list:
    if isinstance(value, list | tuple):
        return list(value)
    return [value] if value else []


class KeptFileInput(AdminFileWidget):
    """The admin's file input, with its limits stated and the chosen file kept across a form error."""

    template_name = "admin/widgets/kept_file_input.html"

    class Media:
        js = ["js/admin-uploads.js"]

    def __init__(self, attrs=None, *, limits: UploadLimits | None = None, keep: bool = True):
        self.limits = limits
        self.keep = keep
        super().__init__(attrs)
        self._taken_back = {}
        self._chosen = {}

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy._taken_back, copy._chosen = {}, {}  # each form's own
        return copy

    def _render(self, template_name, context, renderer=None):
        # The project's template engine: the form renderer's does not search templates/.
        return mark_safe(render_to_string(template_name, context))

    def kept_name(self, name: str) -> str:
        return f"{name}__kept"

    def forget_name(self, name: str) -> str:
        return f"{name}__forget"

    def _kept(self, data, name: str) -> list:
        """The files put aside by the last submission that the secretary did not remove."""
        forget = set(data.getlist(self.forget_name(name))) if hasattr(data, "getlist") else set()
        references = data.getlist(self.kept_name(name)) if hasattr(data, "getlist") else []
        files = []
        for reference in references:
            if reference in forget:
                take_back(reference)  # deletes the copy on disk
                continue
            # value_from_datadict runs several times a request: take each file back once
            if reference not in self._taken_back:
                self._taken_back[reference] = take_back(reference)
            if self._taken_back[reference] is not None:
                files.append(self._taken_back[reference])
        return files

    def value_from_datadict(self, data, files, name):
        chosen = super().value_from_datadict(data, files, name)
        if self.allow_multiple_selected:
            chosen = [*_as_list(chosen), *self._kept(data, name)]
        elif chosen is None:
            chosen = next(iter(self._kept(data, name)), None)
        # Rendering gets the stored file as its value (FileField.bound_data): remember the new ones.
        self._chosen[name] = [f for f in _as_list(chosen) if isinstance(f, UploadedFile)]
        return chosen

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and self.kept_name(name) not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        # A new file is kept only if it passed its own checks (the field has no error).
        chosen = self._chosen.get(name, [])
        if not self.keep or widget["attrs"].get("aria-invalid") == "true":
            chosen = []
        widget["kept"] = [{"name": f.name, "reference": stash(f)} for f in chosen]
        widget["kept_name"] = self.kept_name(name)
        widget["forget_name"] = self.forget_name(name)
        if widget["kept"] and not self.allow_multiple_selected:
            widget["is_initial"] = False  # the kept file, not the stored one, is what will be saved
        if widget["is_initial"]:
            widget["stored_name"] = PurePath(str(value)).name  # its name, not the storage's folders
        if self.limits:
            widget["limits_note"] = self.limits.note()
            widget["attrs"]["accept"] = self.limits.accept
            widget["attrs"]["data-max-bytes"] = self.limits.max_bytes
            if self.limits.max_pixels:
                widget["attrs"]["data-max-pixels"] = self.limits.max_pixels
            widget["attrs"]["data-too-large"] = _("“%(name)s” quá lớn (%(size)s); giới hạn là %(limit)s.") % {
                "name": "{name}",
                "size": "{size}",
                "limit": filesizeformat(self.limits.max_bytes),
            }
            widget["attrs"]["data-too-many-pixels"] = _(
                "“%(name)s” có quá nhiều điểm ảnh (%(pixels)s triệu); giới hạn là %(limit)s triệu."
            ) % {"name": "{name}", "pixels": "{pixels}", "limit": (self.limits.max_pixels or 0) // 1_000_000}
            widget["attrs"]["data-not-image"] = _("“%(name)s” không phải là ảnh đọc được.") % {
                "name": "{name}"
            }
        return context


class KeptMultipleFileInput(KeptFileInput):
    allow_multiple_selected = True


def limits_for(db_field: models.FileField) -> UploadLimits:
    """The limits of a model's file field: an image, or a document checked by council.shared.documents."""
    return IMAGE_LIMITS if isinstance(db_field, models.ImageField) else DOCUMENT_LIMITS


class UploadsAdminMixin:
    """For ModelAdmin and inlines: every file field gets KeptFileInput with its limits.

    The limits note replaces the model field's help text (which said the same).
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.FileField):
            kwargs["widget"] = KeptFileInput(limits=limits_for(db_field))
            kwargs["help_text"] = ""
        return super().formfield_for_dbfield(db_field, request, **kwargs)
