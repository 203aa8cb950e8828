"""Regions, staff and channel targets: what the county office sets up."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from tortoise.transactions import in_transaction

from villages import codes, glossary
from villages.errors import Forbidden, InvalidInput, NotFound
from villages.models import ChannelKind, ChannelTarget, Level, Region, Role, Staff

_hasher = PasswordHasher()


@dataclass(frozen=True)
class RegionImportResult:
    created: int
    updated: int
    unchanged: int


def read_region_csv(text: str) -> list[tuple[str, str]]:
    """Rows of (code, name) from a CSV with the columns ``code`` and ``name``."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
    if not {"code", "name"} <= fields:
        raise InvalidInput("区划表需要 code 和 name 两列（统计用区划代码、名称）")
    rows: list[tuple[str, str]] = []
    problems: list[dict[str, object]] = []
    for line_no, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        code, name = row.get("code", ""), row.get("name", "")
        if not code and not name:
            continue
        try:
            codes.check_code(code)
        except InvalidInput as exc:
            problems.append({"row": line_no, "column": "code", "value": code,
                             "message": exc.message})
            continue
        if not name:
            problems.append({"row": line_no, "column": "name", "value": "",
                             "message": "名称不能为空"})
            continue
        rows.append((code, name))
    if problems:
        raise InvalidInput(f"区划表有 {len(problems)} 处问题，未导入任何数据", details=problems)
    return rows


async def import_regions(rows: Iterable[tuple[str, str]]) -> RegionImportResult:
    """Create or rename regions; level and parent follow from each 12-digit code.

    Idempotent: importing the same list twice changes nothing. All or nothing.
    """
    # Parents before children: provinces first, villages last.
    ordered = sorted(rows, key=lambda r: (list(Level).index(codes.level_of(r[0])), r[0]))
    created = updated = unchanged = 0
    async with in_transaction():
        known = {r.code: r for r in await Region.filter(code__in=[c for c, _ in ordered])}
        for code, name in ordered:
            level = codes.level_of(code)
            parent = None
            parent_code = codes.parent_code(code)
            if parent_code is not None:
                parent = known.get(parent_code) or await Region.get_or_none(code=parent_code)
                if parent is None and level in (Level.TOWNSHIP, Level.VILLAGE):
                    raise InvalidInput(
                        f"{name}（{code}）的上级 {parent_code} 不在区划表中，也未导入过"
                    )
            region = known.get(code)
            if region is None:
                region = await Region.create(code=code, name=name, level=level, parent=parent)
                known[code] = region
                created += 1
            elif region.name != name:
                region.name = name
                await region.save(update_fields=["name"])
                updated += 1
            else:
                unchanged += 1
    return RegionImportResult(created, updated, unchanged)


async def get_region(code: str) -> Region:
    codes.check_code(code)  # a web form can send anything: not a database error
    region = await Region.get_or_none(code=code)
    if region is None:
        raise NotFound(f"没有区划代码为 {code} 的地区")
    return region


async def add_staff(name: str, role: Role | str, scope_code: str, *,
                    display_name: str = "", password: str | None = None) -> Staff:
    """Add a person, or update the role and scope of an existing one (idempotent)."""
    stored = glossary.role_value(str(role))
    if stored is None:
        allowed = "、".join(glossary.role_zh(r) for r in Role)
        raise InvalidInput(f"角色“{role}”不存在，可选：{allowed}")
    role = Role(stored)
    scope = await get_region(scope_code)
    expected = {
        Role.COUNTY_ADMIN: Level.COUNTY,
        Role.TOWNSHIP_CLERK: Level.TOWNSHIP,
        Role.TOWNSHIP_REVIEWER: Level.TOWNSHIP,
        Role.VILLAGE_CADRE: Level.VILLAGE,
        Role.VILLAGE_SUPERVISOR: Level.VILLAGE,
    }[role]
    if scope.level != expected:
        raise InvalidInput(f"{glossary.role_zh(role)}的范围应是一个{_LEVEL_ZH[expected]}，"
                           f"{scope.name} 是{_LEVEL_ZH[scope.level]}")
    staff = await Staff.get_or_none(name=name)
    hashed = _hasher.hash(password) if password else None
    if staff is None:
        return await Staff.create(name=name, display_name=display_name or name, role=role,
                                  scope=scope, password_hash=hashed or "")
    staff.role, staff.scope = role, scope
    staff.display_name = display_name or staff.display_name
    if hashed:
        staff.password_hash = hashed
    await staff.save()
    return staff


_LEVEL_ZH = {Level.PROVINCE: "省", Level.CITY: "市", Level.COUNTY: "县",
             Level.TOWNSHIP: "乡镇", Level.VILLAGE: "村"}


async def get_staff(name: str) -> Staff:
    staff = await Staff.get_or_none(name=name).prefetch_related("scope")
    if staff is None and name == "admin":
        raise NotFound("还没有 admin 账号：先用 cunwu regions import 载入本县区划，会自动创建")
    if staff is None:
        raise NotFound(f"没有名为“{name}”的用户；用 cunwu user add 添加")
    return staff


def check_in_scope(staff: Staff, region: Region) -> None:
    """Raise unless ``region`` lies inside what ``staff`` looks after."""
    if not codes.contains(staff.scope.code, region.code):
        raise Forbidden(f"{staff.name} 的权限范围是 {staff.scope.name}，不包括 {region.name}")


def works_in(staff: Staff, region: Region) -> bool:
    """Whether ``staff`` works in ``region`` itself: the township's or the village's own
    people, not the county office above them (what only those on the spot may hold, such as
    the full-name print file of a board)."""
    return staff.scope.level in (Level.TOWNSHIP, Level.VILLAGE) and codes.contains(
        staff.scope.code, region.code)


def check_role(staff: Staff, *roles: Role) -> None:
    if staff.role not in roles:
        wanted = "、".join(glossary.role_zh(r) for r in roles)
        raise Forbidden(f"{staff.name}（{glossary.role_zh(staff.role)}）不能做这件事，"
                        f"需要角色：{wanted}")


async def add_robot(village_code: str, name: str, key: str) -> ChannelTarget:
    """Register the WeCom group robot of a village's cadre group (idempotent)."""
    village = await get_region(village_code)
    if village.level != Level.VILLAGE:
        raise InvalidInput(f"{village.name} 不是村/社区，群机器人要挂在村上")
    target, created = await ChannelTarget.get_or_create(
        region=village, kind=ChannelKind.WECOM_ROBOT, address=key, defaults={"name": name}
    )
    if not created and not target.active:  # registered again after `cunwu robot disable`
        target.active = True
        await target.save(update_fields=["active"])
    return target


def redact(secret: str) -> str:
    """A secret as it may appear in logs and pages: its first 4 characters."""
    return f"{secret[:4]}…" if secret else ""
