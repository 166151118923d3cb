import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from council import documents
from council.demo.meetings import report_pdf


def office(main_part: str | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if main_part:
            archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", report_pdf()),
        ("bao-cao.docx", office("word/document.xml")),
        ("so-lieu.xlsx", office("xl/workbook.xml")),
        ("trinh-chieu.PPTX", office("ppt/presentation.xml")),
    ],
)
def test_validate_document_accepts_real_documents(name, content):
    documents.validate_document(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "trang.pdf",
            b"<html><script>alert(1)</script></html>",
            "Nội dung tệp không phải là PDF thật (có thể tệp đã bị đổi đuôi).",
        ),
        ("nen.docx", office(None), "Nội dung tệp không phải là DOCX thật (có thể tệp đã bị đổi đuôi)."),
        (
            "bang.xlsx",
            office("word/document.xml"),
            "Nội dung tệp không phải là XLSX thật (có thể tệp đã bị đổi đuôi).",
        ),
        ("vi-rut.exe", b"MZ", "Chỉ nhận tệp PDF, DOCX, XLSX hoặc PPTX."),
        ("trang.html", b"<html>", "Chỉ nhận tệp PDF, DOCX, XLSX hoặc PPTX."),
    ],
)
def test_validate_document_refuses_spoofed_files(name, content, message):
    with pytest.raises(ValidationError) as error:
        documents.validate_document(SimpleUploadedFile(name, content))

    assert error.value.messages == [message]


def test_validate_document_refuses_oversize_files(monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 100)

    with pytest.raises(ValidationError) as error:
        documents.validate_document(SimpleUploadedFile("bao-cao.pdf", report_pdf()))

    assert error.value.code == "too_large"
