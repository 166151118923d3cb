"""Checks and re-encoding for uploaded images.

A leaf module: it imports no app, so members, meetings and news all use it.
An upload is refused unless Pillow can fully decode it, it is no larger than
MAX_IMAGE_BYTES and has at most MAX_IMAGE_PIXELS pixels (decompression bombs
stop there, before the pixels are decoded). Accepted images are re-encoded,
which drops anything hidden after or inside the image data (scripts in
comments, polyglot files, EXIF with GPS positions).
"""

import io
import warnings
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .text import vietnamese_slug

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# Stored images are scaled down to fit this box: the pages never need more.
MAX_STORED_SIDE = 2400
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def is_stored(value) -> bool:
    """Whether `value` is a file already kept in storage (a saved model field), not a new upload.

    Model-field validators also run when a form is saved with its stored file
    unchanged: that file was checked when it was uploaded, and it is not open.
    """
    return getattr(value, "_committed", False) is True


def validate_image(upload) -> None:
    """Raise ValidationError (in Vietnamese) unless `upload` is a sane image; stored files pass."""
    if is_stored(upload):
        return
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("Ảnh quá lớn (%(size)s); giới hạn là %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_IMAGE_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    too_many_pixels = ValidationError(
        _("Ảnh có quá nhiều điểm ảnh; giới hạn là %(limit)s triệu.")
        % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns between its pixel limit and twice it: here that is a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_many_pixels
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(_("Chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF."), code="format")
                image.load()  # decode every pixel: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:  # Pillow's own limit
        raise too_many_pixels from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("Tệp tải lên không phải là ảnh hợp lệ."), code="invalid") from error
    finally:
        upload.seek(0)


def reencode_image(upload, *, name: str | None = None) -> ContentFile:
    """A fresh JPEG (or PNG where the image has transparency) of a validated upload.

    Orientation from EXIF is applied, then all metadata is dropped; images
    larger than MAX_STORED_SIDE are scaled down to fit.
    """
    upload.seek(0)
    with Image.open(upload) as source:
        image = ImageOps.exif_transpose(source)
        image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
        has_alpha = image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info)
        buffer = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(buffer, format="PNG", optimize=True)
            suffix = ".png"
        else:
            image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
            suffix = ".jpg"
    stem = PurePath(name or getattr(upload, "name", "") or "image").stem or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}{suffix}")


def clean_image_field(upload):
    """For a form's clean_<field>(): validate a new upload and return it re-encoded.

    An unchanged field (the stored file, no new upload) is returned as it is.
    """
    if not upload or not hasattr(upload, "content_type"):
        return upload
    validate_image(upload)
    return reencode_image(upload)


def store_image(upload, *, folder: str) -> str:
    """Check `upload`, re-encode it and save it under `folder` in the default storage.

    Returns the stored file's name (its URL is default_storage.url(name)); raises
    ValidationError (in Vietnamese) for a file that is not a sane image.
    """
    validate_image(upload)
    image = reencode_image(upload)
    name = PurePath(image.name)
    stem = vietnamese_slug(name.stem) or "anh"  # a plain URL: "Toàn cảnh.png" -> "toan-canh.jpg"
    return default_storage.save(f"{folder.rstrip('/')}/{stem}{name.suffix}", image)
