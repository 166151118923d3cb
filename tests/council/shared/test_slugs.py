import pytest

from council.shared.slugs import unique_slug
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_unique_slug_drops_diacritics_and_numbers_the_taken_ones():
    assert unique_slug("Nguyễn Văn Đức", Member, fallback="thanh-vien") == "nguyen-van-duc"
    MemberFactory(slug="nguyen-van-duc")
    assert unique_slug("Nguyễn Văn Đức", Member, fallback="thanh-vien") == "nguyen-van-duc-2"
    MemberFactory(slug="nguyen-van-duc-2")
    assert unique_slug("Nguyễn Văn Đức", Member, fallback="thanh-vien") == "nguyen-van-duc-3"


def test_unique_slug_falls_back_when_the_text_leaves_nothing():
    assert unique_slug("!!! …", Member, fallback="thanh-vien") == "thanh-vien"
    MemberFactory(slug="thanh-vien")
    assert unique_slug("", Member, fallback="thanh-vien") == "thanh-vien-2"
