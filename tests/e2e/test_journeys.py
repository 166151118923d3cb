"""The users' journeys through the site, in Chromium, with screenshots."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image, ImageDraw

from council.models import Article
from meetings.models import Attendance, Delivery, Meeting, Notice
from meetings.notice_compose import compose_notice
from meetings.notice_send import send_notice
from polls.models import Vote
from tests.e2e.conftest import log_into_admin
from tests.factories import (
    CategoryFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    ProvinceFactory,
    UserFactory,
    VoteFactory,
    poll_with_choices,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.fixture
def visitor(browser):
    # A real browser's user agent: headless Chromium's own is left out of the counter as a bot.
    context = browser.new_context(locale="vi-VN", user_agent=BROWSER, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_visitor_reads_news_opens_the_2017_meeting_downloads_its_report_and_votes(
    live_server, visitor, demo, settings
):
    settings.ONLINE_COUNTER_READ_SECONDS = 0
    page = visitor
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tin tức").click()
    page.get_by_role("link", name="Các CIO miền Trung họp bàn về thành phố thông minh").click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Các CIO miền Trung họp bàn về thành phố thông minh"
    )
    page.screenshot(path=str(_shot("journey-visitor-article")), full_page=True)

    page.get_by_role(
        "link", name="Phiên họp Hội đồng Giám đốc CNTT khu vực miền Trung – Tây Nguyên năm 2017"
    ).click()
    assert "Phan Ngọc Thọ" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo tình hình triển khai Thông báo số 08/HĐCNTT").click()
    assert (
        download.value.suggested_filename
        == "08-hdcntt-bao-cao-tinh-hinh-trien-khai-thong-bao-so-08hdcntt.pdf"
    )
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    page.screenshot(path=str(_shot("journey-visitor-meeting")), full_page=True)

    sidebar = page.get_by_role("region", name="Thăm dò ý kiến")
    sidebar.get_by_role("radio", name="Đạt yêu cầu", exact=True).check()
    sidebar.get_by_role("button", name="Bình chọn").click()
    sidebar.get_by_role("status").wait_for()
    results = sidebar.inner_text()
    assert "Tổng số phiếu: 17" in results
    assert "8 phiếu (47 %)" in results

    page.reload()
    counter = page.get_by_role("region", name="Thống kê truy cập").inner_text()
    guests = int(re.search(r"Khách\n(\d+)", counter).group(1))
    assert guests >= 1  # this visitor, at least (other browsers may share the server)
    page.screenshot(path=str(_shot("journey-visitor-voted")), full_page=True)
    assert problems == []


def test_secretariat_publishes_an_article_with_a_photo_and_invites_the_members_to_a_meeting(
    live_server, page, settings, tmp_path, eager_celery, mailoutbox, secretary
):
    settings.SITE_URL = live_server.url  # the links in the emails lead to this server
    CategoryFactory(name="Tin Hội đồng", slug="tin-hoi-dong")
    ProvinceFactory(name="Gia Lai", slug="gia-lai")
    member = MemberFactory(full_name="Trần Thị Hoa", email="hoa@example.org")
    MembershipFactory(member=member)
    photo = tmp_path / "hoi-nghi-pleiku.jpg"
    _photo(photo)
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    log_into_admin(page, live_server.url, secretary)
    page.get_by_role("heading", name="Quản trị nội dung").wait_for()

    # Write an article: title, body in the rich-text editor, cover photo, category, published now.
    page.goto(live_server.url + "/admin/council/article/add/")
    title = "Tổ giúp việc chuẩn bị phiên họp năm 2026 tại Gia Lai"
    page.fill("#id_title_vi", title)
    page.fill("#id_summary_vi", "Các tỉnh gửi báo cáo trước ngày 15 tháng 9.")
    editor = page.locator(".field-body_vi .ProseMirror[contenteditable=true]")
    editor.wait_for(timeout=10_000)
    editor.click()
    page.keyboard.type("Tổ giúp việc đã gửi công văn đến các Sở.")
    page.keyboard.press("Enter")
    page.keyboard.type("Phiên họp sẽ bàn về chuyển đổi số cấp tỉnh.")
    page.set_input_files("#id_cover", photo)
    page.fill("#id_cover_caption", "Hội trường Pleiku")
    page.select_option("#id_category", label="Tin Hội đồng")
    page.select_option("#id_status", label="Xuất bản")
    page.locator(".field-published_at").get_by_role("button", name="Bây giờ").click()
    page.screenshot(path=str(_shot("journey-secretariat-article-form")), full_page=True)
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()
    article = Article.objects.get(title=title)
    assert article.slug == "to-giup-viec-chuan-bi-phien-hop-nam-2026-tai-gia-lai"
    assert article.is_public
    assert abs(timezone.now() - article.published_at) < datetime.timedelta(minutes=2)
    assert "<p>Phiên họp sẽ bàn về chuyển đổi số cấp tỉnh.</p>" in article.body
    assert article.cover.name.startswith("private/news/") and article.cover.name.endswith(".jpg")

    # The public news list shows it with its photo, and so does its page.
    public_pages_from = len(problems)
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tin tức").click()
    item = page.locator("article.article-item", has=page.get_by_role("link", name=title))
    assert "Tin Hội đồng" in item.inner_text()
    _assert_image_shown(item.locator("img"))
    page.screenshot(path=str(_shot("journey-secretariat-news-list")), full_page=True)
    item.get_by_role("link", name=title).click()
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert "Phiên họp sẽ bàn về chuyển đổi số cấp tỉnh." in page.locator(".article-body").inner_text()
    _assert_image_shown(page.get_by_role("img", name="Hội trường Pleiku"))
    page.screenshot(path=str(_shot("journey-secretariat-article")), full_page=True)
    assert problems[public_pages_from:] == []

    # Create the meeting.
    page.goto(live_server.url + "/admin/meetings/meeting/add/")
    meeting_title = "Phiên họp Hội đồng năm 2026"
    starts = timezone.localtime() + datetime.timedelta(days=40)
    page.fill("#id_title_vi", meeting_title)
    page.fill("#id_year", str(starts.year))
    page.select_option("#id_status", label="Sắp diễn ra")
    page.fill("#id_starts_at_0", starts.strftime("%d/%m/%Y"))
    page.fill("#id_starts_at_1", "08:00:00")
    page.locator(".field-host_province .select2-selection").click()
    page.locator(".select2-search__field").fill("Gia")
    page.locator(".select2-results__option", has_text="Gia Lai").click()
    page.fill("#id_venue", "Khách sạn Hoàng Anh Gia Lai, Pleiku")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()
    meeting = Meeting.objects.get(title=meeting_title)
    assert (meeting.slug, meeting.status) == ("phien-hop-hoi-dong-nam-2026", Meeting.Status.PLANNED)
    assert meeting.host_province.name == "Gia Lai"
    assert timezone.localtime(meeting.starts_at).date() == starts.date()

    # Compose the invitation from its template, then send it now.
    page.goto(live_server.url + "/admin/meetings/notice/add/")
    page.select_option("#id_meeting", label=meeting_title)
    page.select_option("#id_kind", label="Giấy mời")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()
    assert page.locator("#id_subject").input_value() == f"Giấy mời: {meeting_title}"
    page.click("input[name=_send_now]")
    page.locator(".messagelist .success", has_text="Đang gửi thông báo tới 1 thành viên.").wait_for()
    assert "Đã gửi 1, chờ gửi 0" in page.locator("#content-main").inner_text()
    page.screenshot(path=str(_shot("journey-secretariat-notice-sent")), full_page=True)

    notice = Notice.objects.get(meeting=meeting)
    assert notice.state == Notice.State.SENT
    delivery = Delivery.objects.get(notice=notice)
    assert (delivery.member, delivery.state) == (member, Delivery.State.SENT)
    (message,) = mailoutbox
    assert message.to == ["hoa@example.org"]
    assert meeting_title in message.subject
    assert meeting_title in message.body
    rsvp_link = re.search(rf"{re.escape(live_server.url)}/tra-loi-giay-moi/\S+/tham-du/", message.body)
    assert rsvp_link is not None
    assert rsvp_link.group(0) in message.alternatives[0].content
    assert Attendance.objects.get(meeting=meeting, member=member).rsvp == Attendance.Rsvp.INVITED
    # No script is refused in the admin either (the editor has one refused inline style, harmless).
    assert [p for p in problems if "script-src" in p] == []


def test_member_logs_in_votes_in_a_members_poll_and_answers_an_invitation(
    live_server, visitor, settings, eager_celery, mailoutbox
):
    settings.SITE_URL = live_server.url
    user = UserFactory(username="hoa", first_name="Trần Thị", last_name="Hoa")
    member = MemberFactory(full_name="Trần Thị Hoa", email="hoa@example.org", user=user)
    MembershipFactory(member=member)
    poll, (first, second, third) = poll_with_choices(
        "Pleiku, Gia Lai",
        "Quy Nhơn, Gia Lai",
        "Buôn Ma Thuột, Đắk Lắk",
        question="Phiên họp năm 2026 nên tổ chức ở đâu?",
        slug="dia-diem-phien-hop-2026",
        audience="members",
        featured=True,
    )
    for choice, voter in [(first, 101), (second, 102), (second, 103)]:
        VoteFactory(choice=choice, voter_key=f"user:{voter}")
    meeting = MeetingFactory(title="Phiên họp Hội đồng năm 2026")
    page = visitor
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    # A guest is asked to log in; the member logs in through the member login page.
    page.goto(live_server.url + "/")
    sidebar = page.get_by_role("region", name="Thăm dò ý kiến")
    assert "Chỉ thành viên Hội đồng được bình chọn" in sidebar.inner_text()
    sidebar.get_by_role("link", name="Đăng nhập").click()
    assert page.url.startswith(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("hoa")
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem")
    page.screenshot(path=str(_shot("journey-member-login")), full_page=True)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    assert page.url == live_server.url + "/"
    assert "Xin chào Trần Thị Hoa" in page.get_by_role("banner").inner_text()

    # Vote in the members' poll in the sidebar, and see the percentages.
    sidebar.get_by_role("radio", name="Buôn Ma Thuột, Đắk Lắk").check()
    sidebar.get_by_role("button", name="Bình chọn").click()
    sidebar.get_by_role("status").wait_for()
    results = sidebar.inner_text()
    assert "Bạn đã bình chọn: Buôn Ma Thuột, Đắk Lắk" in results
    assert "1 phiếu (25 %)" in results
    assert "2 phiếu (50 %)" in results
    assert "Tổng số phiếu: 4" in results
    assert Vote.objects.get(poll=poll, user=user).choice == third
    page.screenshot(path=str(_shot("journey-member-voted")), full_page=True)
    page.goto(live_server.url + "/binh-chon/dia-diem-phien-hop-2026/")
    panel = page.get_by_role("region", name="Bình chọn và kết quả")
    assert "Bạn đã bình chọn: Buôn Ma Thuột, Đắk Lắk" in panel.inner_text()
    assert panel.get_by_role("progressbar", name="Quy Nhơn, Gia Lai").get_attribute("aria-valuenow") == "50"
    page.screenshot(path=str(_shot("journey-member-poll")), full_page=True)

    # The secretariat's invitation arrives; the member follows its "attend" link.
    send_notice(notice=compose_notice(meeting=meeting, kind=Notice.Kind.INVITATION))
    (message,) = mailoutbox
    assert message.to == ["hoa@example.org"]
    accept = re.search(r"Tham dự: (\S+)", message.body).group(1)
    page.goto(accept)
    assert "Xin xác nhận: Ông/Bà Trần Thị Hoa sẽ tham dự phiên họp." in page.get_by_role("main").inner_text()
    assert Attendance.objects.get(meeting=meeting, member=member).rsvp == Attendance.Rsvp.INVITED
    page.get_by_role("button", name="Xác nhận tham dự").click()
    assert "Cảm ơn Ông/Bà đã xác nhận tham dự." in page.get_by_role("status").inner_text()
    assert "Ông/Bà Trần Thị Hoa đã xác nhận tham dự" in page.get_by_role("main").inner_text()
    page.screenshot(path=str(_shot("journey-member-rsvp")), full_page=True)
    attendance = Attendance.objects.get(meeting=meeting, member=member)
    assert attendance.rsvp == Attendance.Rsvp.ACCEPTED
    assert attendance.responded_at is not None

    # Plans change: the same link lets the member send apologies instead; the last answer counts.
    page.get_by_role("link", name="Thay đổi: tôi không tham dự được").click()
    page.get_by_role("button", name="Xác nhận vắng mặt").click()
    assert "Tổ giúp việc đã ghi nhận Ông/Bà vắng mặt." in page.get_by_role("status").inner_text()
    assert "Ông/Bà Trần Thị Hoa đã báo vắng mặt" in page.get_by_role("main").inner_text()
    page.screenshot(path=str(_shot("journey-member-rsvp-declined")), full_page=True)
    assert Attendance.objects.get(meeting=meeting, member=member).rsvp == Attendance.Rsvp.DECLINED
    assert problems == []


def _photo(path) -> None:
    """A small real JPEG: a sky, a hall and a banner."""
    image = Image.new("RGB", (640, 427), (70, 130, 180))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 180, 580, 400), fill=(200, 60, 50))
    draw.rectangle((120, 230, 520, 290), fill=(250, 220, 80))
    image.save(path, format="JPEG", quality=90)


def _assert_image_shown(image) -> None:
    image.scroll_into_view_if_needed()
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")


def _shot(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
