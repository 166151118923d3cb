"""Files of unpublished records are answered to staff only, under names nobody can guess."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from council import media
from council.demo.meetings import report_pdf
from council.models import Article
from council.shared import privatemedia
from council.shared.privatemedia import PrivateUpload
from meetings.models import Agreement, Document, Meeting, Photo
from tests.factories import ArticleFactory, MeetingFactory, UserFactory, png_bytes

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = {
    ("meetings", "Document", "file"),
    ("meetings", "Agreement", "document"),
    ("meetings", "Photo", "image"),
    ("council", "Article", "cover"),
}
# Members have no publication state: their photos are public files.
PUBLIC_FIELDS = {("members", "Member", "photo")}


def every_file_field():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field


def test_every_file_field_is_classified_and_private_ones_use_private_names():
    found = {(m._meta.app_label, m.__name__, f.name) for m, f in every_file_field()}

    assert found == PRIVATE_FIELDS | PUBLIC_FIELDS
    for model, field in every_file_field():
        if (model._meta.app_label, model.__name__, field.name) in PRIVATE_FIELDS:
            assert field.upload_to == PrivateUpload(field.upload_to.folder)
            assert field.upload_to.folder in media._private_files()


def test_private_upload_names_hold_a_random_token_and_the_uploaded_name():
    first = PrivateUpload("documents")(None, "Báo cáo 08.pdf")
    second = PrivateUpload("documents")(None, "C:\\tai lieu\\Báo cáo 08.pdf")

    pattern = rf"private/documents/{timezone.localdate().year}/[A-Za-z0-9_-]{{22}}/Báo cáo 08\.pdf"
    assert re.fullmatch(pattern, first)
    assert re.fullmatch(pattern, second)
    assert first != second


def records(*, public: bool) -> list:
    """One record for each private field, published (public=True) or not, each holding a file."""
    meeting = MeetingFactory(status=Meeting.Status.HELD if public else Meeting.Status.DRAFT)
    pdf = lambda: ContentFile(report_pdf(), name="bao-cao.pdf")  # noqa: E731
    png = lambda: ContentFile(png_bytes(), name="anh.png")  # noqa: E731
    made = [
        Document.objects.create(meeting=meeting, title="Báo cáo", slug="bao-cao", published=True, file=pdf()),
        Agreement.objects.create(
            title="Thỏa thuận",
            slug=f"tt-{public}",
            signed_on=timezone.localdate(),
            published=public,
            document=pdf(),
        ),
        Photo.objects.create(meeting=meeting, image=png()),
        ArticleFactory(
            status=Article.Status.PUBLISHED if public else Article.Status.DRAFT, cover=png(), category=None
        ),
    ]
    if not public:
        # Published, but not yet: its time has not come.
        made.append(
            ArticleFactory(published_at=timezone.now() + timedelta(days=1), cover=png(), category=None)
        )
        # Unpublished, at a public meeting.
        held = MeetingFactory(status=Meeting.Status.HELD)
        made.append(Document.objects.create(meeting=held, title="Dự thảo", slug="du-thao", file=pdf()))
    return made


def file_of(record):
    return next(getattr(record, f.name) for f in record._meta.get_fields() if isinstance(f, models.FileField))


@pytest.fixture
def visitors(client):
    """Log-in functions for an anonymous visitor, a member (an account, not staff), a staff member."""

    def anonymous():
        client.logout()

    def member():
        client.force_login(UserFactory(username="thanh-vien"))

    def staff():
        client.force_login(UserFactory(username="to-giup-viec", is_staff=True))

    return {"anonymous": anonymous, "member": member, "staff": staff}


def covered(made) -> set:
    return {
        (r._meta.app_label, type(r).__name__, f.name)
        for r in made
        for f in r._meta.get_fields()
        if isinstance(f, models.FileField)
    }


def test_every_file_of_an_unpublished_record_is_a_404_except_to_staff(client, visitors):
    made = records(public=False)
    files = [file_of(record) for record in made]

    assert covered(made) == PRIVATE_FIELDS

    for name in [f.name for f in files]:
        assert name.startswith("private/")
        assert default_storage.exists(name)
    for who in ["anonymous", "member"]:
        visitors[who]()
        for stored in files:
            old_style = "/media/" + stored.name.removeprefix("private/")
            assert (who, client.get(stored.url).status_code) == (who, 404)
            assert (who, client.get(old_style).status_code) == (who, 404)
    visitors["staff"]()
    for stored in files:
        response = client.get(stored.url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == default_storage.open(stored.name).read()


def test_every_file_of_a_published_record_is_served_to_everyone(client, visitors):
    made = records(public=True)
    files = [file_of(record) for record in made]

    assert covered(made) == PRIVATE_FIELDS

    for who in ["anonymous", "member", "staff"]:
        visitors[who]()
        for stored in files:
            response = client.get(stored.url)
            assert (who, stored.url, response.status_code) == (who, stored.url, 200)
            assert b"".join(response.streaming_content) == default_storage.open(stored.name).read()


@pytest.mark.parametrize(
    "path",
    [
        "/media/private/unknown/x.pdf",
        "/media/private/documents/../news/x.png",
        "/media/private/documents/x.pdf",
    ],
)
def test_paths_that_no_record_holds_are_404_even_to_staff(client, path):
    client.force_login(UserFactory(username="to-giup-viec", is_staff=True))

    assert client.get(path).status_code == 404


def test_behind_nginx_the_view_answers_with_x_accel_redirect(client, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private_media/"
    document, *_ = records(public=True)

    response = client.get(document.file.url)
    download = client.get(document.get_absolute_url())

    relative = document.file.name.removeprefix("private/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private_media/" + relative.replace(" ", "%20")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bao-cao.pdf"'
    assert response.content == b""
    assert download["X-Accel-Redirect"] == "/_private_media/" + relative
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'


def test_x_accel_redirect_quotes_the_uploaded_name(client, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private_media/"
    meeting = MeetingFactory(status=Meeting.Status.HELD)
    document = Document.objects.create(
        meeting=meeting,
        title="Báo cáo",
        slug="bao-cao",
        published=True,
        file=ContentFile(report_pdf(), name="Báo cáo 08.pdf"),
    )

    response = client.get(document.file.url)

    token = document.file.name.split("/")[3]
    year = document.file.name.split("/")[2]
    assert (
        response["X-Accel-Redirect"] == f"/_private_media/documents/{year}/{token}/B%C3%A1o_c%C3%A1o_08.pdf"
    )


def test_the_data_migration_moves_existing_files_under_private_names(client):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    document = Document.objects.create(
        meeting=meeting, title="Cũ", slug="cu", published=True, file=ContentFile(report_pdf(), name="x.pdf")
    )
    old = default_storage.save("documents/2017/08-hdcntt.pdf", ContentFile(report_pdf()))
    Document.objects.filter(pk=document.pk).update(file=old)
    missing = Document.objects.create(meeting=meeting, title="Mất", slug="mat", file="documents/2017/mat.pdf")

    privatemedia.move_into_private("meetings", "Document", "file", "documents").code(apps, None)

    document.refresh_from_db()
    missing.refresh_from_db()
    assert re.fullmatch(r"private/documents/2017/[A-Za-z0-9_-]{22}/08-hdcntt\.pdf", document.file.name)
    assert default_storage.open(document.file.name).read() == report_pdf()
    assert not default_storage.exists(old)
    assert client.get("/media/" + old).status_code == 404
    assert client.get(document.file.url).status_code == 404  # the meeting is a draft
    assert missing.file.name == "documents/2017/mat.pdf"
