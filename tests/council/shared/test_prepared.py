"""Statements compiled once and run with new values (council.shared.prepared)."""

import pytest
from django.db import connection
from django.db.models import Q, Value

from council.shared.prepared import Prepared
from polls.models import Poll
from tests.factories import PollFactory

pytestmark = pytest.mark.django_db

SLUG = "\x00stand-in-slug\x00"
ID = -9_000_001


def polls_by_slug_or_id():
    # A constant among the parameters too (the audience), written into the text on PostgreSQL.
    queryset = (
        Poll.objects.filter(Q(slug=SLUG) | Q(pk=ID), audience=Poll.Audience.EVERYONE)
        .order_by("pk")
        .values_list("pk", "question")
    )
    return Prepared.of(queryset, {"slug": SLUG, "id": ID})


def test_a_prepared_query_answers_as_the_orm_does_for_each_set_of_values():
    first, second = PollFactory(question="Một?"), PollFactory(question="Hai?")
    PollFactory(question="Thành viên?", audience=Poll.Audience.MEMBERS, slug="members-only")
    statement = polls_by_slug_or_id()

    for slug, pk in [(first.slug, second.pk), (second.slug, -1), ("members-only", -1), ("none", first.pk)]:
        expected = list(
            Poll.objects.filter(Q(slug=slug) | Q(pk=pk), audience=Poll.Audience.EVERYONE)
            .order_by("pk")
            .values_list("pk", "question")
        )
        assert [tuple(row) for row in statement.fetchall(slug=slug, id=pk)] == expected


def test_a_stand_in_lost_in_compiling_is_refused():
    queryset = Poll.objects.filter(pk=ID)
    with pytest.raises(ValueError, match="did not survive"):
        Prepared.of(queryset, {"id": ID, "slug": SLUG})


def test_a_stand_in_is_told_apart_from_an_equal_constant_of_another_type():
    # True == 1, but True is not the stand-in 1.
    queryset = Poll.objects.filter(pk=1).annotate(flag=Value(True)).values_list("pk", "flag")
    statement = Prepared.of(queryset, {"id": 1})
    assert [slot for slot in statement.slots if not hasattr(slot, "name")] == [True]


def test_hand_written_sql_names_its_parameters():
    with pytest.raises(ValueError, match="name every parameter"):
        Prepared.raw("SELECT %s", {}, alias="default")
    statement = Prepared.raw("SELECT %(a)s + %(b)s, %(a)s * 2", {"a": int, "b": int}, alias="default")
    assert tuple(statement.fetchone(a=20, b=1)) == (21, 40)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the test closes its connection
def test_on_postgresql_a_statement_is_prepared_once_per_connection_and_again_after_a_new_one():
    statement = Prepared.raw("SELECT %(n)s::bigint * 2", {"n": int}, alias="default")

    def prepared_here() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'council_%%'")
            return cursor.fetchone()[0]

    before = prepared_here()
    assert statement.fetchone(n=4) == (8,)
    assert statement.fetchone(n=5) == (10,)
    assert prepared_here() == before + 1

    # A new session has none: the statement is prepared there again.
    connection.close()
    assert statement.fetchone(n=6) == (12,)
    assert prepared_here() == 1
