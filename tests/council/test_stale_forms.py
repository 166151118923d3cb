"""No lost update: a form opened before the row changed is refused, on every content admin."""

import html

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from council.models import Article
from council.shared.versioning import StaleFormGuard
from meetings.models import Meeting
from tests.admin_forms import form_fields
from tests.factories import SecretariatFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_media")]

GUARDED = [
    model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, StaleFormGuard)
]
REFUSED = "Chưa lưu: trang này đã được sửa ở nơi khác"


def label(model) -> str:
    return model._meta.label


def test_every_admin_form_the_secretariat_saves_is_guarded(demo_site):
    """Every admin whose rows the secretariat may change by a form, found from the admin's registry."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = SecretariatFactory()
    writable = {
        label(model)
        for model, model_admin in admin.site._registry.items()
        if (obj := model._default_manager.first()) is not None
        and model_admin.has_change_permission(request, obj)
        and set(model_admin.get_fields(request, obj)) - set(model_admin.get_readonly_fields(request, obj))
    }
    assert writable <= {label(model) for model in GUARDED}
    assert {label(model) for model in GUARDED} >= {
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
        "meetings.Notice",
        "council.Feedback",
    }


@pytest.fixture
def secretariat(client, demo_site):
    user = SecretariatFactory(username="to-giup-viec")
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


@pytest.mark.parametrize("model", GUARDED, ids=label)
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
