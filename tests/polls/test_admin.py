import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from polls.models import Choice, Poll, Vote
from tests.admin_forms import version_token
from tests.factories import PollFactory, VoteFactory, poll_with_choices

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:polls_poll_changelist")


def change_url(poll) -> str:
    return reverse("admin:polls_poll_change", args=[poll.pk])


def form_data(poll, choices, **overrides) -> dict:
    """What the change form posts back unchanged (dates split as the admin widgets do)."""
    local = timezone.localtime(poll.opens_at)
    data = {
        "question": poll.question,
        "slug": poll.slug,
        "description": poll.description,
        "opens_at_0": local.strftime("%Y-%m-%d"),
        "opens_at_1": local.strftime("%H:%M:%S"),
        "closes_at_0": "",
        "closes_at_1": "",
        "audience": poll.audience,
        "results_shown": poll.results_shown,
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, choice in enumerate(choices):
        data |= {
            f"choices-{i}-id": str(choice.pk),
            f"choices-{i}-poll": str(poll.pk),
            f"choices-{i}-text": choice.text,
            f"choices-{i}-order": str(choice.order),
        }
    data.update(overrides)
    return data


@pytest.fixture
def tallied():
    poll, (yes, no, maybe) = poll_with_choices("Đạt yêu cầu", "Chưa đạt yêu cầu", "Cần thêm chủ đề")
    for choice, count in ((yes, 7), (no, 4), (maybe, 5)):
        VoteFactory.create_batch(count, choice=choice)
    return poll, [yes, no, maybe]


def test_list_shows_counts_and_percentages(admin_client, tallied):
    PollFactory.create_batch(5)

    response = admin_client.get(CHANGELIST)

    page = response.content.decode()
    assert "Đạt yêu cầu: 7 (44 %)<br>Chưa đạt yêu cầu: 4 (25 %)<br>Cần thêm chủ đề: 5 (31 %)" in page
    assert '<td class="field-vote_total">16</td>' in page


def test_list_queries_do_not_grow_with_polls(admin_client, tallied):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def polls_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(CHANGELIST)
        return sum('"polls_' in q["sql"] for q in captured.captured_queries)

    few = polls_queries()
    for _ in range(5):
        poll_with_choices("Có", "Không")
    assert polls_queries() == few


def test_change_page_shows_the_results_table(admin_client, tallied):
    poll, _ = tallied

    page = admin_client.get(change_url(poll)).content.decode()

    assert "<tr><td>Đạt yêu cầu</td><td>7</td><td>44 %</td></tr>" in page
    assert "<tfoot><tr><th>Tổng số phiếu</th><th>16</th>" in page


def test_choices_are_locked_once_votes_exist(admin_client, tallied):
    poll, choices = tallied

    page = admin_client.get(change_url(poll)).content.decode()
    assert 'name="choices-0-text"' not in page  # shown read-only
    assert "Đạt yêu cầu" in page
    assert "hãy kết thúc cuộc thăm dò này và tạo một cuộc thăm dò mới" in page
    assert "choices-empty" not in page  # no "add another" row

    data = form_data(poll, choices, **{"choices-0-text": "Tuyệt vời", "choices-1-DELETE": "on"})
    response = admin_client.post(change_url(poll), data | version_token(admin_client, change_url(poll)))

    assert response.status_code == 302
    assert list(Choice.objects.filter(poll=poll).values_list("text", flat=True)) == [
        "Đạt yêu cầu",
        "Chưa đạt yêu cầu",
        "Cần thêm chủ đề",
    ]
    assert Vote.objects.filter(poll=poll).count() == 16


def test_choices_stay_editable_before_any_vote(admin_client):
    poll, choices = poll_with_choices("Có", "Không")

    response = admin_client.post(
        change_url(poll),
        form_data(poll, choices, **{"choices-1-text": "Không đồng ý"})
        | version_token(admin_client, change_url(poll)),
    )

    assert response.status_code == 302
    assert list(poll.choices.values_list("text", flat=True)) == ["Có", "Không đồng ý"]


def test_admin_creates_a_poll_with_its_choices_and_puts_it_in_the_sidebar(admin_client):
    old = PollFactory(featured=True)
    data = {
        "question": "Bạn có dùng chữ ký số?",
        "slug": "chu-ky-so",
        "description": "",
        "opens_at_0": "2026-01-01",
        "opens_at_1": "08:00:00",
        "closes_at_0": "",
        "closes_at_1": "",
        "audience": "members",
        "results_shown": "after_voting",
        "show_in_sidebar": "on",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-text": "Có",
        "choices-0-order": "1",
        "choices-1-text": "Chưa",
        "choices-1-order": "2",
    }

    response = admin_client.post(reverse("admin:polls_poll_add"), data)

    assert response.status_code == 302
    poll = Poll.objects.get(slug="chu-ky-so")
    assert list(poll.choices.values_list("text", flat=True)) == ["Có", "Chưa"]
    assert list(Poll.objects.filter(featured=True)) == [poll]
    old.refresh_from_db()
    assert old.featured is False


def test_a_poll_closing_before_it_opens_is_refused(admin_client):
    poll, choices = poll_with_choices("Có", "Không")
    opened = timezone.localtime(poll.opens_at) - datetime.timedelta(days=1)

    response = admin_client.post(
        change_url(poll),
        form_data(poll, choices, closes_at_0=opened.strftime("%Y-%m-%d"), closes_at_1="00:00:00"),
    )

    assert response.status_code == 200
    assert "Thời điểm kết thúc phải sau thời điểm mở." in response.content.decode()


def test_csv_export_has_a_bom_and_the_results(admin_client, tallied):
    poll, _ = tallied
    empty, _ = poll_with_choices("Có", "Không", question="Câu hỏi chưa có phiếu?")

    response = admin_client.post(
        CHANGELIST, {"action": "export_results_csv", "_selected_action": [poll.pk, empty.pk]}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua-tham-do.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    question = poll.question
    assert rows == [
        ["Câu hỏi", "Lựa chọn", "Số phiếu", "Tỉ lệ (%)"],
        [question, "Đạt yêu cầu", "7", "44"],
        [question, "Chưa đạt yêu cầu", "4", "25"],
        [question, "Cần thêm chủ đề", "5", "31"],
        [question, "Tổng số phiếu", "16", "100"],
        ["Câu hỏi chưa có phiếu?", "Có", "0", "0"],
        ["Câu hỏi chưa có phiếu?", "Không", "0", "0"],
        ["Câu hỏi chưa có phiếu?", "Tổng số phiếu", "0", "0"],
    ]


def test_close_action_closes_the_selected_polls(admin_client, tallied):
    poll, _ = tallied

    response = admin_client.post(
        CHANGELIST, {"action": "close_now", "_selected_action": [poll.pk]}, follow=True
    )

    assert "Đã kết thúc 1 cuộc thăm dò." in response.content.decode()
    poll.refresh_from_db()
    assert poll.is_closed


def test_deleting_a_poll_takes_its_choices_and_votes(admin_client, tallied):
    poll, _ = tallied

    response = admin_client.post(reverse("admin:polls_poll_delete", args=[poll.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert (Poll.objects.count(), Choice.objects.count(), Vote.objects.count()) == (0, 0, 0)


def test_votes_are_read_only_in_the_admin(admin_client, tallied):
    vote = Vote.objects.first()

    assert admin_client.get(reverse("admin:polls_vote_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:polls_vote_add")).status_code == 403
    page = admin_client.get(reverse("admin:polls_vote_change", args=[vote.pk])).content.decode()
    assert 'name="choice"' not in page
