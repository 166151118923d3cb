"""Every admin save is a version: who and when, two versions compared, an old one restored, a deleted
article recovered."""

import html
import re

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from council.models import Article
from meetings.models import Meeting
from tests.admin_forms import form_fields
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    MeetingFactory,
    ProvinceFactory,
    SecretariatFactory,
    UserFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(client):
    user = SecretariatFactory(username="thu-ky", first_name="Thư", last_name="Ký")
    client.force_login(user)
    return user


def url(name: str, *args) -> str:
    return reverse(f"admin:council_article_{name}", args=args)


def save_with(client, article, **changes):
    data = form_fields(client.get(url("change", article.pk)).text, "article_form") | changes
    response = client.post(url("change", article.pk), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors


def test_each_save_is_a_version_with_who_and_when(client, secretary):
    article = ArticleFactory(title="Bản đầu")
    save_with(client, article, title_vi="Bản hai")
    save_with(client, article, title_vi="Bản ba")

    versions = Version.objects.get_for_object(article)
    assert [v.field_dict["title"] for v in versions] == ["Bản ba", "Bản hai"]
    assert {v.revision.user for v in versions} == {secretary}
    assert "version_token" not in versions[0].revision.get_comment()
    assert versions[0].revision.get_comment() != ""
    page = html.unescape(client.get(url("history", article.pk)).text)
    assert "thu-ky" in page or "Thư Ký" in page
    for version in versions:
        assert url("revision", article.pk, version.pk) in page


def test_two_versions_are_compared(client, secretary):
    article = ArticleFactory(title="Bản đầu")
    save_with(client, article, title_vi="Hội nghị năm 2017")
    save_with(client, article, title_vi="Hội nghị năm 2018")
    newer, older = Version.objects.get_for_object(article)

    page = client.get(url("compare", article.pk), {"version_id1": older.pk, "version_id2": newer.pk})

    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "2017" in text
    assert "2018" in text


def test_an_old_version_is_restored_in_two_clicks(client, secretary):
    province = ProvinceFactory(name="Quảng Bình")
    article = ArticleFactory(title="Bản đầu", summary="Tóm tắt đầu", category__name="Tin Hội đồng")
    other = CategoryFactory(name="Tin các tỉnh")
    article.provinces.add(province)
    save_with(client, article, title_vi="Bản đúng")
    right_category = article.category
    save_with(
        client, article, title_vi="Bản sai", summary_vi="Tóm tắt sai", provinces=[], category=str(other.pk)
    )
    right = Version.objects.get_for_object(article).last()
    Article.objects.filter(pk=article.pk).update(view_count=42)  # readers counted since

    # The history's link to the version opens the restore form; its save button restores it.
    page = client.get(url("revision", article.pk, right.pk))
    assert page.status_code == 200
    response = client.post(url("revision", article.pk, right.pk), form_fields(page.text, "article_form"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.summary) == ("Bản đúng", "Tóm tắt đầu")
    assert list(article.provinces.all()) == [province]
    assert article.view_count == 42  # not put back: no one edits it
    assert article.category == right_category
    assert Version.objects.get_for_object(article).count() == 3  # the restore is a version too


def test_a_meeting_is_restored_with_its_inline_rows(client, secretary):
    meeting = MeetingFactory(title="Phiên họp 2017")
    meeting.agenda_items.create(title="Khai mạc", order=1)
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = form_fields(client.get(change).text, "meeting_form")
    assert client.post(change, data).status_code == 302
    first = Version.objects.get_for_object(meeting).get()
    data = form_fields(client.get(change).text, "meeting_form") | {"agenda_items-0-DELETE": "on"}
    assert client.post(change, data).status_code == 302
    assert not meeting.agenda_items.exists()

    revision = reverse("admin:meetings_meeting_revision", args=[meeting.pk, first.pk])
    response = client.post(revision, form_fields(client.get(revision).text, "meeting_form"))

    assert response.status_code == 302
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Khai mạc"]


def test_a_deleted_article_is_recovered(client, secretary):
    article = ArticleFactory(title="Bài bị xóa nhầm")
    save_with(client, article)
    pk = article.pk
    assert client.post(url("delete", pk), {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=pk).exists()

    changelist = client.get(url("changelist")).text
    assert "Khôi phục bài viết đã xóa" in html.unescape(changelist)
    recover_list = html.unescape(client.get(url("recoverlist")).text)
    assert "Bài bị xóa nhầm" in recover_list
    deleted = Version.objects.get_deleted(Article).get()
    recover = url("recover", deleted.pk)
    assert recover in recover_list
    response = client.post(recover, form_fields(client.get(recover).text, "article_form"))

    assert response.status_code == 302
    assert Article.objects.get(pk=pk).title == "Bài bị xóa nhầm"


@pytest.mark.parametrize("who", ["member", "staff without rights"])
def test_the_version_pages_are_refused_to_anyone_without_rights(client, who):
    article = ArticleFactory(title="Bài có lịch sử")
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    deleted = ArticleFactory(title="Bài đã xóa")
    with reversion.create_revision():
        deleted.save()
    deleted.delete()
    gone = Version.objects.get_deleted(Article).get()
    client.force_login(UserFactory(is_staff=who != "member"))
    compare = {"version_id1": version.pk, "version_id2": version.pk}

    answers = [
        client.get(url("compare", article.pk), compare),
        client.get(url("revision", article.pk, version.pk)),
        client.post(url("revision", article.pk, version.pk), {"title": "Chiếm quyền"}),
        client.get(url("recover", gone.pk)),
        client.post(url("recover", gone.pk), {"title": "Chiếm quyền"}),
        client.get(url("recoverlist")),
    ]

    expected = 302 if who == "member" else 403  # members are sent to the admin's login
    assert [answer.status_code for answer in answers] == [expected] * 6
    assert not Article.objects.filter(title="Chiếm quyền").exists()
    assert not Article.objects.filter(title="Bài đã xóa").exists()


def test_a_version_of_another_model_is_not_reverted_through_this_admin(client, secretary):
    province = ProvinceFactory(name="Quảng Bình")
    with reversion.create_revision():
        province.save()
    version = Version.objects.get_for_object(province).get()
    ArticleFactory(pk=province.pk)  # an article with the same key

    revision = reverse("admin:council_article_revision", args=[province.pk, version.pk])
    recover = reverse("admin:council_article_recover", args=[version.pk])

    assert client.get(revision).status_code == 404
    assert client.get(recover).status_code == 404


def test_comparing_needs_the_right_to_see_the_row(client, secretary):
    article = ArticleFactory(title="Bài có lịch sử")
    save_with(client, article, title_vi="Bản hai")
    save_with(client, article, title_vi="Bản ba")
    newer, older = Version.objects.get_for_object(article)
    compare = {"version_id1": older.pk, "version_id2": newer.pk}

    assert client.get(url("compare", article.pk), compare).status_code == 200
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url("compare", article.pk), compare).status_code == 403


REVERSION_ENGLISH = [
    "Choose a date",
    "Revert",
    "Recover",
    "compare",
    "Compare",
    "Date/time",
    "Comment",
    "There are no",
    "Press the save button",
    "Go back to history",
    "version_token",
]


def test_the_version_pages_speak_vietnamese(client, secretary):
    article = ArticleFactory(title="Bài có lịch sử")
    save_with(client, article, title_vi="Bản hai")
    save_with(client, article, title_vi="Bản ba")
    newer, older = Version.objects.get_for_object(article)
    pages = {
        "history": client.get(url("history", article.pk)),
        "compare": client.get(url("compare", article.pk), {"version_id1": older.pk, "version_id2": newer.pk}),
        "revision": client.get(url("revision", article.pk, older.pk)),
    }
    assert client.post(url("delete", article.pk), {"post": "yes"}).status_code == 302
    pages["recover list"] = client.get(url("recoverlist"))
    pages["recover"] = client.get(url("recover", Version.objects.get_deleted(Article).get().pk))

    for name, page in pages.items():
        assert page.status_code == 200, name
        # Django's own admin strings are translated by the project's catalogue; these are the version pages'.
        content = re.sub(
            r'(href|action|src|name|id|for|class)="[^"]*"', "", page.text.split('id="content"', 1)[1]
        )
        found = [word for word in REVERSION_ENGLISH if word in html.unescape(content)]
        assert found == [], f"{name}: {found}"
    assert "Khôi phục bài viết đã xóa" in html.unescape(pages["recover list"].text)
    assert "So sánh hai bản" in html.unescape(pages["compare"].text)


def test_a_deleted_meeting_is_recovered_with_its_agenda_and_photos(client, secretary, settings, tmp_path):
    meeting = MeetingFactory(title="Phiên họp bị xóa nhầm")
    meeting.agenda_items.create(title="Khai mạc", order=1)
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = form_fields(client.get(change).text, "meeting_form")
    data |= {"new_photos": [SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")]}
    assert client.post(change, data).status_code == 302  # the version holds the photo added with it
    data = form_fields(client.get(change).text, "meeting_form")
    assert client.post(change, data).status_code == 302
    photo = meeting.photos.get()
    pk = meeting.pk
    delete = reverse("admin:meetings_meeting_delete", args=[pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302

    recover = reverse("admin:meetings_meeting_recover", args=[Version.objects.get_deleted(Meeting).get().pk])
    response = client.post(recover, form_fields(client.get(recover).text, "meeting_form"))

    assert response.status_code == 302
    recovered = Meeting.objects.get(pk=pk)
    assert list(recovered.agenda_items.values_list("title", flat=True)) == ["Khai mạc"]
    assert recovered.photos.get().image.name == photo.image.name
    assert recovered.photos.get().image.storage.exists(photo.image.name)
