"""The text of uploaded documents (PDF, DOCX, PPTX, XLSX), for search.

A leaf module (imports no app). Reads a file and returns its text part by part
(a PDF's pages, a presentation's slides, a workbook's sheets; a Word document
is one part: it has no fixed pages), or says why there is none: too large to
read, no text layer (a scanned PDF), or unreadable. Never raises for a bad file.
"""

import logging
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings

logger = logging.getLogger(__name__)

# Between parts in the stored text: the page break control character.
PART_BREAK = "\f"


@dataclass
class Extracted:
    status: str  # "extracted", "partial" (cut at the maximum), "no_text", "too_large", "unreadable"
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return PART_BREAK.join(self.parts)


def _pdf_parts(file) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(file)
    return [page.extract_text() or "" for page in reader.pages]


def _docx_parts(file) -> list[str]:
    import docx

    document = docx.Document(file)
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return ["\n".join(lines)]


def _pptx_parts(file) -> list[str]:
    from pptx import Presentation

    slides = []
    for slide in Presentation(file).slides:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        slides.append("\n".join(texts))
    return slides


def _xlsx_parts(file) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(file, read_only=True, data_only=True)
    try:
        return [
            "\n".join(
                " ".join(str(value) for value in row if value is not None)
                for row in sheet.iter_rows(values_only=True)
            )
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


READERS = {".pdf": _pdf_parts, ".docx": _docx_parts, ".pptx": _pptx_parts, ".xlsx": _xlsx_parts}


def extract(file, *, name: str, size: int) -> Extracted:
    """The text of an open binary `file` called `name`, of `size` bytes.

    Files over DOCUMENT_TEXT_MAX_BYTES are not read; the text kept is at most
    DOCUMENT_TEXT_MAX_CHARS (whole parts first, then the part that crosses it, cut).
    """
    reader = READERS.get(PurePath(name).suffix.lower())
    if reader is None:
        return Extracted("unreadable")
    if size > settings.DOCUMENT_TEXT_MAX_BYTES:
        return Extracted("too_large")
    try:
        parts = reader(file)
    except Exception as error:  # the readers raise many kinds for a damaged or encrypted file
        # A note on the document, not a failed task.
        logger.warning("cannot read the text of %s: %s: %s", name, type(error).__name__, error)
        return Extracted("unreadable")
    parts = [" ".join(part.split()) for part in parts]  # one space between words, whatever the layout
    if not any(parts):
        return Extracted("no_text", parts)
    limit, kept, total = settings.DOCUMENT_TEXT_MAX_CHARS, [], 0
    for part in parts:
        if total + len(part) > limit:
            kept.append(part[: limit - total])
            return Extracted("partial", kept)
        kept.append(part)
        total += len(part)
    return Extracted("extracted", kept)
