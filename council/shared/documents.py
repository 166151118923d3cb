"""Checks for uploaded documents: PDF, DOCX, XLSX and PPTX only, judged by content.

A leaf module (imports no app). The file name's extension must agree with what
the bytes are: a PDF must open with pypdf and have at least one page (so an
HTML page that merely starts with "%PDF-" and ends with "%%EOF" is refused); an
Office Open XML file is a ZIP archive with [Content_Types].xml and its main part
(word/document.xml, xl/workbook.xml or ppt/presentation.xml). An HTML page
renamed to .pdf, or any ZIP renamed to .docx, is refused.
"""

import re
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from .uploads import is_stored

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024

# What the WHATWG MIME sniffing standard reads, and the tags it takes for HTML.
HTML_SNIFF_BYTES = 1445
HTML_MARKUP = re.compile(
    rb"<(!doctype|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|svg|!--)[\s>/]",
    re.IGNORECASE,
)

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


def _is_pdf(upload) -> bool:
    """True when pypdf opens `upload` and finds at least one page.

    Lenient parsing (strict=False) accepts the small defects of real office
    PDFs; only the cross-reference table and the page tree are read, never the
    pages' content, so a large file costs little. An encrypted file counts only
    if it opens with the empty password (one that asks for a password is no
    public document). A head that holds HTML markup is refused even when the
    rest parses: browsers sniff the first bytes (up to 1445 of them), and such a
    file is a polyglot made to be read as a web page.
    """
    upload.seek(0)
    head = upload.read(HTML_SNIFF_BYTES)
    if not head.lstrip(b"\r\n\t ").startswith(b"%PDF-") or HTML_MARKUP.search(head):
        return False
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return False
        return len(reader.pages) > 0
    except (
        PyPdfError,
        DependencyError,
        OSError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        RecursionError,
    ):
        # pypdf reports most damage as PyPdfError, but a crafted file can reach
        # plain Python errors deep in its parser: each one means "not a PDF".
        return False


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
        genuine = _is_pdf(upload) if kind == ".pdf" else _looks_like_office(upload, OFFICE_MAIN_PART[kind])
    finally:
        upload.seek(0)
    if not genuine:
        raise ValidationError(
            _("Nội dung tệp không phải là %(kind)s thật (có thể tệp đã bị đổi đuôi).")
            % {"kind": kind[1:].upper()},
            code="content",
        )
