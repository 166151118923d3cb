"""The 2017 annual meeting in Quảng Bình, from the articles in content/.

Its report is a small PDF written here (the real file is not public) and its
photos are generated placeholders carrying the real captions and credits.
"""

import datetime
import io
import textwrap
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from council.shared.text import fold
from meetings.models import AgendaItem, Agreement, Attendance, Document, Meeting, Photo, Recommendation
from members.models import Member, Organisation, Province

SLUG_2017 = "hop-hoi-dong-giam-doc-cntt-nam-2017"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CREDIT = "Cục Tin học hóa"

AGENDA = [
    ("Báo cáo tình hình triển khai Thông báo số 08/HĐCNTT", "le-sy-minh"),
    ("Xây dựng mô hình thành phố thông minh và tiêu chí đánh giá", None),
    ("Triển khai dịch vụ công trực tuyến mức độ 3, 4", None),
    ("Giải pháp triển khai chữ ký số trong cơ quan nhà nước", None),
    ("Tăng cường công tác đảm bảo an toàn thông tin tại các địa phương", None),
    ("Lễ ký kết hợp tác giữa Trường Cao đẳng CNTT Hữu nghị Việt – Hàn và các Sở TT&TT", None),
]

RECOMMENDATIONS = [
    (
        "Kinh phí sự nghiệp đầu tư cho CNTT hằng năm còn quá ít",
        "Kinh phí",
        "Không đáp ứng được nhu cầu triển khai các dự án CNTT lớn, phức tạp; chưa có cơ chế huy động nguồn vốn.",
        "",
    ),
    (
        "Vai trò và chế độ ưu đãi cho cán bộ chuyên trách CNTT",
        "Nhân lực",
        "Cán bộ chuyên trách CNTT tại các cơ quan nhà nước chưa có vai trò rõ ràng, ưu đãi còn hạn chế.",
        "",
    ),
    (
        "Tuyên truyền sử dụng dịch vụ công trực tuyến mức độ 3, 4",
        "Dịch vụ công trực tuyến",
        "Công tác tuyên truyền cho người dân và doanh nghiệp chưa được chú trọng, hiệu quả sử dụng chưa cao.",
        "",
    ),
    (
        "Vướng mắc khi thuê dịch vụ CNTT theo Quyết định số 80/2014/QĐ-TTg",
        "Thuê dịch vụ CNTT",
        "Khó xác định loại dịch vụ, giá dịch vụ khi thực hiện thí điểm thuê dịch vụ CNTT.",
        "Thủ tướng Chính phủ, Bộ Thông tin và Truyền thông",
    ),
    (
        "Liên thông, kết nối và chia sẻ dữ liệu giữa các Bộ ngành và địa phương còn chậm",
        "Dữ liệu",
        "Việc chia sẻ dữ liệu đã có của các Bộ cho địa phương để phục vụ phát triển kinh tế – xã hội còn rất khó khăn.",
        "Các Bộ, ngành Trung ương",
    ),
    (
        "Cước phí, tốc độ và quy mô mạng truyền số liệu chuyên dùng",
        "Hạ tầng",
        "Cước phí sử dụng đường truyền, tốc độ và quy mô mạng là những vấn đề đặt ra khi khai thác mạng truyền số liệu chuyên dùng.",
        "Bộ Thông tin và Truyền thông",
    ),
]

PHOTOS = [
    "Đồng chí Phan Ngọc Thọ – Phó Chủ tịch Hội đồng – Phó Chủ tịch thường trực UBND tỉnh Thừa Thiên Huế chủ trì phiên họp",
    "Lễ ký kết hợp tác giữa Trường Cao đẳng CNTT Hữu nghị Việt Hàn và Sở Thông tin và Truyền thông tỉnh Thừa Thiên Huế",
    "Các đồng chí Lãnh đạo chụp ảnh lưu niệm sau phiên họp Hội đồng Giám đốc CNTT năm 2017",
]

COLLEGE = "Trường Cao đẳng Công nghệ thông tin Hữu nghị Việt – Hàn"


def pdf_of(*objects: bytes) -> bytes:
    """A PDF file holding `objects` (numbered from 1, the first the catalog), with a true xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def report_pdf() -> bytes:
    """A one-page PDF (ASCII text: the built-in PDF fonts have no Vietnamese glyphs)."""
    lines = [
        "HOI DONG GIAM DOC CNTT KHU VUC MIEN TRUNG - TAY NGUYEN",
        "Bao cao tinh hinh trien khai Thong bao so 08/HDCNTT",
        "Phien hop nam 2017 - Quang Binh, 12/8/2017",
        "",
        "Ban mau cho trang thu nghiem; van ban day du do To giup viec luu giu.",
    ]
    text = "BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(*objects)


def placeholder_photo(caption: str, number: int) -> ContentFile:
    image = Image.new("RGB", (1200, 800), (11 + number * 30, 79, 138))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 1160, 760), outline=(244, 196, 48), width=6)
    # Pillow's built-in font has no Vietnamese letters: the label is written without diacritics.
    wrapped = textwrap.fill("ANH MINH HOA (khong phai anh that): " + fold(caption), width=48)
    draw.multiline_text((80, 320), wrapped, fill=(255, 255, 255), font_size=34, spacing=10)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"phien-hop-2017-{number}.jpg")


def load() -> None:
    provinces = {p.name: p for p in Province.objects.all()}
    tho = Member.objects.filter(slug="phan-ngoc-tho").first()
    meeting, _created = Meeting.objects.update_or_create(
        slug=SLUG_2017,
        defaults={
            "title": "Phiên họp Hội đồng Giám đốc CNTT khu vực miền Trung – Tây Nguyên năm 2017",
            "year": 2017,
            "starts_at": datetime.datetime(2017, 8, 12, 8, 0, tzinfo=TZ),
            "ends_at": datetime.datetime(2017, 8, 12, 17, 0, tzinfo=TZ),
            "venue": "Quảng Bình",
            "host_province": provinces.get("Quảng Bình"),
            "chair": tho,
            "status": Meeting.Status.HELD,
            "next_host": provinces.get("Gia Lai"),
            "summary": (
                "Phiên họp định kỳ năm 2017 của Hội đồng Giám đốc công nghệ thông tin của cơ quan nhà nước "
                "các tỉnh, thành phố trực thuộc Trung ương khu vực miền Trung – Tây Nguyên, do đồng chí Phan Ngọc Thọ, "
                "Phó Chủ tịch Hội đồng, chủ trì; bàn về thành phố thông minh, dịch vụ công trực tuyến mức độ 3, 4, "
                "chữ ký số và an toàn thông tin."
            ),
            "body": (
                "Tham dự phiên họp có đồng chí Nguyễn Tiến Hoàng – Phó Chủ tịch UBND tỉnh Quảng Bình; đồng chí "
                "Phạm Văn Hải – Phó Cục trưởng Cục Tin học hóa – Bộ Thông tin và Truyền thông cùng toàn thể thành viên "
                "Hội đồng là Giám đốc Sở Thông tin và Truyền thông 13 tỉnh, thành phố và các thành viên Tổ giúp việc.\n\n"
                "Phiên họp năm 2018 được tổ chức tại tỉnh Gia Lai."
            ),
            "title_en": "2017 meeting of the council of IT directors of the Central and Central Highlands region",
            "summary_en": (
                "The council's regular meeting for 2017, chaired by Phan Ngọc Thọ, Vice-Chair of the council. "
                "It discussed smart cities, online public services at levels 3 and 4, digital signatures and "
                "information security."
            ),
        },
    )
    members = {m.slug: m for m in Member.objects.all()}
    for order, (title, presenter) in enumerate(AGENDA, start=1):
        AgendaItem.objects.update_or_create(
            meeting=meeting, order=order, defaults={"title": title, "presenter": members.get(presenter or "")}
        )
    for member in members.values():
        if member.memberships.exists() or member.slug in {"nguyen-tien-hoang", "pham-van-hai"}:
            Attendance.objects.update_or_create(
                meeting=meeting, member=member, defaults={"rsvp": Attendance.Rsvp.ACCEPTED, "attended": True}
            )
    if not Document.objects.filter(meeting=meeting, slug="bao-cao-trien-khai-thong-bao-08").exists():
        Document.objects.create(
            meeting=meeting,
            kind=Document.Kind.REPORT,
            number="08/HĐCNTT",
            title="Báo cáo tình hình triển khai Thông báo số 08/HĐCNTT",
            slug="bao-cao-trien-khai-thong-bao-08",
            file=ContentFile(report_pdf(), name="bao-cao-08-hdcntt.pdf"),
            published=True,
        )
    for order, caption in enumerate(PHOTOS, start=1):
        if not Photo.objects.filter(meeting=meeting, order=order).exists():
            Photo.objects.create(
                meeting=meeting,
                image=placeholder_photo(caption, order),
                caption=caption,
                credit=CREDIT,
                order=order,
            )
    for order, (title, topic, body, addressed_to) in enumerate(RECOMMENDATIONS, start=1):
        Recommendation.objects.update_or_create(
            meeting=meeting,
            title=title,
            defaults={"topic": topic, "body": body, "addressed_to": addressed_to, "order": order},
        )
    agreement, _created = Agreement.objects.update_or_create(
        slug="hop-tac-cao-dang-cntt-viet-han-va-cac-so-tttt-2017",
        defaults={
            "title": "Thỏa thuận hợp tác giữa Trường Cao đẳng CNTT Hữu nghị Việt – Hàn và Sở Thông tin và Truyền thông "
            "các tỉnh Quảng Bình, Quảng Trị, Thừa Thiên Huế",
            "signed_on": datetime.date(2017, 8, 12),
            "meeting": meeting,
            "summary": "Tăng cường hợp tác giữa các cơ quan, đơn vị, tạo sự kết nối bền vững trong việc triển khai "
            "công nghệ thông tin; ký kết tại phiên họp Hội đồng năm 2017.",
            "title_en": "Cooperation agreement between the Viet – Han Friendship College of Information "
            "Technology and the Departments of Information and Communications of Quảng Bình, Quảng Trị "
            "and Thừa Thiên Huế",
            "summary_en": "Closer cooperation between the agencies and units, and lasting links in deploying "
            "information technology; signed at the council's 2017 meeting.",
        },
    )
    parties = Organisation.objects.filter(
        name__in=[COLLEGE]
        + [
            f"Sở Thông tin và Truyền thông tỉnh {name}"
            for name in ("Quảng Bình", "Quảng Trị", "Thừa Thiên Huế")
        ]
    )
    agreement.parties.set(parties)
