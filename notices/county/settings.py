"""County settings, all changed through ``set_setting``: checked, stored and recorded as
an audit event with the value before and after (issue 4, Audit).

Declared once as data, like the deployment settings: the CLI's ``cunwu county show``, the
README table and a test are driven by ``COUNTY_SETTINGS``. A township's 监督电话 is a
setting too (``supervision_phone.<township code>``): it is printed on every notice of that
township and whitelisted by the privacy scan on that township's notices only.

Contact numbers are whitelisted, so a number set here can be printed where the scan would
otherwise stop it: only the county admin sets them, and a mobile (which is usually a
person's, not an office's) only when the admin marks it as an office number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from notices.county.contact_numbers import (
    TOWNSHIP_PHONE,
    check_office_mobiles,
    check_phone,
    mobiles_in,
    printable,
    set_township_phone,
    township_of,
    vouch,
    vouched_mobiles,
)
from notices.county.finance_rhythm import RHYTHM_KEY, set_rhythm
from notices.county.models import CountySetting
from notices.county.store import store_setting
from villages.errors import InvalidInput, NotFound
from villages.models import Level, Region, Role, Staff
from villages.services import check_role


def _whole(low: int, high: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.isdigit() or not low <= int(value) <= high:
            raise InvalidInput(f"应是 {low}…{high} 之间的整数，不是“{value[:20]}”")
        return str(int(value))
    return check


def _phones(value: str) -> str:
    items = [p for p in re.split(r"[,，、\s]+", value) if p]
    return ",".join(sorted({check_phone(p) for p in items}))


@dataclass(frozen=True)
class CountySettingSpec:
    key: str
    default: str
    help: str
    check: Callable[[str], str]


COUNTY_SETTINGS: tuple[CountySettingSpec, ...] = (
    CountySettingSpec("official_numbers", "12345",
                      "Official contact numbers (comma-separated) every notice may print: the "
                      "privacy scan lets them through (a township's 监督电话 only on its own "
                      "notices).",
                      _phones),
    CountySettingSpec("objection_answer_days", "10",
                      "Days the township has to answer an objection (1…30).", _whole(1, 30)),
    CountySettingSpec("personal_list_grace_days", "",
                      "Days after its 公示期 that a personal list stays on the web (0…90); "
                      "empty: CUNWU_PERSONAL_LIST_GRACE_DAYS.", _whole(0, 90)),
)
_SPECS = {s.key: s for s in COUNTY_SETTINGS}


async def get_setting(key: str) -> str:
    row = await CountySetting.get_or_none(key=key)
    return row.value if row is not None else _SPECS[key].default


async def get_int(key: str, fallback: int) -> int:
    value = await get_setting(key)
    return int(value) if value else fallback


async def whitelisted_numbers(*regions: Region) -> frozenset[str]:
    """The numbers a notice of ``regions`` may print (DESIGN §2 whitelist): the county's
    own (12345 …) and the 监督电话 of the townships those regions belong to, no other
    township's; a mobile among them only if the admin vouched for it as an office's."""
    townships = {(await township_of(region)).id for region in regions}
    phones = await Region.filter(id__in=townships).exclude(supervision_phone="").values_list(
        "supervision_phone", flat=True) if townships else []
    official = (await get_setting("official_numbers")).split(",")
    return printable([*phones, *official], await vouched_mobiles())


async def set_setting(key: str, value: str, actor: Staff, *,
                      office_mobile: bool = False) -> tuple[str, str]:
    """Check and store one setting; returns (before, after). Unchanged values write nothing.
    ``office_mobile``: the admin confirms that a mobile number given is an office's."""
    value = unicodedata.normalize("NFKC", value).strip()
    if key.startswith(TOWNSHIP_PHONE):
        return await set_township_phone(key.removeprefix(TOWNSHIP_PHONE), value, actor,
                                        office_mobile=office_mobile)
    if key.startswith(RHYTHM_KEY):   # a village's finance rhythm: monthly | quarterly
        return await set_rhythm(key.removeprefix(RHYTHM_KEY), value, actor)
    spec = _SPECS.get(key)
    if spec is None:
        known = "、".join([*_SPECS, f"{TOWNSHIP_PHONE}<乡镇代码>", f"{RHYTHM_KEY}<村代码>"])
        raise NotFound(f"没有叫 {key[:60]} 的县级设置；可以改的有：{known}")
    check_role(actor, Role.COUNTY_ADMIN)
    try:
        after = spec.check(value) if value else spec.default
        if key == "official_numbers":
            check_office_mobiles(after, office_mobile)
    except InvalidInput as exc:
        raise InvalidInput(f"{key}：{exc.message}", details={"field": key}) from None
    if key != "official_numbers":
        return await store_setting(key, after, spec.default, actor)
    async with in_transaction():
        await vouch(after, actor)
        vouched = {"office_mobile": True} if mobiles_in(after) else {}
        return await store_setting(key, after, spec.default, actor, **vouched)


async def list_settings() -> list[dict[str, str]]:
    stored = {row.key: row for row in await CountySetting.all()}
    out = [{"key": s.key, "value": stored[s.key].value if s.key in stored else s.default,
            "default": s.default, "help": s.help,
            "changed_by": stored[s.key].updated_by if s.key in stored else ""}
           for s in COUNTY_SETTINGS]
    for township in await Region.filter(level=Level.TOWNSHIP).order_by("code"):
        out.append({"key": f"{TOWNSHIP_PHONE}{township.code}", "value": township.supervision_phone,
                    "default": "", "help": f"{township.name}监督电话", "changed_by": ""})
    for key, row in sorted(stored.items()):
        if key.startswith(RHYTHM_KEY) and row.value:
            out.append({"key": key, "value": row.value, "default": "",
                        "help": "村级财务公开周期", "changed_by": row.updated_by})
    return out
