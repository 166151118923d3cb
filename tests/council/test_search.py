"""Search answers the question asked: on SQLite, and on PostgreSQL when DATABASE_URL points there."""

import html
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from council import search
from council.demo.meetings import report_pdf
from council.models import Article
from council.shared import textsearch
from council.shared.textsearch import Query, parse
from meetings.models import Agreement, Document, Meeting
from members.models import Member
from tests.admin_forms import version_token
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    MemberFactory,
    OrganisationFactory,
    ProvinceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def titles(client, q: str) -> list[str]:
    """The titles of the results page, as shown (it may come from its page shell, with no context)."""
    page = client.get("/tim-kiem/", {"q": q}).content.decode()
    return [
        html.unescape(title)
        for title in re.findall(r'<h2 class="h6 mb-1">.*?<a href="[^"]*">([^<]*)</a>', page, re.S)
    ]


# What a query means ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Hòa Bình", Query(required=(("hoa",), ("binh",)))),
        ('"hoa binh"', Query(required=(("hoa", "binh"),))),
        ('-do thi "thong minh"', Query(required=(("thi",), ("thong", "minh")), excluded=(("do",),))),
        ('-"do thi" HĐCNTT', Query(required=(("hdcntt",),), excluded=(("do", "thi"),))),
        ("08/HĐCNTT e-government", Query(required=(("08", "hdcntt"), ("e", "government")))),
        ('"chưa đóng', Query(required=(("chua", "dong"),))),
        ("lao lao LÀO", Query(required=(("lao",),))),
        ("-lao", Query(excluded=(("lao",),))),
        ("— ! ?", Query()),
    ],
)
def test_parse_reads_words_phrases_and_exclusions(text, query):
    assert parse(text) == query


def test_parse_keys_differ_for_every_different_question():
    questions = ["-do thi thong minh", "do thi thong minh", '"hoa binh"', "hoa binh", "binh hoa", "hoa -binh"]

    assert len({parse(q).key() for q in questions}) == len(questions)
    assert parse("Hòa  BÌNH").key() == parse("hoa binh").key()


# The cache holds answers per question ----------------------------------------------


def test_cached_search_keeps_an_exclusion_apart_from_the_plain_words(client):
    ArticleFactory(title="Đô thị thông minh ở Đà Nẵng")

    assert titles(client, "-do thi thong minh") == []
    assert titles(client, "do thi thong minh") == ["Đô thị thông minh ở Đà Nẵng"]
    assert titles(client, "-do thi thong minh") == []


def test_cached_search_keeps_a_phrase_apart_from_its_words(client):
    ArticleFactory(title="Tỉnh Hòa Bình", summary="", body="")
    ArticleFactory(title="Bình yên", summary="Hoa nở", body="")
    ArticleFactory(title="Hòa hợp", summary="Bình đẳng", body="")

    assert titles(client, '"hoa binh"') == ["Tỉnh Hòa Bình"]
    assert sorted(titles(client, "hoa binh")) == ["Bình yên", "Hòa hợp", "Tỉnh Hòa Bình"]
    assert titles(client, '"hoa binh"') == ["Tỉnh Hòa Bình"]


# Whole words, blind to diacritics -----------------------------------------------------


def test_search_matches_whole_words_only():
    ArticleFactory(title="Hội đồng họp", summary="", body="")
    ArticleFactory(title="Ông Hoàng", summary="", body="")
    ArticleFactory(title="Đồ án và đo đạc", summary="", body="")

    assert [hit.title for hit in search.search("do")] == ["Đồ án và đo đạc"]
    assert [hit.title for hit in search.search("hoa")] == []


def test_snippet_marks_whole_words_never_parts_of_syllables():
    ArticleFactory(title="Tin", summary="Hội đồng xem đồ án của ông Hoàng ở Hòa Bình", body="")

    (by_do,) = search.search("do")
    (by_hoa,) = search.search("hoa binh")

    assert str(by_do.snippet) == "Hội đồng xem <mark>đồ</mark> án của ông Hoàng ở Hòa Bình"
    assert str(by_hoa.snippet) == "Hội đồng xem đồ án của ông Hoàng ở <mark>Hòa</mark> <mark>Bình</mark>"


def test_a_folded_word_matches_every_word_that_folds_the_same_and_nothing_longer():
    ArticleFactory(title="Tin", summary="Đồ án, đo đạc, độ phủ, do dự và Hội đồng, đông đủ", body="")

    (hit,) = search.search("Độ")

    assert str(hit.snippet) == (
        "<mark>Đồ</mark> án, <mark>đo</mark> đạc, <mark>độ</mark> phủ, <mark>do</mark> dự và Hội đồng, đông đủ"
    )


def test_snippet_marks_a_phrase_as_one_where_its_words_stand_together():
    ArticleFactory(title="Tin", summary="Hòa hợp ở Hòa Bình, bình yên", body="")

    (hit,) = search.search('"hoa binh"')

    assert str(hit.snippet) == "Hòa hợp ở <mark>Hòa Bình</mark>, bình yên"


def test_snippet_is_cut_between_words():
    filler = " ".join(["Chuyển đổi số phù hợp với địa phương."] * 12)
    ArticleFactory(title="Tin", summary=f"{filler} Quảng Bình đăng cai. {filler}", body="")

    (hit,) = search.search("quang binh")
    text = str(hit.snippet)
    inner = text.removeprefix("… ").removesuffix(" …")

    assert text.startswith("… ") and text.endswith(" …")
    assert "<mark>Quảng</mark> <mark>Bình</mark> đăng cai." in text
    assert len(inner) <= search.SNIPPET + len("<mark></mark>") * 2
    # The first and last words are whole words of the text.
    words = filler.split()
    assert inner.split()[0] in words and inner.split()[-1] in words


def test_snippet_marks_no_excluded_word():
    ArticleFactory(title="Tin", summary="Thành phố thông minh, không phải đô thị cũ", body="")

    (hit,) = search.search('thanh pho -"nong thon"')

    assert str(hit.snippet) == "<mark>Thành</mark> <mark>phố</mark> thông minh, không phải đô thị cũ"


# Ranking ---------------------------------------------------------------------------


def test_a_title_holding_the_whole_phrase_ranks_first():
    ArticleFactory(
        title="Hòa và Bình",
        summary=" ".join(["hòa bình hòa bình"] * 20),
        body="<p>" + " ".join(["Hòa Bình"] * 30) + "</p>",
    )
    ArticleFactory(title="Bình Hòa", summary="Hòa Bình", body="")
    ArticleFactory(title="Phú Thọ mới có Hòa Bình cũ", summary="", body="<p>Sáp nhập.</p>")

    assert [hit.title for hit in search.search("hoa binh")][0] == "Phú Thọ mới có Hòa Bình cũ"
    assert [hit.title for hit in search.search('"hoa binh"')][0] == "Phú Thọ mới có Hòa Bình cũ"


def test_search_finds_each_kind_by_its_fields():
    province = ProvinceFactory(name="Quảng Trị")
    member = MemberFactory(full_name="Lê Văn Quảng", organisation=OrganisationFactory(province=province))
    meeting = MeetingFactory(title="Phiên họp Đắk Lắk", status=Meeting.Status.HELD, host_province=province)
    Document.objects.create(
        meeting=meeting,
        number="08/HĐCNTT",
        title="Báo cáo",
        slug="bao-cao",
        published=True,
        file=ContentFile(report_pdf(), name="b.pdf"),
    )
    Agreement.objects.create(
        title="Thỏa thuận", slug="tt", summary="Hạ tầng dùng chung", signed_on=timezone.localdate()
    )

    assert [hit.title for hit in search.search("hdcntt")] == ["Báo cáo"]
    assert [hit.title for hit in search.search('"ha tang"')] == ["Thỏa thuận"]
    assert [hit.title for hit in search.search("dak lak")] == ["Phiên họp Đắk Lắk", "Báo cáo"]
    assert {hit.title for hit in search.search("quang tri")} == {member.full_name, "Phiên họp Đắk Lắk"}


# The stored vector (PostgreSQL) -------------------------------------------------------


def stored(model, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT search_vector::text FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_the_vector_is_stored_weighted_and_folded_on_save():
    article = ArticleFactory(
        title="Lào Cai", summary="Đắk Lắk", body="<p>Hòa <b>Bình</b></p>", source_name=""
    )

    assert stored(Article, article.pk) == "'binh':6C 'cai':2A 'dak':3B 'hoa':5C 'lak':4B 'lao':1A"


@pytest.mark.postgres
def test_the_vector_follows_save_update_and_the_bulk_paths():
    article = ArticleFactory(title="Cũ")
    article.title = "Mới lưu"
    article.save()
    assert [h.title for h in search.search("moi luu")] == ["Mới lưu"]

    Article.objects.filter(pk=article.pk).update(title="Sửa hàng loạt")
    assert [h.title for h in search.search("sua hang loat")] == ["Sửa hàng loạt"]

    (created,) = Article.objects.bulk_create(
        [ArticleFactory.build(title="Tạo hàng loạt", slug="tao", category=None)]
    )
    assert [h.title for h in search.search("tao hang loat")] == ["Tạo hàng loạt"]

    created.title = "Đổi hàng loạt"
    Article.objects.bulk_update([created], ["title"])
    assert [h.title for h in search.search("doi hang loat")] == ["Đổi hàng loạt"]

    # A save that touches no searched field leaves the vector as it is (and costs no second query).
    before = stored(Article, article.pk)
    Article.objects.filter(pk=article.pk).update(view_count=5)
    assert stored(Article, article.pk) == before


@pytest.mark.postgres
def test_every_searchable_model_stores_its_vector():
    province = ProvinceFactory(name="Gia Lai")
    member = MemberFactory(full_name="Trần Thị Lan", organisation=OrganisationFactory(province=province))
    meeting = MeetingFactory(title="Phiên họp Kon Tum", status=Meeting.Status.HELD, venue="Pleiku")
    document = Document.objects.create(
        meeting=meeting,
        title="Biên bản",
        slug="bb",
        published=True,
        file=ContentFile(report_pdf(), name="b.pdf"),
    )
    agreement = Agreement.objects.create(title="Thỏa thuận Huế", slug="hue", signed_on=timezone.localdate())

    assert "'lai':" in stored(Member, member.pk) and "'lan':" in stored(Member, member.pk)
    assert "'pleiku':" in stored(Meeting, meeting.pk)
    assert "'kon':" in stored(Document, document.pk)  # the meeting's title
    assert "'hue':3A" in stored(Agreement, agreement.pk)


@pytest.mark.postgres
def test_search_reads_the_stored_vector_and_the_command_rebuilds_it():
    article = ArticleFactory(title="Tây Nguyên")
    with connection.cursor() as cursor:  # a change made behind the models' back
        cursor.execute("UPDATE council_article SET title_vi = 'Duyên hải' WHERE id = %s", [article.pk])

    assert search.search("duyen hai") == []

    call_command("rebuild_search_vectors", verbosity=0)

    assert [h.title for h in search.search("duyen hai")] == ["Duyên hải"]


def test_rebuild_command_names_every_searchable_model(capsys):
    call_command("rebuild_search_vectors")

    labels = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert sorted(labels) == [
        "council.Article",
        "meetings.Agreement",
        "meetings.Document",
        "meetings.Meeting",
        "members.Member",
    ]


def test_index_text_is_the_folded_words():
    assert textsearch.index_text("<p>Hội đồng <b>08/HĐCNTT</b>, e-Government_x</p>") == (
        "hoi dong 08 hdcntt e government x"
    )
    assert Member.SEARCH_FIELDS["A"] == ["full_name"]


def test_search_page_tells_how_to_ask_in_both_languages(client):
    vietnamese = client.get("/tim-kiem/").content.decode()
    english = client.get("/en/tim-kiem/").content.decode()

    assert "Đặt cụm từ trong ngoặc kép (“hòa bình”) để tìm đúng cụm" in vietnamese
    assert "Put words in quotes (“hòa bình”) to find them together" in english


def test_snippet_finds_a_match_far_into_a_long_text_and_never_half_a_word_at_the_fold():
    filler = "Chuyển đổi số. " * 200  # 3,000 characters
    head = "ab " + "a " * ((search.SNIPPET_HEAD - len("Hoà") - 3) // 2)
    ArticleFactory(title="Tin", summary=f"{head}Hoàng {filler}ở Hòa Bình.", body="")

    (hit,) = search.search("hoa")

    assert len(head) + len("Hoà") == search.SNIPPET_HEAD  # "Hoàng" straddles the end of the folded head
    assert str(hit.snippet).endswith("Chuyển đổi số. ở <mark>Hòa</mark> Bình.")
    assert "<mark>Ho" not in str(hit.snippet).replace("<mark>Hòa</mark>", "")


@pytest.mark.postgres
def test_rows_citing_an_edited_row_are_refreshed():
    province = ProvinceFactory(name="Quảng Bình")
    meeting = MeetingFactory(title="Phiên họp 2017", status=Meeting.Status.HELD, host_province=province)
    article = ArticleFactory(title="Tin phiên họp", meeting=meeting)
    member = MemberFactory(full_name="Lê Văn A", organisation=OrganisationFactory(province=province))
    Document.objects.create(
        meeting=meeting,
        title="Báo cáo",
        slug="bc",
        published=True,
        file=ContentFile(report_pdf(), name="b.pdf"),
    )
    Meeting.objects.filter(pk=meeting.pk).update(title="Phiên họp thường niên")
    meeting.refresh_from_db()
    # Behind the models' back, as a rename in one statement would be.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_province SET name = 'Quảng Trị mới' WHERE id = %s", [province.pk])
    province.refresh_from_db()

    assert textsearch.refresh_citing_search_vectors(meeting) == 2  # its document and its article
    assert textsearch.refresh_citing_search_vectors(province) == 3  # the meeting, the article, the member
    assert [h.title for h in search.search("thuong nien")] == ["Phiên họp thường niên", "Báo cáo"]
    assert {h.title for h in search.search("quang tri moi")} == {
        meeting.title,
        article.title,
        member.full_name,
    }


@pytest.mark.postgres
def test_renaming_a_province_in_the_admin_refreshes_what_cites_it(client):
    province = ProvinceFactory(name="Hòa Bình", slug="hoa-binh")
    member = MemberFactory(full_name="Đinh Văn B", organisation=OrganisationFactory(province=province))
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))

    url = f"/admin/members/province/{province.pk}/change/"
    response = client.post(
        url,
        {
            **version_token(client, url),
            "name": "Phú Thọ (cũ)",
            "slug": "hoa-binh",
            "region": province.region,
            "order": province.order,
        },
    )

    assert response.status_code == 302
    assert [h.title for h in search.search("phu tho cu")] == [member.full_name]


@pytest.mark.parametrize("query", ["lao cai", "LÀO CAI", "Lào Cai"])
def test_search_ignores_case_and_diacritics(query):
    ArticleFactory(title="Tin Lào Cai", body="<p>Hội nghị tại Lào Cai</p>")
    ArticleFactory(title="Tin Gia Lai", body="<p>Pleiku</p>")

    assert [hit.title for hit in search.search(query)] == ["Tin Lào Cai"]


def test_search_marks_the_words_in_an_escaped_snippet():
    ArticleFactory(title="Tin", summary="Họp 5 < 6 tại Quảng Bình", body="")

    (hit,) = search.search("quang binh")

    assert str(hit.snippet) == "Họp 5 &lt; 6 tại <mark>Quảng</mark> <mark>Bình</mark>"


def test_demo_search_finds_the_2017_meeting_and_articles(client, demo):
    for query in ["quang binh", "hội đồng giám đốc"]:
        response = client.get(reverse("search"), {"q": query})
        titles = [hit.title for hit in response.context["hits"]]
        assert "Phiên họp Hội đồng Giám đốc CNTT khu vực miền Trung – Tây Nguyên năm 2017" in titles
        assert "Các CIO miền Trung họp bàn về thành phố thông minh" in titles
        assert any(title.startswith("Họp Hội đồng Giám đốc công nghệ thông tin") for title in titles)


@pytest.mark.postgres
def test_postgres_search_uses_the_unaccent_configuration(demo):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('vietnamese_unaccent', 'Lào Cai Đắk Lắk')::text")
        assert cursor.fetchone()[0] == "'cai':2 'dak':3 'lak':4 'lao':1"
    assert search.search("quang binh")[0].rank > 0
