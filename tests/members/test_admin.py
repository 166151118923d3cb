import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Member, Membership
from tests.factories import MemberFactory, ProvinceFactory, SecretariatFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

IMPORT_URL = "/admin/members/member/nhap-csv/"
HEADER = "full_name,email,phone,position,organisation,province,role,started_on\n"


@pytest.fixture
def secretariat(client):
    user = SecretariatFactory()
    client.force_login(user)
    return client


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("thanh-vien.csv", text.encode("utf-8-sig"), content_type="text/csv")


def test_csv_import_reports_every_bad_row_and_imports_nothing(secretariat):
    ProvinceFactory(name="Gia Lai")
    csv = (
        HEADER
        + "Nguyễn Văn A,a@example.org,,Giám đốc,Sở TT&TT Gia Lai,Gia Lai,member,01/01/2018\n"
        + ",b@example.org,,,,,member,01/01/2018\n"
        + "Trần Thị C,khong-phai-email,,,,Atlantis,thu-ky,32/13/2018\n"
    )

    response = secretariat.post(IMPORT_URL, {"file": upload(csv)})

    assert response.status_code == 200
    assert response.context["report"].errors == [
        (3, "thiếu họ và tên"),
        (4, "thư điện tử “khong-phai-email” không hợp lệ"),
        (4, "vai trò “thu-ky” không có"),
        (4, "không có tỉnh, thành phố “Atlantis”"),
        (4, "ngày “32/13/2018” không hợp lệ (dùng dd/mm/yyyy)"),
    ]
    assert "chưa nhập dòng nào" in response.content.decode()
    assert Member.objects.count() == 0


def test_csv_import_creates_members_with_roles(secretariat):
    ProvinceFactory(name="Gia Lai")
    csv = (
        HEADER + "Nguyễn Văn A,a@example.org,0900,Giám đốc,Sở TT&TT Gia Lai,Gia Lai,Phó Chủ tịch,01/01/2018\n"
    )

    response = secretariat.post(IMPORT_URL, {"file": upload(csv)}, follow=True)

    member = Member.objects.get()
    assert (member.full_name, member.slug, member.organisation.province.name) == (
        "Nguyễn Văn A",
        "nguyen-van-a",
        "Gia Lai",
    )
    assert list(member.memberships.values_list("role", flat=True)) == [Membership.Role.VICE_CHAIR]
    assert "Đã nhập: 1 thành viên mới, 0 cập nhật." in response.content.decode()


def test_admin_invite_action_mails_the_member(secretariat, django_capture_on_commit_callbacks):
    member = MemberFactory(email="invited@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(
            reverse("admin:members_member_changelist"),
            {"action": "invite", "_selected_action": [member.pk]},
            follow=True,
        )

    assert "Đã gửi 1 thư mời." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["invited@example.org"]]


def test_admin_refuses_a_photo_that_is_not_an_image(secretariat):
    member = MemberFactory()
    fake = SimpleUploadedFile("anh.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    url = reverse("admin:members_member_change", args=[member.pk])
    data = {
        "full_name": member.full_name,
        "slug": member.slug,
        "photo": fake,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }

    response = secretariat.post(url, data)

    assert response.status_code == 200
    assert "Hãy tải lên một hình ảnh hợp lệ." in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("member", 302), ("secretariat", 200), ("superuser", 200)],
)
@pytest.mark.parametrize(
    "url", ["/admin/members/member/", IMPORT_URL, "/admin/members/province/", "/admin/members/organisation/"]
)
def test_members_admin_permissions(client, who, expected, url):
    if who == "member":
        client.force_login(MemberFactory(user=UserFactory()).user)
    elif who == "secretariat":
        user = SecretariatFactory()
        client.force_login(user)
    elif who == "superuser":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(url).status_code == expected
