"""No lost update: a form opened before the row changed is refused, on every content admin."""

import html

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.test import override_settings
from django.urls import reverse

from council.models import Article
from council.shared.permissions import SECRETARIAT_GROUP
from council.shared.versioning import ContentAdmin
from meetings.models import Meeting
from tests.admin_forms import form_fields, load_demo_site
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ContentAdmin)
]
REFUSED = "Chưa lưu: trang này đã được sửa ở nơi khác"


def label(model) -> str:
    return model._meta.label


def test_every_model_the_secretariat_writes_is_guarded():
    assert {label(model) for model in CONTENT_MODELS} >= {
        "council.Article",
        "council.Category",
        "flatpages.FlatPage",
        "meetings.Meeting",
        "meetings.Recommendation",
        "meetings.Document",
        "meetings.Agreement",
        "members.Member",
        "members.Organisation",
        "members.Province",
        "polls.Poll",
    }


@pytest.fixture(scope="module")
def site_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _plain_static_and_private_media(settings, site_media):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = site_media


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, site_media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=site_media), transaction.atomic():
        load_demo_site(site_media)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def secretariat(client, demo):
    user = UserFactory(username="to-giup-viec", is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    client.force_login(user)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def a_text_field(model, form_data: dict) -> models.Field:
    """A plain text field of `model` that its admin form edits."""
    for field in model._meta.concrete_fields:
        if (
            field.name in form_data
            and isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField)
            and not field.choices
        ):
            return field
    raise AssertionError(f"{label(model)}: no text field in its form")


def errors_of(response) -> str:
    return html.unescape(str(response.context["adminform"].form.non_field_errors()))


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=label)
def test_a_stale_form_is_refused_and_names_what_changed(secretariat, model):
    obj = model._default_manager.order_by("pk").first()
    page = secretariat.get(change_url(obj))  # tab 2 opens the form...
    stale = form_fields(page.text, f"{obj._meta.model_name}_form")
    field = a_text_field(model, stale)
    # ...then the row is changed another way (tab 1, another secretary, a script).
    model._default_manager.filter(pk=obj.pk).update(**{field.name: "Sửa ở thẻ khác"})

    response = secretariat.post(change_url(obj), stale)

    assert response.status_code == 200
    errors = errors_of(response)
    assert REFUSED in errors
    assert f"{field.verbose_name}: “" in errors
    assert "→ “Sửa ở thẻ khác”" in errors
    obj.refresh_from_db()
    assert getattr(obj, field.name) == "Sửa ở thẻ khác"
    # Sent again, the same stale form is refused again: nothing is merged behind the user's back.
    assert REFUSED in errors_of(secretariat.post(change_url(obj), response.context["adminform"].form.data))


def test_a_changed_inline_row_makes_the_meeting_form_stale(secretariat):
    meeting = Meeting.objects.get(slug="hop-hoi-dong-giam-doc-cntt-nam-2017")
    stale = form_fields(secretariat.get(change_url(meeting)).text, "meeting_form")
    photo = meeting.photos.order_by("pk").first()
    photo.caption = "Chú thích mới"
    photo.save()
    meeting.photos.order_by("-pk").first().delete()

    response = secretariat.post(change_url(meeting), stale | {"summary_vi": "Tóm tắt của thẻ cũ"})

    errors = errors_of(response)
    assert REFUSED in errors
    assert "ảnh: xóa 1 dòng" in errors
    assert "ảnh: sửa 1 dòng" in errors
    meeting.refresh_from_db()
    assert meeting.summary != "Tóm tắt của thẻ cũ"


def test_two_tabs_on_one_article_the_second_save_is_refused(secretariat):
    article = Article.objects.order_by("pk").first()
    tab1 = form_fields(secretariat.get(change_url(article)).text, "article_form")
    tab2 = form_fields(secretariat.get(change_url(article)).text, "article_form")

    assert secretariat.post(change_url(article), tab1 | {"title_vi": "Tiêu đề mới"}).status_code == 302
    response = secretariat.post(change_url(article), tab2 | {"cover_caption": "Chú thích mới"})

    assert response.status_code == 200
    assert "tiêu đề (tiếng Việt): “" in errors_of(response)
    article.refresh_from_db()
    assert (article.title, article.cover_caption) == ("Tiêu đề mới", tab1["cover_caption"])


def test_a_form_without_its_version_token_is_refused(secretariat):
    article = Article.objects.order_by("pk").first()
    data = form_fields(secretariat.get(change_url(article)).text, "article_form")
    del data["version_token"]

    response = secretariat.post(change_url(article), data | {"title_vi": "Không có mã"})

    assert "thiếu mã phiên bản" in errors_of(response)
    article.refresh_from_db()
    assert article.title != "Không có mã"
