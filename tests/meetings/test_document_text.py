"""A document's text read after upload by a Celery task, and found by search with its page."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council import search
from meetings import services
from meetings.models import Document
from tests.council.shared.test_doctext import pdf, word
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PAGES = ["Bao cao tong ket nam 2017", "Ha tang do thi thong minh tai Quang Binh", "Kien nghi gui Bo"]


@pytest.fixture
def meeting():
    return MeetingFactory(title="Phiên họp năm 2017", slug="phien-hop-2017", status="held")


def upload(
    meeting, content: bytes, name: str, *, published: bool = True, title: str = "Báo cáo tổng kết"
) -> Document:
    return Document.objects.create(
        meeting=meeting,
        number="08/HĐCNTT",
        title=title,
        slug=name.partition(".")[0],
        file=ContentFile(content, name=name),
        published=published,
    )


@pytest.fixture
def queued(monkeypatch):
    """The documents whose reading was handed to Celery, and when."""
    from meetings import tasks

    calls = []
    monkeypatch.setattr(tasks.read_document_text, "delay", calls.append)  # tasks inline
    monkeypatch.setattr(tasks.read_document_text, "apply_async", lambda args, **options: calls.extend(args))
    return calls


def test_document_text_is_read_after_commit_by_the_task(
    meeting, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(meeting, pdf(PAGES), "bao-cao.pdf")
        assert Document.objects.get(pk=document.pk).text_status == Document.TextStatus.PENDING

    document.refresh_from_db()
    assert (document.text_status, document.text, document.text_of) == (
        "extracted",
        "\f".join(PAGES),
        document.file.name,
    )


def test_document_text_queued_on_commit_once_per_file(meeting, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(meeting, pdf(PAGES), "bao-cao.pdf")
        assert queued == []
    assert queued == [document.pk]
    services.read_document_text(document_id=document.pk)
    document.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        document.title = "Báo cáo (sửa tiêu đề)"
        document.save()
    assert queued == [document.pk]

    with django_capture_on_commit_callbacks(execute=True):
        document.file = ContentFile(pdf(["Ban moi"]), name="ban-moi.pdf")
        document.save()
    assert queued == [document.pk, document.pk]
    services.read_document_text(document_id=document.pk)
    document.refresh_from_db()
    assert (document.text_status, document.text) == ("extracted", "Ban moi")


def test_read_document_text_is_safe_to_run_again_and_on_missing_rows_or_files(meeting, queued):
    document = upload(meeting, pdf(PAGES), "bao-cao.pdf")

    assert services.read_document_text(document_id=document.pk) == "extracted"
    assert services.read_document_text(document_id=document.pk) == "extracted"
    assert services.read_document_text(document_id=999999) == ""
    Document.objects.filter(pk=document.pk).update(file="documents/khong-con.pdf")
    assert services.read_document_text(document_id=document.pk) == ""
    assert Document.objects.get(pk=document.pk).text == "\f".join(PAGES)


def test_scanned_and_large_documents_get_a_clear_note(
    meeting, eager_celery, django_capture_on_commit_callbacks, settings
):
    settings.DOCUMENT_TEXT_MAX_BYTES = 5000
    with django_capture_on_commit_callbacks(execute=True):
        scanned = upload(meeting, pdf(["", ""]), "ban-quet.pdf", title="Biên bản (bản quét)")
        large = upload(
            meeting, pdf(PAGES) + b"\n" + b"%" * 6000 + b"\n%%EOF\n", "rat-lon.pdf", title="Phụ lục lớn"
        )
    scanned.refresh_from_db()
    large.refresh_from_db()

    assert (scanned.text_status, scanned.get_text_status_display()) == (
        "no_text",
        "Tệp không có lớp chữ (bản quét): chỉ tìm theo tiêu đề",
    )
    assert (large.text_status, large.get_text_status_display()) == (
        "too_large",
        "Tệp quá lớn để đọc nội dung: chỉ tìm theo tiêu đề",
    )
    [hit] = search.search("bien ban")
    assert (
        hit.detail == "Phiên họp: Phiên họp năm 2017 · Tệp không có lớp chữ (bản quét): chỉ tìm theo tiêu đề"
    )


def test_search_finds_a_sentence_of_a_report_with_its_page_and_meeting(
    client, meeting, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(meeting, pdf(PAGES), "bao-cao.pdf")
        upload(meeting, pdf(PAGES), "nhap.pdf", published=False, title="Bản nháp")

    [hit] = search.search("đô thị thông minh")

    assert (hit.kind, hit.title, hit.url) == (
        "Tài liệu",
        "Báo cáo tổng kết",
        "/phien-hop/phien-hop-2017/tai-lieu/bao-cao/",
    )
    assert hit.detail == "Phiên họp: Phiên họp năm 2017 · trang 2"
    assert (
        hit.snippet
        == "Ha tang <mark>do</mark> <mark>thi</mark> <mark>thong</mark> <mark>minh</mark> tai Quang Binh"
    )
    page = client.get(reverse("search"), {"q": "do thi thong minh"}).content.decode()
    assert '<p class="small text-body-secondary mb-0">Phiên họp: Phiên họp năm 2017 · trang 2</p>' in page


def test_search_ignores_diacritics_inside_word_documents(
    meeting, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(meeting, word(["Kế hoạch chuyển đổi số tỉnh Lào Cai"]), "ke-hoach.docx", title="Kế hoạch")

    [hit] = search.search("lao cai")

    assert hit.detail == "Phiên họp: Phiên họp năm 2017"
    assert hit.snippet == "Kế hoạch chuyển đổi số tỉnh <mark>Lào</mark> <mark>Cai</mark> Tỉnh | Quảng Trị"


def test_document_uploaded_in_the_admin_is_read(
    admin_client, meeting, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:meetings_document_add"),
            {
                "meeting": meeting.pk,
                "kind": "report",
                "number": "09/HĐCNTT",
                "title": "Báo cáo",
                "slug": "bao-cao",
                "file": SimpleUploadedFile("bao-cao.pdf", pdf(PAGES), content_type="application/pdf"),
                "published": "on",
                "order": 0,
            },
        )

    assert response.status_code == 302
    assert Document.objects.get().text == "\f".join(PAGES)


def test_command_queues_documents_not_read_yet(meeting, queued, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    read = upload(meeting, pdf(PAGES), "da-doc.pdf")
    services.read_document_text(document_id=read.pk)
    waiting = upload(meeting, pdf(PAGES), "chua-doc.pdf")
    queued.clear()
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("read_document_texts", stdout=out)

    assert (queued, out.getvalue()) == ([waiting.pk], "1 documents queued\n")


def test_upload_survives_a_broker_that_is_down_and_the_sweep_reads_it(
    meeting, monkeypatch, eager_celery, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from meetings import tasks

    def broker_down(*args):
        raise OperationalError("Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.read_document_text, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            document = upload(meeting, pdf(PAGES), "bao-cao.pdf")

    assert Document.objects.get(pk=document.pk).text_status == "pending"
    assert services.sweep_document_texts() == 1
    assert Document.objects.get(pk=document.pk).text == "\f".join(PAGES)
    assert services.sweep_document_texts() == 0


def test_demo_report_sentence_is_found_with_its_meeting_and_page(
    client, eager_celery, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)

    page = client.get(reverse("search"), {"q": "văn bản đầy đủ do Tổ giúp việc lưu giữ"}).content.decode()

    assert ">Báo cáo tình hình triển khai Thông báo số 08/HĐCNTT</a>" in page
    assert (
        '<p class="small text-body-secondary mb-0">Phiên họp: '
        "Phiên họp Hội đồng Giám đốc CNTT khu vực miền Trung – Tây Nguyên năm 2017 · trang 1</p>"
    ) in page
    assert "<mark>van</mark> <mark>ban</mark> <mark>day</mark> <mark>du</mark>" in page
