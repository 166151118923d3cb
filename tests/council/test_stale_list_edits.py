"""No lost update in the admin's lists: the editable columns (order, status) are refused
when a row shown changed since the list was opened, on every admin that has them."""

import html

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from meetings.models import Recommendation
from tests.admin_forms import form_fields, saves_at_the_same_moment
from tests.factories import CategoryFactory, MeetingFactory, ProvinceFactory, SecretariatFactory

pytestmark = pytest.mark.django_db

LIST_EDITABLE = [model for model, model_admin in admin.site._registry.items() if model_admin.list_editable]
REFUSED = "Chưa lưu: danh sách này đã được sửa ở nơi khác"
ROWS = {
    "council.Category": lambda name: CategoryFactory(name=name, slug=name.replace(" ", "-")),
    "members.Province": lambda name: ProvinceFactory(name=name),
    "meetings.Recommendation": lambda name: Recommendation.objects.create(
        meeting=MeetingFactory(), title=name
    ),
}


def label(model) -> str:
    return model._meta.label


@pytest.fixture
def secretariat(client):
    user = SecretariatFactory(username="to-giup-viec")
    client.force_login(user)
    return client


def list_url(model) -> str:
    # Only the rows made here are shown (the provinces' migration loads 97 more).
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + "?q=Dòng+thử"


def two_rows(model):
    return [ROWS[label(model)](name) for name in ["Dòng thử một", "Dòng thử hai"]]


def other_values(field: models.Field, current) -> tuple:
    """Two values of `field` that differ from `current` and from each other."""
    if field.choices:
        values = [value for value, _ in field.choices if value != current]
        return values[0], values[1]
    return current + 7, current + 8


def index_of(data: dict, row) -> int:
    return next(
        int(name.split("-")[1])
        for name, value in data.items()
        if name.endswith("-id") and value == str(row.pk)
    )


def test_the_lists_with_editable_columns_are_these():
    assert {label(model): admin.site._registry[model].list_editable for model in LIST_EDITABLE} == {
        "council.Category": ["order"],
        "members.Province": ["order"],
        "meetings.Recommendation": ["status"],
    }


@pytest.mark.parametrize("model", LIST_EDITABLE, ids=label)
def test_a_stale_list_is_refused_and_names_what_changed(secretariat, model):
    first, second = two_rows(model)
    (name,) = admin.site._registry[model].list_editable
    field = model._meta.get_field(name)
    stale = form_fields(secretariat.get(list_url(model)).text, "changelist-form")
    theirs = other_values(field, getattr(second, name))[0]
    # Another tab changes the second row; this tab changes the first row only.
    model._default_manager.filter(pk=second.pk).update(**{name: theirs})
    before_first = getattr(first, name)
    mine_first = other_values(field, before_first)[0]
    stale[f"form-{index_of(stale, first)}-{name}"] = str(mine_first)

    response = secretariat.post(list_url(model), stale | {"_save": "Lưu"})

    assert response.status_code == 200
    page = html.unescape(response.text)
    assert REFUSED in page
    if field.choices:
        shown = dict(field.flatchoices)
        change = f"{field.verbose_name}: “{shown[getattr(second, name)]}” → “{shown[theirs]}”"
    else:
        change = f"{field.verbose_name} đã đổi"
    assert f"{second}: {change}" in page
    assert "Please correct" not in page
    first.refresh_from_db()
    second.refresh_from_db()
    # Nothing was written: not this tab's change, and the other tab's change is not undone.
    assert (getattr(first, name), getattr(second, name)) == (before_first, theirs)


@pytest.mark.parametrize("model", LIST_EDITABLE, ids=label)
def test_a_list_opened_after_the_last_change_is_saved(secretariat, model):
    first, _second = two_rows(model)
    (name,) = admin.site._registry[model].list_editable
    field = model._meta.get_field(name)
    data = form_fields(secretariat.get(list_url(model)).text, "changelist-form")
    new = other_values(field, getattr(first, name))[0]
    data[f"form-{index_of(data, first)}-{name}"] = str(new)

    response = secretariat.post(list_url(model), data | {"_save": "Lưu"})

    assert response.status_code == 302
    first.refresh_from_db()
    assert getattr(first, name) == new


def test_a_list_without_its_version_token_is_refused(secretariat):
    model = LIST_EDITABLE[0]
    first, _second = two_rows(model)
    (name,) = admin.site._registry[model].list_editable
    data = form_fields(secretariat.get(list_url(model)).text, "changelist-form")
    del data["form-version_token"]
    data[f"form-{index_of(data, first)}-{name}"] = str(
        other_values(model._meta.get_field(name), getattr(first, name))[0]
    )

    response = secretariat.post(list_url(model), data | {"_save": "Lưu"})

    assert "Danh sách này thiếu mã phiên bản" in html.unescape(response.text)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_list_saves_at_the_same_moment_one_wins_one_is_refused(monkeypatch):
    """Two tabs on the categories' list press "Lưu" together: the shown rows stay locked to the commit."""

    from django.test import Client

    from council.models import Category

    first, second = (ROWS["council.Category"](name) for name in ["Dòng thử một", "Dòng thử hai"])
    user = SecretariatFactory()
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(user)
    lists = [form_fields(tab.get(list_url(Category)).text, "changelist-form") for tab in tabs]
    lists[0][f"form-{index_of(lists[0], first)}-order"] = "41"
    lists[1][f"form-{index_of(lists[1], second)}-order"] = "42"

    first_answer, second_answer = saves_at_the_same_moment(
        monkeypatch,
        lambda: tabs[0].post(list_url(Category), lists[0] | {"_save": "Lưu"}),
        lambda: tabs[1].post(list_url(Category), lists[1] | {"_save": "Lưu"}),
    )

    assert first_answer.status_code == 302
    assert second_answer.status_code == 200
    assert f"{first}: thứ tự đã đổi" in html.unescape(second_answer.text)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (41, 0)
