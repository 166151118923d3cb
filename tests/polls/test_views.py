import datetime
import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from polls.models import Poll, Vote
from polls.services import close_poll
from polls.voters import COOKIE_NAME, guest_token
from tests.factories import UserFactory, VoteFactory, poll_with_choices
from tests.polls.conftest import JSON, browser_cookies, text_of, vote_url

pytestmark = pytest.mark.django_db


def poll_queries(client, path: str) -> list[str]:
    """The SQL that a GET of `path` sends about polls."""
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return [q["sql"] for q in captured.captured_queries if "polls_" in q["sql"]]


def test_sidebar_shows_the_demo_poll_as_the_old_site_did(client, demo):
    page = text_of(client.get("/"))

    assert "Ý kiến về Website HĐGĐCNTT?" in page
    assert "Đạt yêu cầu 7 phiếu (44 %)" in page
    assert "Chưa đạt yêu cầu 4 phiếu (25 %)" in page
    assert "Cần thêm chủ đề 5 phiếu (31 %)" in page
    assert "Tổng số phiếu: 16" in page


def test_sidebar_bars_use_width_classes_not_inline_styles(client, demo):
    html = client.get("/").content.decode()

    bars = re.findall(r'<div class="progress-bar (poll-w-\d+)"></div>', html)
    assert bars == ["poll-w-44", "poll-w-25", "poll-w-31"]
    assert "style=" not in html


def test_sidebar_costs_no_query_on_a_warm_cache_and_one_for_a_known_guest(client, demo):
    cold = poll_queries(client, "/")
    warm = poll_queries(client, "/")
    client.post(vote_url(demo), {"choice": demo.choices.first().pk})
    client.get("/")  # the results changed: count them once more
    known_guest = poll_queries(client, "/")

    assert len(cold) == 1  # the featured poll with its choices and their counts
    assert warm == []
    assert len(known_guest) == 1  # this guest's own vote
    assert 'FROM "polls_vote"' in known_guest[0]


def test_a_vote_makes_the_cached_results_stale(client, demo, django_capture_on_commit_callbacks):
    assert "Tổng số phiếu: 16" in text_of(client.get("/"))  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        client.post(vote_url(demo), {"choice": demo.choices.first().pk})

    assert "Tổng số phiếu: 17" in text_of(client.get("/"))


def test_editing_a_choice_makes_the_cached_results_stale(client, demo, django_capture_on_commit_callbacks):
    assert "Cần thêm chủ đề" in text_of(client.get("/"))

    with django_capture_on_commit_callbacks(execute=True):
        choice = demo.choices.get(text="Cần thêm chủ đề")
        choice.text = "Cần thêm chuyên mục"
        choice.save()

    page = text_of(client.get("/"))
    assert "Cần thêm chuyên mục 5 phiếu (31 %)" in page
    assert "Cần thêm chủ đề" not in page


def test_sidebar_says_when_there_is_no_poll(client):
    assert "Hiện chưa có cuộc thăm dò nào." in text_of(client.get("/"))


def test_sidebar_hides_a_poll_that_has_not_opened(client):
    poll_with_choices("Có", "Không", featured=True, opens_at=timezone.now() + datetime.timedelta(days=1))

    assert "Hiện chưa có cuộc thăm dò nào." in text_of(client.get("/"))


def test_vote_without_javascript_redirects_with_a_message(client, demo):
    choice = demo.choices.get(text="Chưa đạt yêu cầu")

    response = client.post(vote_url(demo), {"choice": choice.pk, "next": "/gioi-thieu/"})

    assert (response.status_code, response.url) == (302, "/gioi-thieu/")
    page = text_of(client.get("/"))
    assert "Cảm ơn bạn đã bình chọn." in page
    assert "Bạn đã bình chọn: Chưa đạt yêu cầu" in page
    # 7, 5 and 5 of 17: 41.18, 29.41, 29.41; the point left over goes to the first 29.41.
    assert "Đạt yêu cầu 7 phiếu (41 %)" in page
    assert "Chưa đạt yêu cầu 5 phiếu (30 %)" in page
    assert "Cần thêm chủ đề 5 phiếu (29 %)" in page
    assert "Tổng số phiếu: 17" in page
    vote = Vote.objects.get(choice=choice, voter_key__startswith="guest:")
    assert vote.user is None


def test_vote_gives_a_guest_a_signed_httponly_lax_cookie(client, rf, demo):
    response = client.post(vote_url(demo), {"choice": demo.choices.first().pk})

    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 2 * 365 * 24 * 3600
    request = rf.get("/")
    request.COOKIES[COOKIE_NAME] = cookie.value
    token = guest_token(request)
    assert Vote.objects.filter(poll=demo, voter_key=f"guest:{token}").exists()


def test_second_vote_is_refused_politely(client, demo):
    first, second = demo.choices.all()[:2]
    client.post(vote_url(demo), {"choice": first.pk})

    response = client.post(vote_url(demo), {"choice": second.pk}, follow=True)

    assert response.status_code == 200
    assert "Bạn đã bình chọn trong cuộc thăm dò này rồi. Mỗi người chỉ được bình chọn một lần." in text_of(
        response
    )
    assert Vote.objects.filter(poll=demo).count() == 17


def test_unsafe_next_falls_back_to_the_poll_page(client, demo):
    response = client.post(
        vote_url(demo), {"choice": demo.choices.first().pk, "next": "https://evil.example/"}
    )

    assert response.url == demo.get_absolute_url()


def test_vote_as_json_answers_with_the_new_block(client, demo):
    choice = demo.choices.get(text="Đạt yêu cầu")

    response = client.post(vote_url(demo), {"choice": choice.pk}, **JSON)

    assert response.status_code == 200
    payload = response.json()
    assert (payload["ok"], payload["message"]) == (True, "Cảm ơn bạn đã bình chọn.")
    assert payload["poll"]["has_voted"] is True
    assert payload["poll"]["my_choice"] == choice.pk
    assert payload["poll"]["results"]["total"] == 17
    assert [c["votes"] for c in payload["poll"]["results"]["choices"]] == [8, 4, 5]
    assert [c["percent"] for c in payload["poll"]["results"]["choices"]] == [47, 24, 29]
    assert "8 phiếu (47 %)" in payload["html"]
    assert "<form" not in payload["html"]
    assert COOKIE_NAME in response.cookies


def test_second_vote_as_json_is_a_409_with_the_message(client, demo):
    choice = demo.choices.first()
    client.post(vote_url(demo), {"choice": choice.pk}, **JSON)

    response = client.post(vote_url(demo), {"choice": choice.pk}, **JSON)

    assert response.status_code == 409
    assert response.json()["ok"] is False
    assert response.json()["message"].startswith("Bạn đã bình chọn trong cuộc thăm dò này rồi.")


def test_a_tampered_cookie_is_not_an_identity(client, demo):
    choice = demo.choices.first()
    client.post(vote_url(demo), {"choice": choice.pk})
    genuine = client.cookies[COOKIE_NAME].value
    token = genuine.split(":")[0]

    # Someone else copies the token but cannot sign it: the server ignores it
    # and knows that browser by its own CSRF cookie, never as the token's owner.
    other = browser_cookies(Client())
    other.cookies[COOKIE_NAME] = token + ":forged-signature"
    response = other.post(vote_url(demo), {"choice": choice.pk}, **JSON)

    assert response.status_code == 200
    assert response.cookies[COOKIE_NAME].value != genuine
    keys = set(Vote.objects.filter(voter_key__startswith="guest:").values_list("voter_key", flat=True))
    assert len(keys) == 2
    assert f"guest:{token}:forged-signature" not in keys


def test_a_cookie_signed_for_something_else_is_ignored(client, demo):
    elsewhere = HttpResponse()
    elsewhere.set_signed_cookie(COOKIE_NAME, "x" * 32, salt="another.purpose")
    client.cookies[COOKIE_NAME] = elsewhere.cookies[COOKIE_NAME].value

    response = client.post(vote_url(demo), {"choice": demo.choices.first().pk}, **JSON)

    assert response.status_code == 200
    assert not Vote.objects.filter(voter_key="guest:" + "x" * 32).exists()


def test_a_choice_of_another_poll_is_refused(client, demo):
    _, (foreign, _) = poll_with_choices("Có", "Không")

    response = client.post(vote_url(demo), {"choice": foreign.pk}, follow=True)

    assert "Phương án đã chọn không thuộc cuộc thăm dò này." in text_of(response)
    assert Vote.objects.filter(choice=foreign).count() == 0
    assert Vote.objects.filter(poll=demo).count() == 16


def test_no_choice_is_refused_as_json(client, demo):
    response = client.post(vote_url(demo), {}, **JSON)

    assert response.status_code == 400
    assert response.json()["message"] == "Vui lòng chọn một phương án trước khi bình chọn."
    assert COOKIE_NAME not in response.cookies


def test_a_closed_poll_refuses_votes(client):
    poll, (yes, _) = poll_with_choices("Có", "Không", closes_at=timezone.now() - datetime.timedelta(hours=1))

    response = client.post(vote_url(poll), {"choice": yes.pk}, follow=True)

    assert "Cuộc thăm dò này đã kết thúc, không nhận thêm phiếu." in text_of(response)
    assert Vote.objects.count() == 0


def test_a_closed_poll_as_json_is_403_and_sets_no_cookie(client):
    poll, (yes, _) = poll_with_choices("Có", "Không", closes_at=timezone.now() - datetime.timedelta(hours=1))

    response = client.post(vote_url(poll), {"choice": yes.pk}, **JSON)

    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies


def test_a_poll_not_yet_open_refuses_votes(client):
    poll, (yes, _) = poll_with_choices("Có", "Không", opens_at=timezone.now() + datetime.timedelta(hours=1))

    response = client.post(vote_url(poll), {"choice": yes.pk}, follow=True)

    assert "Cuộc thăm dò này chưa bắt đầu, chưa nhận phiếu." in text_of(response)


def test_a_members_poll_refuses_a_guest_and_takes_a_member(client):
    poll, (yes, _) = poll_with_choices("Có", "Không", audience=Poll.Audience.MEMBERS, featured=True)

    assert "Chỉ thành viên Hội đồng được bình chọn trong cuộc thăm dò này." in text_of(client.get("/"))
    response = client.post(vote_url(poll), {"choice": yes.pk}, follow=True)
    assert "Cuộc thăm dò này chỉ dành cho thành viên Hội đồng. Vui lòng đăng nhập để bình chọn." in text_of(
        response
    )

    member = UserFactory()
    client.force_login(member)
    client.post(vote_url(poll), {"choice": yes.pk})
    assert list(Vote.objects.values_list("voter_key", "user")) == [(f"user:{member.pk}", member.pk)]
    assert "Bạn đã bình chọn: Có" in text_of(client.get("/"))


def test_votes_beyond_the_rate_limit_get_429_in_vietnamese(client, settings):
    settings.POLLS_VOTES_PER_MINUTE = 2
    polls = [poll_with_choices("Có", "Không") for _ in range(3)]

    answers = [client.post(vote_url(poll), {"choice": choices[0].pk}) for poll, choices in polls]
    json_answer = client.post(vote_url(polls[2][0]), {"choice": polls[2][1][0].pk}, **JSON)
    elsewhere = client.post(vote_url(polls[2][0]), {"choice": polls[2][1][0].pk}, REMOTE_ADDR="10.0.0.9")

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Bạn đã gửi quá nhiều phiếu trong thời gian ngắn." in text_of(answers[2])
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert json_answer.status_code == 429
    assert json_answer.json()["message"].startswith("Bạn đã gửi quá nhiều phiếu trong thời gian ngắn.")
    assert elsewhere.status_code == 302
    assert Vote.objects.count() == 3


def test_rate_limit_counts_the_real_client_behind_the_proxy(client, settings):
    settings.POLLS_VOTES_PER_MINUTE = 1
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    poll, (yes, _) = poll_with_choices("Có", "Không")

    first = client.post(vote_url(poll), {"choice": yes.pk}, HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = client.post(vote_url(poll), {"choice": yes.pk}, HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = client.post(vote_url(poll), {"choice": yes.pk}, HTTP_X_FORWARDED_FOR="203.0.113.1")

    assert [first.status_code, other.status_code, again.status_code] == [302, 302, 429]


def test_vote_needs_post(client, demo):
    assert client.get(vote_url(demo)).status_code == 405


def test_results_after_closing_stay_hidden_until_then(client, django_capture_on_commit_callbacks):
    poll, (yes, _) = poll_with_choices("Có", "Không", results_shown=Poll.ResultsShown.AFTER_CLOSING)
    VoteFactory(choice=yes)

    page = text_of(client.get(poll.get_absolute_url()))
    payload = client.get(poll.get_absolute_url(), **JSON).json()

    assert "Kết quả được công bố khi cuộc thăm dò kết thúc." in page
    assert "Tổng số phiếu" not in page
    assert payload["results"] is None

    with django_capture_on_commit_callbacks(execute=True):
        close_poll(poll=poll)
    assert "Tổng số phiếu: 1" in text_of(client.get(poll.get_absolute_url()))


def test_results_after_voting_show_once_voted(client):
    poll, (yes, _) = poll_with_choices("Có", "Không", results_shown=Poll.ResultsShown.AFTER_VOTING)

    assert "Kết quả hiện sau khi bạn bình chọn." in text_of(client.get(poll.get_absolute_url()))
    client.post(vote_url(poll), {"choice": yes.pk})
    assert "Có 1 phiếu (100 %)" in text_of(client.get(poll.get_absolute_url()))


def test_poll_page_as_json_has_the_exact_counts(client, demo):
    response = client.get(demo.get_absolute_url(), **JSON)

    assert "Accept" in response["Vary"].split(", ")
    payload = response.json()
    assert payload["question"] == "Ý kiến về Website HĐGĐCNTT?"
    assert (payload["is_open"], payload["has_voted"], payload["can_vote"]) == (True, False, True)
    assert [(c["text"], c["votes"], c["percent"]) for c in payload["results"]["choices"]] == [
        ("Đạt yêu cầu", 7, 44),
        ("Chưa đạt yêu cầu", 4, 25),
        ("Cần thêm chủ đề", 5, 31),
    ]


def test_poll_page_of_an_unopened_poll_is_404(client):
    poll, _ = poll_with_choices("Có", "Không", opens_at=timezone.now() + datetime.timedelta(days=1))

    assert client.get(poll.get_absolute_url()).status_code == 404


def test_archive_lists_open_then_past_polls(client, demo):
    past, (yes, _) = poll_with_choices("Có", "Không", question="Câu hỏi năm 2016?")
    VoteFactory.create_batch(3, choice=yes)
    Poll.objects.filter(pk=past.pk).update(closes_at=timezone.now() - datetime.timedelta(days=1))

    page = text_of(client.get(reverse("polls:list")))

    assert (
        page.index("Ý kiến về Website HĐGĐCNTT?")
        < page.index("Đã kết thúc")
        < page.index("Câu hỏi năm 2016?")
    )
    assert re.search(r"Câu hỏi năm 2016\? \d\d/\d\d/\d{4} 3 ", page)


def test_a_choice_that_is_not_a_number_is_refused(client, demo):
    response = client.post(vote_url(demo), {"choice": "1 OR 1=1"}, **JSON)

    assert response.status_code == 400
    assert response.json()["message"] == "Phương án đã chọn không thuộc cuộc thăm dò này."


def test_a_refusal_as_json_keeps_the_page_it_came_from(client, settings):
    settings.POLLS_VOTES_PER_MINUTE = 1
    poll, (yes, _) = poll_with_choices("Có", "Không")
    client.post(vote_url(poll), {"choice": yes.pk}, REMOTE_ADDR="10.0.0.1")

    other = poll_with_choices("Có", "Không")
    response = client.post(
        vote_url(other[0]), {"choice": other[1][0].pk, "next": "/phien-hop/"}, REMOTE_ADDR="10.0.0.1", **JSON
    )

    assert response.status_code == 429
    assert '<input type="hidden" name="next" value="/phien-hop/">' in response.json()["html"]


def test_a_polls_page_from_its_shell_shows_each_visitor_their_own_block(
    client, django_capture_on_commit_callbacks
):
    from django.test import Client

    poll, (yes, _) = poll_with_choices("Có", "Không")
    someone_else = Client()
    someone_else.get(poll.get_absolute_url())  # the page's shell is rendered and kept
    with django_capture_on_commit_callbacks(execute=True):
        client.post(vote_url(poll), {"choice": yes.pk})

    mine = client.get(poll.get_absolute_url())
    theirs = someone_else.get(poll.get_absolute_url())

    assert "Bạn đã bình chọn: Có" in text_of(mine)
    assert "Bạn đã bình chọn" not in text_of(theirs)
    assert 'name="choice"' in theirs.content.decode()
    assert "Tổng số phiếu: 1" in text_of(mine)
    assert mine["Vary"].count("Accept") == 1
