"""The online counter, on Django's cache (always) and on real Redis (marked)."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council import counter, counter_store
from council.models import DailyVisits
from tests.council.counter_fixtures import BROWSER, NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_guests_and_members_are_counted_apart(use):
    for number in range(17):
        counter.record(visitor=f"g{number}", member=False, last_seen=None, now=NOW)
    for number in range(3):
        counter.record(visitor=f"m{number}", member=True, last_seen=None, now=NOW)

    snapshot = counter.snapshot(now=NOW + 1)

    assert (snapshot.guests, snapshot.members, snapshot.online) == (17, 3, 20)


def test_visitors_leave_after_the_window(use):
    counter.record(visitor="early", member=False, last_seen=None, now=NOW)
    counter.record(visitor="late", member=False, last_seen=None, now=NOW + 200)

    assert counter.snapshot(now=NOW + counter.WINDOW - 1).guests == 2
    assert counter.snapshot(now=NOW + counter.WINDOW + 1).guests == 1


def test_a_visitor_is_written_at_most_once_a_minute(use):
    assert counter.record(visitor="g", member=False, last_seen=None, now=NOW)
    assert not counter.record(visitor="g", member=False, last_seen=NOW, now=NOW + 30)
    assert counter.record(visitor="g", member=False, last_seen=NOW, now=NOW + 61)


def test_logging_in_moves_the_guest_to_the_members(use):
    counter.record(visitor="guest-token", member=False, last_seen=None, now=NOW)
    counter.record(visitor="m7", member=True, last_seen=None, now=NOW + 5, moved_from="guest-token")

    snapshot = counter.snapshot(now=NOW + 6)

    assert (snapshot.guests, snapshot.members) == (0, 1)


def test_visits_and_unique_visitors_per_day(use):
    counter.record(visitor="a", member=False, last_seen=None, now=NOW)
    counter.record(visitor="a", member=False, last_seen=NOW, now=NOW + 120)  # same visit
    counter.record(
        visitor="a", member=False, last_seen=NOW + 120, now=NOW + 120 + counter.VISIT_GAP
    )  # a new one
    counter.record(visitor="b", member=False, last_seen=None, now=NOW + 10)

    day = counter_store.day_of(NOW)
    assert use.day(day) == (3, 2)


def test_daily_copy_is_idempotent(use):
    counter.record(visitor="a", member=False, last_seen=None, now=NOW)
    counter.record(visitor="b", member=False, last_seen=None, now=NOW)
    day = datetime.date.fromisoformat(counter_store.day_of(NOW))

    counter.copy_day(day=day)
    counter.copy_day(day=day)

    assert list(DailyVisits.objects.values_list("day", "visits", "unique_visitors")) == [(day, 2, 2)]


def test_total_is_history_plus_today(use):
    DailyVisits.objects.create(day=datetime.date(2020, 1, 1), visits=4452, unique_visitors=3000)
    counter.record(visitor="a", member=False, last_seen=None, now=NOW)

    assert counter.snapshot(now=NOW).total == 4453


def test_bots_are_not_counted():
    assert counter.is_bot("Mozilla/5.0 (compatible; Googlebot/2.1)")
    assert counter.is_bot("curl/8.5.0")
    assert counter.is_bot("")
    assert not counter.is_bot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36")


def test_page_view_counts_the_visitor_without_writing_the_database(client, use):
    client.get(reverse("hello"))  # warm up: nothing to count there

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"), headers={"user-agent": BROWSER})

    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert counter.COOKIE in response.cookies
    assert counter.snapshot().guests == 1


def test_bots_and_health_checks_are_left_out(client, use):
    client.get(reverse("home"), headers={"user-agent": "Googlebot/2.1"})
    client.get(reverse("healthz"), headers={"user-agent": BROWSER})

    assert counter.snapshot().online == 0


def test_logging_in_through_the_site_moves_the_visitor(client, use):
    client.get(reverse("home"), headers={"user-agent": BROWSER})
    client.force_login(UserFactory())
    client.get(reverse("home"), headers={"user-agent": BROWSER})

    snapshot = counter.snapshot()
    assert (snapshot.guests, snapshot.members) == (0, 1)


def test_a_guest_whose_old_id_begins_with_m_is_still_a_guest(client, use):
    # Guest ids were random tokens, one in 64 beginning with "m": such a guest
    # was taken for a member who had logged out, and never moved on login.
    client.cookies[counter.COOKIE] = f"mXq3_guest-token.{int(time.time())}"
    client.get(reverse("home"), headers={"user-agent": BROWSER})
    counter.backend().touch(visitor="mXq3_guest-token", member=False, new_visit=False, now=time.time())
    client.force_login(UserFactory())
    client.get(reverse("home"), headers={"user-agent": BROWSER})

    snapshot = counter.snapshot()
    assert (snapshot.guests, snapshot.members) == (0, 1)
    assert counter.new_guest_id().startswith("g")
    assert counter.is_member_id("m12") and not counter.is_member_id("mXq3_guest-token")


def test_sidebar_shows_the_counts(client, use):
    response = client.get(reverse("home"), headers={"user-agent": BROWSER})
    page = client.get(reverse("home"), headers={"user-agent": BROWSER}).content.decode()

    assert response.status_code == 200
    assert 'data-count="guests">1</strong>' in page
    assert 'data-count="members">0</strong>' in page
    assert 'data-count="online">1</strong>' in page


def test_staff_page_charts_the_copied_days(admin_client):
    DailyVisits.objects.create(
        day=datetime.date.today() - datetime.timedelta(days=1), visits=1234, unique_visitors=800
    )

    response = admin_client.get("/admin/council/dailyvisits/")

    assert response.status_code == 200
    assert "Cao nhất: 1.234 lượt/ngày." in response.content.decode()
    assert len(response.context["chart"]["bars"]) == 90
