import datetime

import pytest
from django.urls import reverse

from members.models import Membership
from tests.factories import MemberFactory, MembershipFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_member_list_groups_the_current_council_by_role(client):
    MembershipFactory(member__full_name="Trần Chủ Tịch", role=Membership.Role.CHAIR)
    MembershipFactory(member__full_name="Lê Phó", role=Membership.Role.VICE_CHAIR)
    MembershipFactory(member__full_name="Ngô Thư Ký", role=Membership.Role.SECRETARIAT)
    MembershipFactory(
        member__full_name="Cựu Thành Viên",
        started_on=datetime.date(2010, 1, 1),
        ended_on=datetime.date(2012, 1, 1),
    )

    response = client.get(reverse("members:list"))

    page = response.content.decode()
    assert [(label, [m.member.full_name for m in items]) for label, items in response.context["groups"]] == [
        ("Chủ tịch", ["Trần Chủ Tịch"]),
        ("Phó Chủ tịch", ["Lê Phó"]),
        ("Tổ giúp việc", ["Ngô Thư Ký"]),
    ]
    assert "Cựu Thành Viên" not in page


def test_member_list_filters_by_province(client):
    hue = ProvinceFactory(name="Huế", slug="hue")
    MembershipFactory(member__full_name="Ở Huế", member__organisation__province=hue)
    MembershipFactory(member__full_name="Ở nơi khác")

    response = client.get(reverse("members:list"), {"tinh": "hue"})

    assert "Ở Huế" in response.content.decode()
    assert "Ở nơi khác" not in response.content.decode()


def test_member_list_of_an_unknown_province_is_404(client):
    assert client.get(reverse("members:list"), {"tinh": "khong-co"}).status_code == 404


def test_former_members_have_their_own_page(client):
    MembershipFactory(
        member__full_name="Cựu Thành Viên",
        started_on=datetime.date(2010, 1, 1),
        ended_on=datetime.date(2012, 1, 1),
    )
    MembershipFactory(member__full_name="Đương Nhiệm")

    page = client.get(reverse("members:former")).content.decode()

    assert "Cựu Thành Viên" in page
    assert "Đương Nhiệm" not in page


def test_member_page_shows_roles_over_time(client):
    member = MemberFactory(full_name="Lê Sỹ Minh")
    MembershipFactory(
        member=member,
        role=Membership.Role.MEMBER,
        started_on=datetime.date(2016, 1, 1),
        ended_on=datetime.date(2019, 12, 31),
    )
    MembershipFactory(member=member, role=Membership.Role.VICE_CHAIR, started_on=datetime.date(2020, 1, 1))

    page = " ".join(client.get(member.get_absolute_url()).content.decode().split())

    assert "<strong>Phó Chủ tịch</strong>: 01/01/2020 – nay" in page
    assert "<strong>Thành viên</strong>: 01/01/2016 – 31/12/2019" in page


def test_member_page_hides_contact_details_without_consent(client):
    shy = MemberFactory(email="shy@example.org", phone="0900000001", public_contact=False)
    open_ = MemberFactory(email="open@example.org", phone="0900000002", public_contact=True)

    assert "shy@example.org" not in client.get(shy.get_absolute_url()).content.decode()
    assert "0900000001" not in client.get(shy.get_absolute_url()).content.decode()
    assert "open@example.org" in client.get(open_.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [10, 100])
def test_member_list_queries_do_not_grow_with_members(client, django_assert_num_queries, count):
    for _ in range(count):
        MembershipFactory()

    # Memberships, provinces; sidebar: visit history, and two looking for a
    # featured poll (its choices, then the poll itself: there is none here).
    with django_assert_num_queries(5):
        response = client.get(reverse("members:list"))

    assert len(response.context["memberships"]) == count
