"""Contact numbers notices may print (issue §4): a township's 监督电话 and the county's
official numbers. The privacy scan lets them through, so each is a hole in it, kept small:

- only the county admin sets them, each change audited with before and after;
- a township's 监督电话 passes only on that township's notices (county settings'
  ``whitelisted_numbers``);
- a mobile number, usually a person's, passes only once the admin has marked it as an
  office's (``--office-mobile``): the marks are kept in the ``office_mobiles`` row, so a
  mobile set before this rule existed (by any clerk) is not whitelisted until vouched for;
- a notice is not published without its township's 监督电话: the board would show a gap.
"""

from __future__ import annotations

import re

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.county.models import CountySetting
from notices.county.store import store_setting
from notices.privacy.masking import mask_number
from notices.privacy.numbers import mobile_digits
from villages.errors import CheckFailed, InvalidInput, NotFound
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role

TOWNSHIP_PHONE = "supervision_phone."
OFFICE_MOBILES = "office_mobiles"   # not a setting of its own: written by --office-mobile
_PHONE = re.compile(r"^(\d{3,5}|0\d{2,3}-?\d{7,8}|1[3-9]\d{9}|400-?\d{3}-?\d{4})$")


def check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise InvalidInput(f"“{value[:30]}”不像公开的电话号码（如 0376-7712345、12345）")
    return value


def mobiles_in(numbers: str) -> list[str]:
    """The mobile numbers among comma-separated ``numbers``, as 11 digits."""
    return [m for m in map(mobile_digits, numbers.split(",")) if m]


def check_office_mobiles(numbers: str, office_mobile: bool) -> None:
    """A mobile is a contact number only when the admin says it is an office's."""
    mobiles = mobiles_in(numbers)
    if mobiles and not office_mobile:
        raise InvalidInput(
            f"{mask_number(mobiles[0])} 是手机号。公开的联系电话应是办公电话；"
            "如这个手机号确是单位的办公电话，请县管理员确认后加 --office-mobile 再设置")


async def vouched_mobiles() -> frozenset[str]:
    row = await CountySetting.get_or_none(key=OFFICE_MOBILES)
    return frozenset(row.value.split(",")) if row is not None and row.value else frozenset()


async def vouch(numbers: str, actor: Staff) -> None:
    """Mark the mobiles among ``numbers`` as office numbers (the caller checked the role)."""
    mobiles = set(mobiles_in(numbers))
    known = await vouched_mobiles()
    if mobiles - known:
        await store_setting(OFFICE_MOBILES, ",".join(sorted(known | mobiles)), "", actor)


def printable(numbers: list[str], vouched: frozenset[str]) -> frozenset[str]:
    """``numbers`` as digits, leaving out each mobile the admin has not vouched for."""
    digits = ("".join(ch for ch in n if ch.isdigit()) for n in numbers)
    return frozenset(d for d in digits if d and (not mobile_digits(d) or d in vouched))


async def township_of(region: Region) -> Region:
    """The township a village or township belongs to (itself for a township)."""
    if region.level != Level.VILLAGE or region.parent_id is None:
        return region
    return await Region.get(id=region.parent_id)


async def check_supervision_phone(township: Region) -> None:
    """Every notice prints its township's 监督电话, the number villagers call with a doubt:
    refuse to publish without one, or with a mobile nobody vouched for."""
    phone, setting = township.supervision_phone, f"{TOWNSHIP_PHONE}{township.code}"
    if not phone:
        raise CheckFailed(
            f"{township.name}还没有设置监督电话，公示上必须印监督电话，暂不能发布。"
            f"请县政务公开办设置：cunwu county set {setting} 电话",
            details={"check": "supervision_phone", "township": township.code})
    mobile = mobile_digits(phone)
    if mobile and mobile not in await vouched_mobiles():
        raise CheckFailed(
            f"{township.name}的监督电话 {mask_number(mobile)} 是手机号，县管理员确认它是办公"
            f"电话后才能印在公示上：cunwu county set {setting} 手机号 --office-mobile",
            details={"check": "supervision_phone", "township": township.code})


async def set_township_phone(code: str, value: str, actor: Staff, *,
                             office_mobile: bool) -> tuple[str, str]:
    township = await Region.get_or_none(code=code, level=Level.TOWNSHIP)
    if township is None:
        raise NotFound(f"没有区划代码为 {code[:12]} 的乡镇")
    # Whitelisted on every notice of the township: a clerk could otherwise make any
    # villager's mobile printable, so only the county admin sets it.
    check_role(actor, Role.COUNTY_ADMIN)
    check_in_scope(actor, township)
    try:
        after = check_phone(value)
        check_office_mobiles(after, office_mobile)
    except InvalidInput as exc:
        raise InvalidInput(f"{township.name}监督电话：{exc.message}",
                           details={"field": "supervision_phone"}) from None
    async with in_transaction():
        await vouch(after, actor)
        fresh = await Region.get(id=township.id)
        before = fresh.supervision_phone
        if after == before:
            return before, after
        await Region.filter(id=township.id).update(supervision_phone=after)
        detail = {"before": before, "after": after, "township": township.name}
        if mobiles_in(after):
            detail["office_mobile"] = True   # the admin vouched that it is an office's
        await record_event(actor.name, "set_setting", f"setting:{TOWNSHIP_PHONE}{code}",
                           detail)
    return before, after
