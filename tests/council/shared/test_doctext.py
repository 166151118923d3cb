"""Reading the text of uploaded documents: PDF pages, Word, slides, sheets, and every kind of failure."""

import io

import docx
import pytest
from openpyxl import Workbook
from pptx import Presentation
from pptx.util import Inches

from council.demo.meetings import pdf_of
from council.shared import doctext


def pdf(pages: list[str]) -> bytes:
    """A real PDF with one page per text (ASCII: the built-in fonts have no Vietnamese); "" draws a box only."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for text in pages:
        page_number = len(objects) + 1
        kids.append(b"%d 0 R" % page_number)
        content = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET" if text else "0 0 1 rg 72 72 200 200 re f"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page_number + 1, 3 + 2 * len(pages))
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content.encode("ascii")))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages))
    return pdf_of(*objects)


def word(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Tỉnh", "Quảng Trị"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def slides(texts: list[str]) -> bytes:
    presentation = Presentation()
    for text in texts:
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = text
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def sheets() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Tỉnh", "Số dịch vụ công"])
    workbook.active.append(["Gia Lai", 125])
    workbook.create_sheet("Năm 2018").append(["Kon Tum", 98])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(content: bytes, name: str) -> doctext.Extracted:
    return doctext.extract(io.BytesIO(content), name=name, size=len(content))


def test_extract_pdf_gives_one_part_per_page():
    result = read(pdf(["Bao cao tong ket", "Chuyen doi so cap tinh", "Ket luan"]), "bao-cao.pdf")

    assert (result.status, result.parts) == (
        "extracted",
        ["Bao cao tong ket", "Chuyen doi so cap tinh", "Ket luan"],
    )
    assert result.text == "Bao cao tong ket\fChuyen doi so cap tinh\fKet luan"


def test_extract_scanned_pdf_without_text_is_a_note_not_an_error():
    result = read(pdf(["", ""]), "ban-quet.pdf")

    assert (result.status, result.text) == ("no_text", "\f")


def test_extract_large_file_is_not_read(settings):
    settings.DOCUMENT_TEXT_MAX_BYTES = 100
    content = pdf(["Bao cao"])

    assert read(content, "lon.pdf") == doctext.Extracted("too_large")


def test_extract_damaged_files_are_unreadable():
    assert read(b"%PDF-1.4\nnothing useful\n%%EOF\n", "hong.pdf").status == "unreadable"
    assert read(b"PK\x03\x04 not a zip", "hong.docx").status == "unreadable"
    assert read(b"anything", "ghi-chu.txt").status == "unreadable"


def test_extract_keeps_at_most_the_maximum(settings):
    settings.DOCUMENT_TEXT_MAX_CHARS = 20

    result = read(pdf(["Trang mot dai", "Trang hai cung dai"]), "dai.pdf")

    assert (result.status, result.parts) == ("partial", ["Trang mot dai", "Trang h"])


def test_extract_word_document_with_vietnamese_and_tables():
    result = read(word(["Báo cáo chuyển đổi số", "tỉnh Lào Cai"]), "bao-cao.docx")

    assert (result.status, result.parts) == (
        "extracted",
        ["Báo cáo chuyển đổi số tỉnh Lào Cai Tỉnh | Quảng Trị"],
    )


def test_extract_presentation_gives_one_part_per_slide():
    result = read(slides(["Mở đầu", "Đô thị thông minh Huế"]), "tham-luan.pptx")

    assert (result.status, result.parts) == ("extracted", ["Mở đầu", "Đô thị thông minh Huế"])


def test_extract_workbook_gives_one_part_per_sheet():
    result = read(sheets(), "so-lieu.xlsx")

    assert (result.status, result.parts) == ("extracted", ["Tỉnh Số dịch vụ công Gia Lai 125", "Kon Tum 98"])


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.pptx", "a.xlsx"])
def test_extract_empty_file_is_unreadable(name):
    assert read(b"", name).status == "unreadable"
