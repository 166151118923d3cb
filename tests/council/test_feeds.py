import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_feeds_parse_back(client):
    ArticleFactory(title="Tin thứ nhất")
    MeetingFactory(title="Phiên họp năm 2026")

    rss = ET.fromstring(client.get(reverse("news:rss")).content)
    atom = ET.fromstring(client.get(reverse("news:atom")).content)
    meetings = ET.fromstring(client.get(reverse("meetings_rss")).content)

    assert [e.text for e in rss.iter("title")][1:] == ["Tin thứ nhất"]
    assert [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}title")][1:] == ["Tin thứ nhất"]
    assert [e.text for e in meetings.iter("title")][1:] == ["Phiên họp năm 2026"]
