import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from council.demo.meetings import pdf_of, report_pdf
from council.shared import documents


def office(main_part: str | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if main_part:
            archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


def written_pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


NOT_A_PDF = "Nội dung tệp không phải là PDF thật (có thể tệp đã bị đổi đuôi)."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", report_pdf()),
        ("bao-cao-dai.pdf", written_pdf(pages=40)),
        ("bao-cao-khoa-rong.pdf", written_pdf(password="")),
        ("bao-cao-dau-cach.pdf", b"\r\n" + report_pdf()),
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


@pytest.mark.parametrize(
    "content",
    [
        # The page the first check let through: the two markers and nothing of a PDF.
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
        # A trailer and a startxref, but no catalog behind them.
        b"%PDF-1.4\n<p>trang</p>\nstartxref\n0\n%%EOF\n",
        # A catalog whose page tree is empty.
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n",
        # A well-formed file whose page tree is empty.
        pdf_of(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"),
        # A page tree that loops on itself (it must end quickly, not hang).
        pdf_of(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        ),
        # A real PDF cut short, its end marker put back.
        report_pdf()[:300] + b"\n%%EOF\n",
        # A real PDF with a web page in the bytes a browser sniffs.
        report_pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><body><script>alert(1)</script>\n", 1),
        # A real PDF behind a web page.
        b"<!DOCTYPE html><html>\n" + report_pdf(),
        # Only a password the visitor does not have opens it.
        written_pdf(password="mat-khau"),
        b"",
    ],
    ids=[
        "html-markers",
        "no-catalog",
        "no-pages",
        "empty-tree",
        "cyclic-tree",
        "truncated",
        "html-head",
        "html-first",
        "password",
        "empty",
    ],
)
def test_validate_document_refuses_pdf_polyglots(content):
    with pytest.raises(ValidationError) as error:
        documents.validate_document(SimpleUploadedFile("bao-cao.pdf", content))

    assert error.value.messages == [NOT_A_PDF]
