import pytest
from django.contrib.auth.models import Group

from council.shared.permissions import SECRETARIAT_GROUP

pytestmark = pytest.mark.django_db


def test_secretariat_edits_content_but_not_accounts():
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert ("members", "change_member") in codenames
    assert ("meetings", "add_meeting") in codenames
    assert ("flatpages", "change_flatpage") in codenames
    assert not {c for c in codenames if c[1].endswith(("_user", "_group", "_permission"))}


def test_secretariat_staff_reach_the_admin(client):
    from tests.factories import SecretariatFactory

    user = SecretariatFactory()
    client.force_login(user)

    index = client.get("/admin/")
    users = client.get("/admin/members/user/")

    assert index.status_code == 200
    assert "Quản trị Hội đồng" in index.content.decode()
    assert users.status_code == 403
