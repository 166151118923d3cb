"""One feedback form sent twice is one message: a double click, a resent request, at once or not."""

import re
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse

from council.models import Feedback
from tests.live_gunicorn import Browser, gunicorn_on_test_database
from tests.races import at_once

FORM = {
    "name": "Trần Thị Bình",
    "email": "binh@example.vn",
    "subject": "Hỏi về phiên họp năm 2018",
    "message": "Xin cho biết địa điểm phiên họp năm 2018.",
    "topic": "",
    "website": "",
}
STARTED = re.compile(r'name="started" value="([^"]+)"')


def opened_form(client) -> dict:
    page = client.get(reverse("feedback")).content.decode()
    return {**FORM, "started": STARTED.search(page).group(1)}


@pytest.mark.django_db
def test_the_same_form_sent_twice_is_stored_and_mailed_once(
    client, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.FEEDBACK_MIN_SECONDS = 0
    data = opened_form(client)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("feedback"), data)
        again = client.post(reverse("feedback"), data, follow=True)

    assert first.status_code == 302
    assert "Cảm ơn bạn đã góp ý." in again.content.decode()
    assert Feedback.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_two_forms_opened_apart_are_two_messages(client, settings):
    settings.FEEDBACK_MIN_SECONDS = 0

    for _ in range(2):
        client.post(reverse("feedback"), opened_form(client))

    assert Feedback.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_double_click_through_gunicorn_stores_one_message(django_db_blocker):
    """Eight POSTs of one form from one browser at the same moment, JavaScript off."""
    with gunicorn_on_test_database(FEEDBACK_MIN_SECONDS="0", FEEDBACK_PER_HOUR="1000") as server:
        browser = Browser()
        page = browser.get(server.url + "/gop-y/").body.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = {**FORM, "started": STARTED.search(page).group(1), "csrfmiddlewaretoken": token}

        answers = at_once(8, lambda _i: browser.post(server.url + "/gop-y/", data, keep_cookies=False))

    assert Counter(answer.status for answer in answers) == Counter({302: 8})
    assert Feedback.objects.filter(subject=FORM["subject"]).count() == 1
