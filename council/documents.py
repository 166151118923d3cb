"""Checks for uploaded documents: PDF, DOCX, XLSX and PPTX only, judged by content.

A leaf module (imports no app). The file name's extension must agree with what
the bytes are: a PDF starts with "%PDF-" and ends with "%%EOF"; an Office Open
XML file is a ZIP archive with [Content_Types].xml and its main part
(word/document.xml, xl/workbook.xml or ppt/presentation.xml). An HTML page
renamed to .pdf, or any ZIP renamed to .docx, is refused.
"""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .uploads import is_stored

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024

OFFICE_MAIN_PART = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def document_kind(name: str) -> str:
    """The lower-case extension of `name` (".pdf", ".docx", ...)."""
    return PurePath(name).suffix.lower()


def _looks_like_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(upload.size - 2048, 0))
    tail = upload.read()
    return head.lstrip(b"\r\n\t ").startswith(b"%PDF-") and b"%%EOF" in tail


def _looks_like_office(upload, main_part: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or main_part not in names:
                return False
            return archive.testzip() is None  # every member's CRC checks out
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return False


def validate_document(upload) -> None:
    """Raise ValidationError (in Vietnamese) unless `upload` is a real PDF/DOCX/XLSX/PPTX.

    A file already stored (the form saved without a new upload) was checked when it came.
    """
    if is_stored(upload):
        return
    kind = document_kind(upload.name)
    if kind not in CONTENT_TYPES:
        raise ValidationError(_("Chỉ nhận tệp PDF, DOCX, XLSX hoặc PPTX."), code="extension")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s); giới hạn là %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)},
            code="too_large",
        )
    try:
        genuine = (
            _looks_like_pdf(upload) if kind == ".pdf" else _looks_like_office(upload, OFFICE_MAIN_PART[kind])
        )
    finally:
        upload.seek(0)
    if not genuine:
        raise ValidationError(
            _("Nội dung tệp không phải là %(kind)s thật (có thể tệp đã bị đổi đuôi).")
            % {"kind": kind[1:].upper()},
            code="content",
        )
