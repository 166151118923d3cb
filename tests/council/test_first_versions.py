"""Rows never saved in the admin (the demo, the members' CSV import) have a version too,
so that one deleted by mistake is recovered from "Khôi phục … đã xóa"."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from reversion import get_registered_models
from reversion.models import Version

from council.models import Article
from members.models import Member, Organisation
from tests.admin_forms import form_fields
from tests.factories import ProvinceFactory, SecretariatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(client):
    user = SecretariatFactory(username="thu-ky", first_name="Thư", last_name="Ký")
    client.force_login(user)
    return user


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)


def test_load_demo_gives_every_row_it_makes_one_first_version_even_when_run_again(demo):
    def versions() -> dict[str, int]:
        return {
            model._meta.label: Version.objects.get_for_model(model).count()
            for model in get_registered_models()
            if model._default_manager.exists()
        }

    first = versions()
    for model in get_registered_models():
        rows = model._default_manager.count()
        assert first.get(model._meta.label, 0) == rows, model._meta.label
    assert first["council.Article"] >= 1
    assert set(Version.objects.values_list("revision__comment", flat=True)) == {"Bản đầu tiên"}

    call_command("load_demo", verbosity=0)

    assert versions() == first


def test_a_demo_article_deleted_before_any_admin_save_is_recovered_in_two_clicks(client, secretary, demo):
    article = Article.objects.order_by("pk").first()
    title, pk = article.title, article.pk
    delete = reverse("admin:council_article_delete", args=[pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=pk).exists()

    # Click 1: the deleted article in "Khôi phục bài viết đã xóa"; click 2: "Lưu lại" on its form.
    recover_list = html.unescape(client.get(reverse("admin:council_article_recoverlist")).text)
    assert title in recover_list
    recover = reverse("admin:council_article_recover", args=[Version.objects.get_deleted(Article).get().pk])
    assert recover in recover_list
    response = client.post(recover, form_fields(client.get(recover).text, "article_form"))

    assert response.status_code == 302
    assert Article.objects.get(pk=pk).title == title


def test_members_imported_from_csv_are_versions_by_whoever_imported_them(client, secretary):
    ProvinceFactory(name="Gia Lai")
    csv = (
        "full_name,email,phone,position,organisation,province,role,started_on\n"
        "Nguyễn Văn A,a@example.org,0900,Giám đốc,Sở TT&TT Gia Lai,Gia Lai,Phó Chủ tịch,01/01/2018\n"
    )
    upload = SimpleUploadedFile("thanh-vien.csv", csv.encode("utf-8-sig"), content_type="text/csv")

    assert client.post("/admin/members/member/nhap-csv/", {"file": upload}).status_code == 302

    member = Member.objects.get()
    (version,) = Version.objects.get_for_object(member)
    assert (version.revision.user, version.revision.comment) == (secretary, "Nhập từ tệp CSV")
    assert Version.objects.get_for_object(Organisation.objects.get()).count() == 1
    assert Version.objects.get_for_object(member.memberships.get()).count() == 1
