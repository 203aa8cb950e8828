"""``create_*`` builders for tests: the smallest real records a test needs."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from notices.privacy.numbers import id_check_char
from villages import services as villages
from villages.models import Region, Role, Staff

COUNTY = "419901000000"
TOWNSHIP = "419901100000"
VILLAGE_A = "419901100201"
VILLAGE_B = "419901100202"
OTHER_TOWNSHIP = "419901101000"
OTHER_VILLAGE = "419901101201"

REGIONS = [
    (COUNTY, "青禾县"), (TOWNSHIP, "城关镇"), (VILLAGE_A, "东湖村"), (VILLAGE_B, "西岗村"),
    (OTHER_TOWNSHIP, "柳河镇"), (OTHER_VILLAGE, "柳河村"),
]


# Every township has its 监督电话 (publishing refuses a notice without one).
SUPERVISION_PHONES = {TOWNSHIP: "0376-7712345", OTHER_TOWNSHIP: "0376-7723456"}


async def create_county() -> None:
    await villages.import_regions(REGIONS)
    for code, phone in SUPERVISION_PHONES.items():
        await Region.filter(code=code).update(supervision_phone=phone)


async def create_staff(name: str, role: Role, scope: str) -> Staff:
    await villages.add_staff(name, role, scope)
    return await villages.get_staff(name)


def make_id(birth: str = "19700101", seq: int = 123, area: str = "419901") -> str:
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def payout_csv(rows: list[tuple[str, str, str, str, str]], *, total: str | None = None) -> bytes:
    """A payout sheet with a title row: rows of (village, group, name, area, amount)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["城关镇2026年耕地地力保护补贴发放清册"])
    writer.writerow(["村", "村民小组", "户主姓名", "身份证号码", "面积（亩）", "补贴金额（元）"])
    for index, (village, group, name, area, amount) in enumerate(rows):
        writer.writerow([village, group, name, make_id(seq=index), area, amount])
    if total is not None:
        writer.writerow(["合计", "", "", "", "", total])
    return out.getvalue().encode("utf-8-sig")


def sum_yuan(amounts: list[str]) -> str:
    return f"{sum(Decimal(a) for a in amounts):.2f}"
