"""The council's provinces, departments and the people of the 2017 meeting.

History stays true: the 2017 provinces and departments keep their names and
point to what replaced them (departments of Information and Communications
joined Science and Technology on 1 March 2025; provinces merged on 1 July 2025).
People are only those named in the 2017 articles, with their public roles of
the time; the other provinces' directors are placeholders, not invented names.
"""

import datetime

from members.models import Member, Membership, Organisation, Province, Region

DEPARTMENTS_MERGED = datetime.date(2025, 2, 28)
PROVINCES_MERGED = datetime.date(2025, 6, 30)
HUE_BECAME_CITY = datetime.date(2024, 12, 31)

# Every province (the 34 of today and the 63 before the merger, with successors) is
# loaded by migration members 0003_load_provinces. The demo only makes sure that the
# ones it needs exist (a flushed database has none) and never changes them:
# (name, slug, region, what it is part of today, the day it ended), as in that migration.
PROVINCES = [
    ("Quảng Bình", "quang-binh", Region.NORTH_CENTRAL, "Quảng Trị", PROVINCES_MERGED),
    ("Quảng Trị", "quang-tri", Region.NORTH_CENTRAL, None, None),
    ("Thừa Thiên Huế", "thua-thien-hue", Region.NORTH_CENTRAL, "Huế", HUE_BECAME_CITY),
    ("Quảng Nam", "quang-nam", Region.SOUTH_CENTRAL, "Đà Nẵng", PROVINCES_MERGED),
    ("Quảng Ngãi", "quang-ngai", Region.SOUTH_CENTRAL, None, None),
    ("Bình Định", "binh-dinh", Region.SOUTH_CENTRAL, "Gia Lai", PROVINCES_MERGED),
    ("Phú Yên", "phu-yen", Region.SOUTH_CENTRAL, "Đắk Lắk", PROVINCES_MERGED),
    ("Khánh Hòa", "khanh-hoa", Region.SOUTH_CENTRAL, None, None),
    ("Ninh Thuận", "ninh-thuan", Region.SOUTH_CENTRAL, "Khánh Hòa", PROVINCES_MERGED),
    ("Gia Lai", "gia-lai", Region.HIGHLANDS, None, None),
    ("Kon Tum", "kon-tum", Region.HIGHLANDS, "Quảng Ngãi", PROVINCES_MERGED),
    ("Đắk Lắk", "dak-lak", Region.HIGHLANDS, None, None),
    ("Đắk Nông", "dak-nong", Region.HIGHLANDS, "Lâm Đồng", PROVINCES_MERGED),
    # Today's names that the 2017 list does not have.
    ("Huế", "hue", Region.NORTH_CENTRAL, None, None),
    ("Đà Nẵng", "da-nang", Region.SOUTH_CENTRAL, None, None),
    ("Lâm Đồng", "lam-dong", Region.HIGHLANDS, None, None),
]
COUNCIL_2017 = [name for name, *_rest in PROVINCES[:13]]
MEETING_2017 = datetime.date(2017, 8, 12)


def _department(kind: str, province: Province) -> str:
    place = "thành phố" if province.name in {"Huế", "Đà Nẵng"} else "tỉnh"
    return f"Sở {kind} {place} {province.name}"


def load() -> None:
    for order, (name, slug, region, _successor, ended_on) in enumerate(PROVINCES, start=1):
        Province.objects.get_or_create(
            name=name, defaults={"slug": slug, "region": region, "order": order, "ended_on": ended_on}
        )
    provinces = Province.objects.in_bulk(field_name="name")
    for name, _slug, _region, successor, _ended in PROVINCES:
        if successor:
            Province.objects.filter(pk=provinces[name].pk, successor=None).update(
                successor=provinces[successor]
            )
    provinces = Province.objects.select_related("successor").in_bulk(field_name="name")

    departments = {}
    for name in COUNCIL_2017:
        province = provinces[name]
        today = province.successor or province
        successor, _created = Organisation.objects.update_or_create(
            name=_department("Khoa học và Công nghệ", today),
            defaults={
                "short_name": "Sở KH&CN",
                "kind": Organisation.Kind.PROVINCIAL_DEPARTMENT,
                "province": today,
            },
        )
        departments[name], _created = Organisation.objects.update_or_create(
            name=_department("Thông tin và Truyền thông", province),
            defaults={
                "short_name": "Sở TT&TT",
                "kind": Organisation.Kind.PROVINCIAL_DEPARTMENT,
                "province": province,
                "ended_on": DEPARTMENTS_MERGED,
                "successor": successor,
            },
        )

    hue_committee, _created = Organisation.objects.update_or_create(
        name="Ủy ban nhân dân tỉnh Thừa Thiên Huế",
        defaults={
            "short_name": "UBND tỉnh",
            "kind": Organisation.Kind.PROVINCIAL_GOVERNMENT,
            "province": provinces["Thừa Thiên Huế"],
        },
    )
    quang_binh_committee, _created = Organisation.objects.update_or_create(
        name="Ủy ban nhân dân tỉnh Quảng Bình",
        defaults={
            "short_name": "UBND tỉnh",
            "kind": Organisation.Kind.PROVINCIAL_GOVERNMENT,
            "province": provinces["Quảng Bình"],
        },
    )
    authority, _created = Organisation.objects.update_or_create(
        name="Cục Tin học hóa",
        defaults={"short_name": "Cục THH", "kind": Organisation.Kind.MINISTRY},
    )
    Organisation.objects.update_or_create(
        name="Trường Cao đẳng Công nghệ thông tin Hữu nghị Việt – Hàn",
        defaults={"short_name": "Cao đẳng CNTT Việt – Hàn", "kind": Organisation.Kind.COLLEGE},
    )

    people = [
        # (slug, full name, position, organisation, role or None for guests)
        (
            "phan-ngoc-tho",
            "Phan Ngọc Thọ",
            "Phó Chủ tịch thường trực UBND tỉnh Thừa Thiên Huế",
            hue_committee,
            Membership.Role.VICE_CHAIR,
        ),
        (
            "le-sy-minh",
            "Lê Sỹ Minh",
            "Giám đốc Sở Thông tin và Truyền thông tỉnh Thừa Thiên Huế",
            departments["Thừa Thiên Huế"],
            Membership.Role.MEMBER,
        ),
        (
            "nguyen-tien-hoang",
            "Nguyễn Tiến Hoàng",
            "Phó Chủ tịch UBND tỉnh Quảng Bình",
            quang_binh_committee,
            None,
        ),
        (
            "pham-van-hai",
            "Phạm Văn Hải",
            "Phó Cục trưởng Cục Tin học hóa – Bộ Thông tin và Truyền thông",
            authority,
            None,
        ),
    ]
    for name in COUNCIL_2017:
        if name != "Thừa Thiên Huế":
            people.append(
                (
                    f"giam-doc-so-tttt-{provinces[name].slug}",
                    f"Giám đốc Sở TT&TT {provinces[name].name}",
                    f"Giám đốc Sở Thông tin và Truyền thông tỉnh {provinces[name].name}",
                    departments[name],
                    Membership.Role.MEMBER,
                )
            )
    people.append(
        (
            "to-giup-viec-hoi-dong",
            "Tổ giúp việc Hội đồng",
            "Thư ký Hội đồng",
            departments["Thừa Thiên Huế"],
            Membership.Role.SECRETARIAT,
        )
    )
    for slug, full_name, position, organisation, role in people:
        placeholder = full_name.startswith(("Giám đốc Sở", "Tổ giúp việc"))
        member, _created = Member.objects.update_or_create(
            slug=slug,
            defaults={
                "full_name": full_name,
                "position": position,
                "organisation": organisation,
                "email": f"{slug}@example.org",
                "bio": "Tên người giữ chức vụ này không có trong tư liệu của trang; mục này giữ chỗ cho dữ liệu mẫu."
                if placeholder
                else "",
            },
        )
        if role:
            Membership.objects.update_or_create(
                member=member,
                role=role,
                defaults={"started_on": datetime.date(2017, 1, 1), "note": "Theo tư liệu phiên họp năm 2017"},
            )
