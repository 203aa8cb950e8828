"""Seeding, reading and editing the standard catalog and the program list.

The seed (notices/data/catalog.json) ships the 26 pilot domains and the village-facing items;
seeding is idempotent and never overwrites an item the county has edited.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.kinds.catalog_models import CatalogItem, Program
from villages.errors import InvalidInput, NotFound
from villages.models import Role, Staff
from villages.services import check_role

EDITABLE = ("name", "content", "basis", "time_limit", "limit_days", "limit_kind", "subject",
            "method", "channels", "audience", "level")
GENERIC_PAYOUT_ITEM = "SNBT-01"


def seed_data() -> dict[str, Any]:
    seed = resources.files("notices.kinds.data").joinpath("catalog.json")
    return json.loads(seed.read_text("utf-8"))


def domains() -> list[str]:
    return list(seed_data()["domains"])


async def seed_catalog() -> int:
    """Create what the seed has and the database lacks; return how many rows were added."""
    data, added = seed_data(), 0
    async with in_transaction():
        for raw in data["items"]:
            fields = {k: v for k, v in raw.items() if k != "code"}
            fields["time_limit"] = fields.pop("limit")
            _, created = await CatalogItem.get_or_create(code=raw["code"], defaults=fields)
            added += created
        items = {i.code: i for i in await CatalogItem.all()}
        for raw in data["programs"]:
            _, created = await Program.get_or_create(name=raw["name"], defaults={
                "item": items[raw["item"]], "standard": raw["standard"], "unit": raw["unit"],
                "funding": raw["funding"], "profile": raw["profile"]})
            added += created
    return added


async def program_named(name: str) -> Program | None:
    return await Program.get_or_none(name=name.strip()).prefetch_related("item")


async def item_for_program(name: str) -> CatalogItem | None:
    program = await program_named(name)
    if program is not None:
        return program.item
    return await CatalogItem.get_or_none(code=GENERIC_PAYOUT_ITEM)


async def edit_item(code: str, changes: dict[str, str], actor: Staff) -> CatalogItem:
    """The county edits an item (or adds one when ``code`` is new and all elements given)."""
    check_role(actor, Role.COUNTY_ADMIN)
    unknown = sorted(set(changes) - set(EDITABLE) - {"domain"})
    if unknown:
        raise InvalidInput(f"不能修改的字段：{'、'.join(unknown)}；可改：{'、'.join(EDITABLE)}")
    if "domain" in changes and changes["domain"] not in domains():
        raise InvalidInput(f"领域“{changes['domain']}”不在26个试点领域之内")
    values: dict[str, Any] = dict(changes)
    if "limit_days" in values:
        try:
            values["limit_days"] = int(values["limit_days"])
        except ValueError:
            raise InvalidInput("limit_days 应为整数天数") from None
    if values.get("limit_kind", "working") not in ("working", "natural"):
        raise InvalidInput("limit_kind 只能是 working（工作日）或 natural（自然日）")
    item = await CatalogItem.get_or_none(code=code)
    async with in_transaction():
        if item is None:
            missing = [k for k in ("domain", *EDITABLE) if k not in values]
            if missing:
                raise NotFound(f"目录里没有 {code}；新增事项需给出全部要素，"
                               f"缺：{'、'.join(missing)}")
            item = await CatalogItem.create(code=code, edited_by=actor.name, **values)
        else:
            await item.update_from_dict({**values, "edited_by": actor.name})
            await item.save()
        await record_event(actor.name, "catalog_edit", f"catalog:{code}", {"changes": changes})
    return item
