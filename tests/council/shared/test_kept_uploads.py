"""Every upload field of the admin: limits stated, and the chosen file kept across a form error."""

import datetime
import os
import re
import time

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.forms.widgets import MultiWidget
from django.test import RequestFactory
from django.urls import reverse

from council.demo.meetings import report_pdf
from council.models import Article
from council.shared import kept_uploads
from meetings.models import Agreement, Document, Meeting, Photo
from members.models import Member
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db

KEPT_NOTE = "Tệp đã chọn được giữ lại: {}"


@pytest.fixture
def secretariat(client):
    user = SecretariatFactory()
    client.force_login(user)
    return client


def image(name: str = "anh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes((90, 60)), content_type="image/png")


def pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, report_pdf(), content_type="application/pdf")


def _field_data(bound) -> dict:
    """What a browser would send for one untouched field of a rendered form."""
    field, widget, value = bound.field, bound.field.widget, bound.value()
    if isinstance(field, forms.FileField) or value is None:
        return {}
    if isinstance(widget, MultiWidget):
        parts = widget.decompress(value)
        return {
            f"{bound.html_name}_{i}": sub.format_value(part) or ""
            for i, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True))
        }
    if isinstance(field, forms.BooleanField):
        return {bound.html_name: "on"} if value else {}
    if isinstance(value, list | tuple):
        return {bound.html_name: [str(v) for v in value]}
    return {bound.html_name: widget.format_value(value) or ""}


def form_data(response) -> dict:
    """The admin form on `response` as the browser would post it back unchanged."""
    data = {}
    forms_ = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(name): management[name].value() for name in management.fields}
        forms_ += inline.formset.forms
    for form in forms_:
        for bound in form:
            data |= _field_data(bound)
    return data


def kept_references(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{re.escape(name)}__kept" value="([^"]+)">', html)


def add_inline_row(data: dict, prefix: str, row: dict) -> dict:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data | {f"{prefix}-{index}-{name}": value for name, value in row.items()}


# Each case: the admin page, how to break the form, how to mend it, the upload fields
# filled, and how to read the saved files back.
def article_case():
    ArticleFactory(slug="da-co")
    return {
        "url": reverse("admin:council_article_add"),
        "fill": {"title_vi": "Tin mới", "slug": "da-co", "status": "draft", "cover_framing": "noop"},
        "mend": {"slug": "tin-moi"},
        "files": {"cover": image("bia.png")},
        "saved": lambda: [Article.objects.get(slug="tin-moi").cover.name],
    }


def member_case():
    MemberFactory(slug="da-co")
    return {
        "url": reverse("admin:members_member_add"),
        "fill": {"full_name": "Nguyễn Văn Mới", "slug": "da-co"},
        "mend": {"slug": "nguyen-van-moi"},
        "files": {"photo": image("chan-dung.png")},
        "saved": lambda: [Member.objects.get(slug="nguyen-van-moi").photo.name],
    }


def meeting_case():
    meeting = MeetingFactory(slug="hop")
    return {
        "url": reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        "fill": {"title_vi": ""},
        "mend": {"title_vi": "Phiên họp có ảnh"},
        "rows": [
            ("photos", {"caption": "Toàn cảnh", "order": "0"}),
            ("documents", {"kind": "report", "title": "Báo cáo", "slug": "bao-cao", "order": "0"}),
        ],
        "files": {
            "new_photos": [image("mot.png"), image("hai.png")],
            "photos-0-image": image("toan-canh.png"),
            "documents-0-file": pdf(),
        },
        "saved": lambda: sorted(
            [p.image.name for p in Photo.objects.filter(meeting=meeting)]
            + [d.file.name for d in Document.objects.filter(meeting=meeting)]
        ),
    }


def document_case():
    meeting = MeetingFactory()
    Document.objects.create(meeting=meeting, title="Cũ", slug="bao-cao", file="documents/cu.pdf")
    return {
        "url": reverse("admin:meetings_document_add"),
        "fill": {"meeting": str(meeting.pk), "kind": "report", "title": "Báo cáo", "slug": "bao-cao"},
        "mend": {"slug": "bao-cao-moi"},
        "files": {"file": pdf("bao-cao-moi.pdf")},
        "saved": lambda: [Document.objects.get(slug="bao-cao-moi").file.name],
    }


def agreement_case():
    meeting = MeetingFactory()
    Agreement.objects.create(title="Cũ", slug="da-co", signed_on=datetime.date(2017, 8, 12))
    organisation = MemberFactory().organisation
    return {
        "url": reverse("admin:meetings_agreement_add"),
        "fill": {
            "title_vi": "Thỏa thuận mới",
            "slug": "da-co",
            "signed_on": "12/08/2017",
            "parties": [str(organisation.pk)],
            "meeting": str(meeting.pk),
        },
        "mend": {"slug": "thoa-thuan-moi"},
        "files": {"document": pdf("thoa-thuan.pdf")},
        "saved": lambda: [Agreement.objects.get(slug="thoa-thuan-moi").document.name],
    }


CASES = [article_case, member_case, meeting_case, document_case, agreement_case]


def broken_post(client, case) -> tuple[dict, str]:
    data = form_data(client.get(case["url"]))
    for prefix, row in case.get("rows", []):
        data = add_inline_row(data, prefix, row)
    data |= case["fill"]
    response = client.post(case["url"], data | case["files"])
    assert response.status_code == 200  # the form is shown again, with its error
    return data, response.content.decode()


@pytest.mark.parametrize("make_case", CASES, ids=lambda f: f.__name__)
def test_chosen_files_are_kept_across_a_form_error_and_saved(secretariat, make_case):
    case = make_case()

    data, html = broken_post(secretariat, case)
    kept = {name: kept_references(html, name) for name in case["files"]}
    response = secretariat.post(
        case["url"], data | case["mend"] | {f"{name}__kept": refs for name, refs in kept.items()}
    )

    for name, files in case["files"].items():
        for upload in files if isinstance(files, list) else [files]:
            assert KEPT_NOTE.format(upload.name) in html
        assert len(kept[name]) == (len(files) if isinstance(files, list) else 1)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = case["saved"]()
    assert len(saved) == sum(len(f) if isinstance(f, list) else 1 for f in case["files"].values())
    assert all(name for name in saved)
    assert not any(os.scandir(kept_uploads.settings.UPLOAD_STASH_ROOT))  # nothing left aside


def test_kept_images_are_checked_and_re_encoded_again(secretariat):
    case = article_case()

    data, html = broken_post(secretariat, case)
    secretariat.post(case["url"], data | case["mend"] | {"cover__kept": kept_references(html, "cover")})

    assert Article.objects.get(slug="tin-moi").cover.name.endswith(".jpg")


def test_a_kept_file_can_be_removed(secretariat):
    case = article_case()

    data, html = broken_post(secretariat, case)
    [reference] = kept_references(html, "cover")
    response = secretariat.post(
        case["url"], data | case["mend"] | {"cover__kept": reference, "cover__forget": reference}
    )

    assert response.status_code == 302
    assert Article.objects.get(slug="tin-moi").cover.name == ""


def test_a_new_choice_replaces_the_kept_file(secretariat):
    case = article_case()

    data, html = broken_post(secretariat, case)
    secretariat.post(
        case["url"],
        data | case["mend"] | {"cover__kept": kept_references(html, "cover"), "cover": image("moi-hon.png")},
    )

    assert Article.objects.get(slug="tin-moi").cover.name.startswith("private/news/") is True
    assert "moi-hon" in Article.objects.get(slug="tin-moi").cover.name


def test_a_refused_file_is_not_kept(secretariat):
    case = article_case()
    case["files"] = {"cover": SimpleUploadedFile("gia.png", b"<html>", content_type="image/png")}

    _data, html = broken_post(secretariat, case)

    assert kept_references(html, "cover") == []
    assert "Tệp đã chọn được giữ lại" not in html
    assert 'id="id_cover_error"' in html


def test_a_forged_reference_is_ignored(secretariat, settings):
    secret = settings.UPLOAD_STASH_ROOT / "bi-mat"
    secret.mkdir(parents=True)
    (secret / "x.png").write_bytes(png_bytes())
    case = article_case()
    data = form_data(secretariat.get(case["url"])) | case["fill"] | case["mend"]

    response = secretariat.post(case["url"], data | {"cover__kept": "bi-mat/x.png"})

    assert response.status_code == 302
    assert Article.objects.get(slug="tin-moi").cover.name == ""


def test_files_left_aside_are_deleted_after_a_day(settings):
    reference = kept_uploads.stash(image())
    [entry] = list(settings.UPLOAD_STASH_ROOT.iterdir())
    day_ago = time.time() - kept_uploads.STASH_MAX_AGE - 1
    os.utime(entry, (day_ago, day_ago))

    kept_uploads.forget_stale()

    assert list(settings.UPLOAD_STASH_ROOT.iterdir()) == []
    assert kept_uploads.take_back(reference) is None


def _upload_widgets(model_admin, request):
    """(label, form field) of every upload field of an admin's form and its inlines."""
    found = []
    form = model_admin.get_form(request)
    found += [(f"{model_admin.model.__name__}.{n}", f) for n, f in form.base_fields.items()]
    for inline in model_admin.get_inline_instances(request):
        formset = inline.get_formset(request)
        found += [(f"{inline.model.__name__}.{n}", f) for n, f in formset.form.base_fields.items()]
    return [(label, field) for label, field in found if isinstance(field, forms.FileField)]


def test_every_upload_field_of_the_admin_states_and_checks_its_limits():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    fields = []
    for model_admin in admin.site._registry.values():
        fields += _upload_widgets(model_admin, request)
    labels = sorted(label for label, _field in fields)

    assert labels == [
        "Agreement.document",
        "Article.cover",
        "Document.file",
        "Document.file",
        "Meeting.new_photos",
        "Member.photo",
        "Photo.image",
    ]
    for label, field in fields:
        widget = field.widget
        assert isinstance(widget, kept_uploads.KeptFileInput), label
        assert widget.keep is True, label
        html = widget.render("f", None, attrs={"id": "id_f"})
        expected = (
            kept_uploads.IMAGE_LIMITS if "image" in widget.limits.accept else kept_uploads.DOCUMENT_LIMITS
        )
        assert widget.limits == expected, label
        assert f'data-max-bytes="{expected.max_bytes}"' in html, label
        assert str(expected.note()) in html, label
        assert "js/admin-uploads.js" in str(widget.media), label


def test_limits_are_stated_in_vietnamese():
    assert (
        kept_uploads.IMAGE_LIMITS.note()
        == "Ảnh JPEG, PNG, WebP hoặc GIF; tối đa 10,0\u00a0MB và 40 triệu điểm ảnh."
    )
    assert kept_uploads.DOCUMENT_LIMITS.note() == "Tệp PDF, DOCX, XLSX hoặc PPTX; tối đa 25,0\u00a0MB."


def test_every_model_file_field_is_in_the_admin():
    """A new file field on a model must get an admin (and so the widget above), or be listed here."""
    fields = sorted(
        f"{model.__name__}.{field.name}"
        for model in admin.site._registry
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    )

    assert fields == ["Agreement.document", "Article.cover", "Document.file", "Member.photo"]
    assert Photo._meta.get_field("image") and Meeting  # Photo is edited as an inline of Meeting
