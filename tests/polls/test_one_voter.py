"""One vote per browser and per member, whatever the client does: cookies, sign-ins, Redis."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from polls.models import Vote
from polls.voters import COOKIE_NAME, guest_token
from tests.factories import UserFactory, poll_with_choices
from tests.polls.conftest import JSON, browser_cookies, text_of, vote_url

pytestmark = pytest.mark.django_db


def voter_token(response) -> str:
    """The guest token an answer keeps in the browser's signed cookie, read as the site reads it."""
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE_NAME] = response.cookies[COOKIE_NAME].value
    return guest_token(request)


def test_votes_sent_before_any_answer_are_one_voter(client, demo):
    """Both votes leave the browser before the first answer sets the signed cookie."""
    first, second = demo.choices.all()[:2]

    one = client.post(vote_url(demo), {"choice": first.pk}, **JSON)
    del client.cookies[COOKIE_NAME]  # the first answer has not arrived yet
    two = client.post(vote_url(demo), {"choice": second.pk}, **JSON)

    assert (one.status_code, two.status_code) == (200, 409)
    # The same token; each signature holds the second it was made in.
    assert voter_token(two) == voter_token(one)
    assert Vote.objects.filter(poll=demo).count() == 17


def test_a_post_without_cookies_is_refused_by_the_csrf_check(demo):
    script = Client(enforce_csrf_checks=True)

    response = script.post(vote_url(demo), {"choice": demo.choices.first().pk}, **JSON)

    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies
    assert Vote.objects.filter(poll=demo).count() == 16


def test_a_guest_without_cookies_cannot_vote_even_past_the_csrf_check(demo):
    # A script that keeps no cookie; the CSRF check is off in test clients, so
    # the view has to refuse by itself.
    answers = [Client().post(vote_url(demo), {"choice": demo.choices.first().pk}, **JSON) for _ in range(3)]

    assert [a.status_code for a in answers] == [403, 403, 403]
    assert answers[0].json()["message"] == (
        "Trình duyệt của bạn chưa nhận cookie của trang. Vui lòng bật cookie, tải lại trang rồi bình chọn."
    )
    assert Vote.objects.filter(poll=demo).count() == 16


def test_a_browser_that_opened_the_page_votes_once(demo):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(demo.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    choice = demo.choices.first()

    answers = []
    for _ in range(2):
        answers.append(
            browser.post(vote_url(demo), {"choice": choice.pk, "csrfmiddlewaretoken": token}, **JSON)
        )
        del browser.cookies[COOKIE_NAME]  # as if the answers crossed

    assert [a.status_code for a in answers] == [200, 409]
    assert Vote.objects.filter(poll=demo).count() == 17


def log_in(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302


def test_a_guest_vote_then_signing_in_gives_no_second_vote(client, demo):
    choice = demo.choices.get(text="Đạt yêu cầu")
    client.post(vote_url(demo), {"choice": choice.pk})
    member = UserFactory()

    log_in(client, member)
    response = client.post(vote_url(demo), {"choice": choice.pk}, **JSON)

    assert response.status_code == 409
    assert response.json()["poll"]["my_choice"] == choice.pk
    assert "Bạn đã bình chọn: Đạt yêu cầu" in text_of(client.get(demo.get_absolute_url()))
    assert Vote.objects.filter(poll=demo).count() == 17


def test_signing_in_before_the_signed_cookie_came_still_links_the_browser(client, demo):
    choice = demo.choices.first()
    client.post(vote_url(demo), {"choice": choice.pk})
    del client.cookies[COOKIE_NAME]  # known to the vote by its CSRF cookie only

    log_in(client, UserFactory())

    assert client.post(vote_url(demo), {"choice": choice.pk}, **JSON).status_code == 409
    assert Vote.objects.filter(poll=demo).count() == 17


def test_a_member_vote_then_signing_out_gives_no_guest_vote(client, demo):
    choice = demo.choices.first()
    log_in(client, UserFactory())
    assert client.post(vote_url(demo), {"choice": choice.pk}, **JSON).status_code == 200

    client.post(reverse("logout"))
    response = client.post(vote_url(demo), {"choice": choice.pk}, **JSON)

    assert response.status_code == 409
    assert Vote.objects.filter(poll=demo).count() == 17


def test_members_signing_in_from_other_browsers_vote_for_themselves(demo):
    choice = demo.choices.first()
    shared = browser_cookies(Client())
    shared.post(vote_url(demo), {"choice": choice.pk})  # a guest on the office computer
    someone_else = UserFactory()
    elsewhere = browser_cookies(Client())
    log_in(elsewhere, someone_else)

    assert elsewhere.post(vote_url(demo), {"choice": choice.pk}, **JSON).status_code == 200
    assert Vote.objects.filter(poll=demo).count() == 18


def test_the_rate_limit_counts_a_member_by_account_not_by_address(settings):
    """A council meeting's Wi-Fi: every member comes from one address."""
    settings.POLLS_VOTES_PER_MINUTE = 2
    polls = [poll_with_choices("Có", "Không") for _ in range(3)]
    members = []
    for _ in range(3):
        member = browser_cookies(Client())
        member.force_login(UserFactory())
        members.append(member)

    answers = [
        member.post(vote_url(poll), {"choice": choices[0].pk}, REMOTE_ADDR="10.1.1.1")
        for member in members
        for poll, choices in polls[:2]
    ]
    third = members[0].post(vote_url(polls[2][0]), {"choice": polls[2][1][0].pk}, REMOTE_ADDR="10.1.1.1")
    guest = browser_cookies(Client()).post(
        vote_url(polls[2][0]), {"choice": polls[2][1][0].pk}, REMOTE_ADDR="10.1.1.1"
    )

    assert [a.status_code for a in answers] == [302] * 6
    assert third.status_code == 429
    assert guest.status_code == 302
    assert Vote.objects.count() == 7


@pytest.mark.redis
def test_votes_are_recorded_and_still_limited_while_redis_fails(client, settings):
    from council.shared import breaker

    settings.POLLS_VOTES_PER_MINUTE = 2
    polls = [poll_with_choices("Có", "Không") for _ in range(3)]
    breaker.redis.trip("Redis stopped")

    answers = [client.post(vote_url(poll), {"choice": choices[0].pk}, **JSON) for poll, choices in polls]

    # The limit is counted in this process meanwhile; the database still decides each vote.
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.json()["ok"] for a in answers] == [True, True, False]
    assert Vote.objects.count() == 2
