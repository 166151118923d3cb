"""Beyond GET: admin actions and the CSV import, tried by a staff user holding a single permission.

Django offers an admin action that declares no `permissions=[...]` to anyone who may merely
*view* the list, and the CSV import updates existing members as well as adding new ones.
Neither shows in the matrix (the secretariat holds every content permission), so a staff user
holding a single permission is tried here.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from council.models import Article
from tests.factories import ArticleFactory, UserFactory
from tests.permission_pages import DENIED, model_label, outcome

# The project's own ModelAdmins (a third-party app's actions are its own business).
PROJECT_PACKAGES = {"council", "members", "meetings", "polls"}
ADMIN_ACTIONS = [
    pytest.param(model_admin, name, id=f"{model_label(model)} {name}")
    for model, model_admin in admin.site._registry.items()
    if type(model_admin).__module__.partition(".")[0] in PROJECT_PACKAGES
    for name in model_admin.actions or ()
]


@pytest.mark.parametrize(("model_admin", "name"), ADMIN_ACTIONS)
def test_every_admin_action_names_the_permission_it_needs(model_admin, name):
    action = getattr(model_admin, name) if isinstance(name, str) else name

    assert getattr(action, "allowed_permissions", None), f"{name}: declare @admin.action(permissions=[...])"


def staff_holding(codename: str):
    """A staff user in no group, holding this one permission ("app_label.codename")."""
    app_label, name = codename.split(".")
    user = UserFactory(username=f"chi-{name.replace('_', '-')}", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return user


@pytest.mark.django_db
def test_a_staff_user_who_may_only_view_articles_cannot_publish_one(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(staff_holding("council.view_article"))

    response = client.post(
        reverse("admin:council_article_changelist"),
        {"action": "publish_now", "index": 0, ACTION_CHECKBOX_NAME: [draft.pk]},
    )

    draft.refresh_from_db()
    assert response.status_code in (200, 302)
    assert draft.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_a_staff_user_who_may_only_add_members_cannot_import_over_existing_ones(client):
    client.force_login(staff_holding("members.add_member"))

    response = client.get(reverse("admin:members_member_import"))

    assert outcome(response) == DENIED
