"""A poll's page as JSON (what static/js/poll.js reads) for polls made after the process started."""

import pytest
from django.utils import timezone

import polls.views  # noqa: F401  (the view class exists before the poll, as in a running server)
from tests.factories import poll_with_choices

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def test_poll_page_as_json_of_a_poll_opened_just_now_is_found(client):
    # Opening now, after the view was imported: its queryset must read the clock per request.
    poll, (yes, no) = poll_with_choices("Có", "Không", opens_at=timezone.now())

    response = client.get(poll.get_absolute_url(), **JSON)

    assert response.status_code == 200
    assert [(c["id"], c["votes"]) for c in response.json()["results"]["choices"]] == [(yes.pk, 0), (no.pk, 0)]
