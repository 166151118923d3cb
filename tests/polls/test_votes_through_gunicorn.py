"""One vote per browser, through gunicorn on PostgreSQL, as real clients send them.

The server runs in processes of its own (2 workers of 8 threads each), so the
votes race on the database exactly as they do in production.
"""

from collections import Counter

import pytest

from polls.models import Vote
from polls.results import count_results
from tests.factories import poll_with_choices
from tests.live_gunicorn import Browser, gunicorn_on_test_database
from tests.races import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    # The clients all come from 127.0.0.1: lift the per-address limit.
    with django_db_blocker.unblock(), gunicorn_on_test_database(POLLS_VOTES_PER_MINUTE="1000000") as server:
        yield server


def test_64_first_votes_from_one_new_browser_count_once(server):
    poll, choices = poll_with_choices("Có", "Không", "Ý kiến khác")
    page, vote = server.url + poll.get_absolute_url(), server.url + f"/binh-chon/{poll.slug}/binh-chon/"
    browser = Browser()
    token = browser.form_token(page)  # one page opened: its cookies, then 64 votes before any answer

    answers = at_once(
        64,
        lambda i: browser.post(
            vote,
            {"csrfmiddlewaretoken": token, "choice": choices[i % 3].pk},
            headers=JSON,
            keep_cookies=False,
        ),
    )

    assert Counter(a.status for a in answers) == Counter({200: 1, 409: 63})
    assert Vote.objects.filter(poll=poll).count() == 1
    assert count_results(poll.pk).total == 1
    # Every answer gives the browser the same token (signed at different seconds).
    tokens = {a.headers["Set-Cookie"].removeprefix("polls_voter=").split(":")[0] for a in answers}
    assert len(tokens) == 1


def test_200_browsers_voting_at_once_count_200(server):
    poll, choices = poll_with_choices("Có", "Không", "Ý kiến khác")
    page, vote = server.url + poll.get_absolute_url(), server.url + f"/binh-chon/{poll.slug}/binh-chon/"
    browsers = [Browser() for _ in range(200)]
    tokens = [browser.form_token(page) for browser in browsers]

    # 50 threads at a time, each voting for four browsers in turn.
    answers = at_once(
        50,
        lambda i: [
            browsers[n].post(
                vote, {"csrfmiddlewaretoken": tokens[n], "choice": choices[n % 3].pk}, headers=JSON
            )
            for n in range(i, 200, 50)
        ],
    )

    statuses = Counter(a.status for batch in answers for a in batch)
    assert statuses == Counter({200: 200})
    assert Vote.objects.filter(poll=poll).count() == 200
    assert Vote.objects.filter(poll=poll).values("voter_key").distinct().count() == 200
    assert [row.votes for row in count_results(poll.pk).rows] == [67, 67, 66]


def test_a_script_without_cookies_cannot_vote(server):
    poll, choices = poll_with_choices("Có", "Không")
    vote = server.url + f"/binh-chon/{poll.slug}/binh-chon/"

    answers = [Browser().post(vote, {"choice": choices[0].pk}, headers=JSON) for _ in range(5)]

    assert [a.status for a in answers] == [403] * 5  # the CSRF check
    assert Vote.objects.filter(poll=poll).count() == 0
