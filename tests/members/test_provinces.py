"""Every provincial name since 2024, loaded by migration members 0003, and found without diacritics."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from council import demo
from members.models import Province
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db

MERGED = datetime.date(2025, 6, 30)
AUTOCOMPLETE = "/admin/autocomplete/"


@pytest.fixture
def secretariat(client):
    user = SecretariatFactory()
    client.force_login(user)
    return client


def test_migration_loads_34_provinces_of_today_and_63_before_the_merger():
    today = Province.objects.filter(ended_on__isnull=True)
    before_merger = Province.objects.exclude(name="Huế")

    assert Province.objects.count() == 64
    assert today.count() == 34
    assert before_merger.count() == 63
    assert not today.exclude(successor=None).exists()
    assert not Province.objects.filter(ended_on__isnull=False, successor=None).exists()


@pytest.mark.parametrize(
    ("name", "successor", "ended_on"),
    [
        ("Hòa Bình", "Phú Thọ", MERGED),
        ("Yên Bái", "Lào Cai", MERGED),
        ("Bắc Kạn", "Thái Nguyên", MERGED),
        ("Quảng Bình", "Quảng Trị", MERGED),
        ("Bà Rịa – Vũng Tàu", "Hồ Chí Minh", MERGED),
        ("Thừa Thiên Huế", "Huế", datetime.date(2024, 12, 31)),
    ],
)
def test_former_province_points_to_its_successor(name, successor, ended_on):
    province = Province.objects.select_related("successor").get(name=name)

    assert (province.successor.name, province.ended_on) == (successor, ended_on)


def test_provinces_have_readable_slugs_and_the_region_first():
    slugs = dict(Province.objects.values_list("name", "slug"))
    first = list(Province.objects.values_list("name", flat=True)[:3])

    assert (slugs["Đắk Lắk"], slugs["Bà Rịa – Vũng Tàu"], slugs["Hòa Bình"]) == (
        "dak-lak",
        "ba-ria-vung-tau",
        "hoa-binh",
    )
    assert first == ["Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"]


def province_rows() -> list[tuple]:
    fields = ["name", "slug", "region", "order", "ended_on", "successor__name"]
    return list(Province.objects.order_by("name").values_list(*fields))


def test_demo_loader_adds_and_changes_no_province():
    migrated = province_rows()

    demo.members.load()
    demo.members.load()

    assert province_rows() == migrated


def test_demo_loader_makes_its_provinces_as_the_migration_does():
    """On a database emptied by flush (no migration data), the demo makes the same rows."""
    migrated = {row[0]: row for row in province_rows()}
    Province.objects.all().delete()

    demo.members.load()

    made = province_rows()
    assert len(made) == 16
    assert made == [migrated[row[0]] for row in made]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("hoa binh", ["Hòa Bình"]),
        ("lao cai", ["Lào Cai"]),
        ("thai nguyen", ["Thái Nguyên"]),
        ("Hoà Bình", ["Hòa Bình"]),
        ("DAK", ["Đắk Lắk", "Đắk Nông"]),
        ("hue", ["Thừa Thiên Huế", "Huế"]),
    ],
)
def test_article_province_autocomplete_ignores_diacritics(secretariat, term, expected):
    response = secretariat.get(
        AUTOCOMPLETE,
        {"app_label": "council", "model_name": "article", "field_name": "provinces", "term": term},
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == expected


@pytest.mark.django_db(transaction=True)
def test_migration_is_reversible():
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0002_secretariat_group")])
    executor.loader.build_graph()
    assert Province.objects.count() == 0

    executor.migrate([("members", "0003_load_provinces")])
    assert Province.objects.count() == 64

    # Back to the latest schema for the tests that follow (the flush after this test empties it).
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
