import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import Member, Membership
from tests.factories import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_membership_is_current_between_its_dates():
    assert MembershipFactory(started_on=TODAY - datetime.timedelta(days=1)).is_current
    assert not MembershipFactory(started_on=TODAY + datetime.timedelta(days=1)).is_current
    assert not MembershipFactory(
        started_on=datetime.date(2016, 1, 1), ended_on=datetime.date(2018, 1, 1)
    ).is_current


def test_membership_on_a_past_day_shows_who_held_the_role():
    past = MembershipFactory(
        role=Membership.Role.VICE_CHAIR,
        started_on=datetime.date(2016, 1, 1),
        ended_on=datetime.date(2019, 12, 31),
    )
    MembershipFactory(role=Membership.Role.VICE_CHAIR, started_on=datetime.date(2020, 1, 1))

    assert list(Membership.objects.on(datetime.date(2017, 8, 12))) == [past]


def test_members_current_and_former():
    current = MembershipFactory().member
    former = MembershipFactory(
        started_on=datetime.date(2015, 1, 1), ended_on=datetime.date(2018, 1, 1)
    ).member
    MemberFactory()  # a guest: no role at all

    assert list(Member.objects.current()) == [current]
    assert list(Member.objects.former()) == [former]


def test_membership_refuses_a_second_chair_at_the_same_time():
    MembershipFactory(
        role=Membership.Role.CHAIR, started_on=datetime.date(2016, 1, 1), ended_on=datetime.date(2018, 12, 31)
    )
    overlapping = MembershipFactory.build(
        member=MemberFactory(), role=Membership.Role.CHAIR, started_on=datetime.date(2018, 6, 1)
    )
    following = MembershipFactory.build(
        member=MemberFactory(), role=Membership.Role.CHAIR, started_on=datetime.date(2019, 1, 1)
    )

    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    following.full_clean()

    assert error.value.messages == [
        f"Hội đồng chỉ có một Chủ tịch tại một thời điểm: {Membership.objects.get().member} giữ vai trò này từ 01/01/2016."
    ]


def test_membership_cannot_end_before_it_starts():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        MembershipFactory(started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2019, 1, 1))
