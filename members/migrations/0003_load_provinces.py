"""Load every provincial name since 2024: the 34 of today and the 63 before the 2025 merger.

From the official list (Resolution 202/2025/QH15; Huế a centrally-run city from
2025): 64 names, each former one with its last day and its successor. Rows that
already exist (by name) keep their slug, region and order and get the end date and
successor; the demo loader finds them here and adds none. Reversing removes the
rows this list names that nothing refers to.
"""

import datetime
import unicodedata

from django.db import migrations, transaction
from django.db.models import ProtectedError

# (name, last day or "", successor or "")
PROVINCES = [
    ("An Giang", "", ""),
    ("Kiên Giang", "2025-06-30", "An Giang"),
    ("Bắc Ninh", "", ""),
    ("Bắc Giang", "2025-06-30", "Bắc Ninh"),
    ("Cao Bằng", "", ""),
    ("Cà Mau", "", ""),
    ("Bạc Liêu", "2025-06-30", "Cà Mau"),
    ("Cần Thơ", "", ""),
    ("Hậu Giang", "2025-06-30", "Cần Thơ"),
    ("Sóc Trăng", "2025-06-30", "Cần Thơ"),
    ("Gia Lai", "", ""),
    ("Bình Định", "2025-06-30", "Gia Lai"),
    ("Huế", "", ""),
    ("Thừa Thiên Huế", "2024-12-31", "Huế"),
    ("Hà Nội", "", ""),
    ("Hà Tĩnh", "", ""),
    ("Hưng Yên", "", ""),
    ("Thái Bình", "2025-06-30", "Hưng Yên"),
    ("Hải Phòng", "", ""),
    ("Hải Dương", "2025-06-30", "Hải Phòng"),
    ("Hồ Chí Minh", "", ""),
    ("Bà Rịa – Vũng Tàu", "2025-06-30", "Hồ Chí Minh"),
    ("Bình Dương", "2025-06-30", "Hồ Chí Minh"),
    ("Khánh Hòa", "", ""),
    ("Ninh Thuận", "2025-06-30", "Khánh Hòa"),
    ("Lai Châu", "", ""),
    ("Lào Cai", "", ""),
    ("Yên Bái", "2025-06-30", "Lào Cai"),
    ("Lâm Đồng", "", ""),
    ("Bình Thuận", "2025-06-30", "Lâm Đồng"),
    ("Đắk Nông", "2025-06-30", "Lâm Đồng"),
    ("Lạng Sơn", "", ""),
    ("Nghệ An", "", ""),
    ("Ninh Bình", "", ""),
    ("Hà Nam", "2025-06-30", "Ninh Bình"),
    ("Nam Định", "2025-06-30", "Ninh Bình"),
    ("Phú Thọ", "", ""),
    ("Hòa Bình", "2025-06-30", "Phú Thọ"),
    ("Vĩnh Phúc", "2025-06-30", "Phú Thọ"),
    ("Quảng Ngãi", "", ""),
    ("Kon Tum", "2025-06-30", "Quảng Ngãi"),
    ("Quảng Ninh", "", ""),
    ("Quảng Trị", "", ""),
    ("Quảng Bình", "2025-06-30", "Quảng Trị"),
    ("Sơn La", "", ""),
    ("Thanh Hóa", "", ""),
    ("Thái Nguyên", "", ""),
    ("Bắc Kạn", "2025-06-30", "Thái Nguyên"),
    ("Tuyên Quang", "", ""),
    ("Hà Giang", "2025-06-30", "Tuyên Quang"),
    ("Tây Ninh", "", ""),
    ("Long An", "2025-06-30", "Tây Ninh"),
    ("Vĩnh Long", "", ""),
    ("Bến Tre", "2025-06-30", "Vĩnh Long"),
    ("Trà Vinh", "2025-06-30", "Vĩnh Long"),
    ("Điện Biên", "", ""),
    ("Đà Nẵng", "", ""),
    ("Quảng Nam", "2025-06-30", "Đà Nẵng"),
    ("Đắk Lắk", "", ""),
    ("Phú Yên", "2025-06-30", "Đắk Lắk"),
    ("Đồng Nai", "", ""),
    ("Bình Phước", "2025-06-30", "Đồng Nai"),
    ("Đồng Tháp", "", ""),
    ("Tiền Giang", "2025-06-30", "Đồng Tháp"),
]
# The council's region first, in its usual order; every other province after it.
COUNCIL_ORDER = [
    "Quảng Bình",
    "Quảng Trị",
    "Thừa Thiên Huế",
    "Quảng Nam",
    "Quảng Ngãi",
    "Bình Định",
    "Phú Yên",
    "Khánh Hòa",
    "Ninh Thuận",
    "Gia Lai",
    "Kon Tum",
    "Đắk Lắk",
    "Đắk Nông",
    "Huế",
    "Đà Nẵng",
    "Lâm Đồng",
]
OTHERS_ORDER = 100
REGIONS = {
    "north_central": {"Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Huế"},
    "south_central": {
        "Đà Nẵng",
        "Quảng Nam",
        "Quảng Ngãi",
        "Bình Định",
        "Phú Yên",
        "Khánh Hòa",
        "Ninh Thuận",
        "Bình Thuận",
    },
    "highlands": {"Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng"},
}


def _slug(name: str) -> str:
    """Frozen here (a migration must not change with the code): "Đắk Lắk" -> "dak-lak"."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())


def _region(name: str) -> str:
    return next((region for region, names in REGIONS.items() if name in names), "other")


def load_provinces(apps, schema_editor):
    Province = apps.get_model("members", "Province")
    by_name = {}
    for name, _ended_on, _successor in PROVINCES:
        province = Province.objects.filter(name=name).first()
        if province is None:
            slug = _slug(name)
            if Province.objects.filter(slug=slug).exists():
                slug = f"{slug}-{len(by_name) + 1}"
            order = COUNCIL_ORDER.index(name) + 1 if name in COUNCIL_ORDER else OTHERS_ORDER
            province = Province.objects.create(name=name, slug=slug, region=_region(name), order=order)
        by_name[name] = province
    for name, ended_on, successor in PROVINCES:
        Province.objects.filter(pk=by_name[name].pk).update(
            ended_on=datetime.date.fromisoformat(ended_on) if ended_on else None,
            successor=by_name[successor] if successor else None,
        )


def unload_provinces(apps, schema_editor):
    Province = apps.get_model("members", "Province")
    names = [name for name, _ended_on, _successor in PROVINCES]
    for province in Province.objects.filter(name__in=names):
        try:
            with transaction.atomic():
                province.delete()
        except ProtectedError:
            pass  # an organisation or a meeting still refers to it: it stays


class Migration(migrations.Migration):
    dependencies = [("members", "0002_secretariat_group")]

    operations = [migrations.RunPython(load_provinces, unload_provinces)]
