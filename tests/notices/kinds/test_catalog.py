"""The standard catalog: 26 domains seeded once, county edits kept, every payout notice linked
to its item, and assistance lists (低保/特困) showing only name, people covered and amount."""

from __future__ import annotations

import csv
import io

import pytest

from notices.kinds import catalog
from notices.kinds.catalog_models import CatalogItem, Program
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, NoticeKind
from tests.builders import COUNTY, TOWNSHIP, create_county, create_staff, make_id
from tests.notices.lifecycle.test_workflow import _setup
from villages.errors import Forbidden, InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage


async def test_the_seed_has_the_26_domains_and_is_idempotent(db):
    assert len(catalog.domains()) == 26 and "涉农补贴" in catalog.domains()
    items, programs = await CatalogItem.all().count(), await Program.all().count()
    assert await catalog.seed_catalog() == 0
    assert (await CatalogItem.all().count(), await Program.all().count()) == (items, programs)
    dibao = await Program.get(name="低保金").prefetch_related("item")
    assert dibao.profile == "assistance" and dibao.item.domain == "社会救助"


async def test_the_county_edits_an_item_and_a_reseed_keeps_the_edit(db):
    await create_county()
    admin = await create_staff("boss", Role.COUNTY_ADMIN, COUNTY)
    await catalog.edit_item("SNBT-01", {"limit_days": "15", "time_limit": "15个工作日内"}, admin)
    await catalog.seed_catalog()
    item = await CatalogItem.get(code="SNBT-01")
    assert (item.limit_days, item.edited_by) == (15, "boss")
    assert await AuditEvent.filter(action="catalog_edit").count() == 1
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    with pytest.raises(Forbidden):
        await catalog.edit_item("SNBT-01", {"limit_days": "1"}, clerk)
    with pytest.raises(InvalidInput, match="26个试点领域"):
        await catalog.edit_item("NEW-1", {"domain": "外星探索"}, admin)


async def test_payout_notices_link_to_the_programs_item(runtime):
    clerk, _, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    items = {(await n.catalog_item).code for n in notices}
    assert items == {"SNBT-01"}
    village = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE)
    assert "惠民惠农财政补贴资金" in village.draft_content["intro"]


async def test_an_assistance_list_shows_only_name_people_and_amount(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    out = io.StringIO()
    csv.writer(out).writerows([
        ["村", "村民小组", "姓名", "身份证号码", "数量", "金额", "备注"],
        ["东湖村", "三组", "王秀兰", make_id(), "2", "1040.00", "因病致贫"],
    ])
    summary = await import_payouts(out.getvalue().encode(), "dibao.csv", township_code=TOWNSHIP,
                                   program="低保金", year=2026, actor=clerk,
                                   cipher=runtime.cipher)
    [village, _] = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    [row] = village.draft_content["rows"]
    assert row == {"name": "王秀兰", "group": "", "quantity": "2", "rate_fen": None,
                   "amount_fen": 104000, "note": ""}
    assert village.draft_content["quantity_unit"] == "人"
    assert (await village.catalog_item).code == "SHJZ-01"
