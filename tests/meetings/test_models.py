from meetings.models import Document


def test_a_document_downloads_under_its_number_and_title_without_diacritics():
    document = Document(number="12/BC-HĐ", title="Báo cáo Đà Nẵng", file="documents/x7Qa.PDF")

    assert document.download_name == "12-bc-hd-bao-cao-da-nang.pdf"


def test_a_document_without_number_or_title_letters_downloads_as_tai_lieu():
    document = Document(number="", title="…", file="documents/x7Qa.docx")

    assert document.download_name == "tai-lieu.docx"
