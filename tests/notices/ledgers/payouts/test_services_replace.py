"""Batches have a period (monthly programs import one batch a month) and a corrected sheet
re-imported for an existing batch is a correction of that batch, not a duplicate."""

from __future__ import annotations

import pytest

from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, NoticeKind, NoticeState
from tests.builders import TOWNSHIP, create_county, create_staff, payout_csv
from tests.notices.lifecycle.test_workflow import ROWS, _publish_all
from villages.errors import InvalidInput, NotFound
from villages.models import Role

pytestmark = pytest.mark.storage
MONTHLY = [("东湖村", "一组", "张建国", "1", "300.00"), ("西岗村", "一组", "王志强", "1", "300.00")]


async def _clerk():
    await create_county()
    return await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)


async def _import(runtime, clerk, sheet: bytes, **kw):
    options = {"program": "高龄津贴", "year": 2026} | kw
    # Through the wrapper every caller uses: a re-import also lists the notices made stale.
    return await corrections.import_payout_sheet(sheet, "sheet.csv", township_code=TOWNSHIP,
                                                 actor=clerk, cipher=runtime.cipher, **options)


async def test_the_same_people_are_paid_once_a_month_in_a_monthly_program(runtime):
    clerk = await _clerk()
    may = await _import(runtime, clerk, payout_csv(MONTHLY), period="2026-05")
    june = await _import(runtime, clerk, payout_csv(MONTHLY), period="2026-06")
    assert (may.period, june.period) == ("2026-05", "2026-06")
    assert await PayoutBatch.filter(program="高龄津贴").count() == 2
    with pytest.raises(InvalidInput) as caught:
        await _import(runtime, clerk, payout_csv(MONTHLY), period="2026-05")
    messages = [p["message"] for p in caught.value.details["problems"]]
    assert len(messages) == 2 and all(f"第{may.batch_id}号批次" in m for m in messages)


async def test_a_whole_year_batch_is_still_refused_twice(runtime):
    clerk = await _clerk()
    first = await _import(runtime, clerk, payout_csv(MONTHLY))
    assert first.period == ""
    with pytest.raises(InvalidInput, match="2 处问题"):
        await _import(runtime, clerk, payout_csv(MONTHLY))


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "2025-05", "May", "2026-5"])
async def test_a_period_that_is_not_a_month_or_quarter_of_the_year_is_refused(runtime, period):
    clerk = await _clerk()
    with pytest.raises(InvalidInput, match="发放期间"):
        await _import(runtime, clerk, payout_csv(MONTHLY), period=period)
    assert await PayoutBatch.all().count() == 0


async def test_a_corrected_sheet_replaces_the_batch_rows_and_its_notices_become_stale(runtime):
    clerk = await _clerk()
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    first = await _import(runtime, clerk, payout_csv(ROWS, total="1919.38"),
                          program="耕地地力保护补贴")
    notices = await lifecycle.create_payout_notices(first.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)

    fixed = [ROWS[0], ("东湖村", "二组", "李秀英", "3.60", "333.00"), ROWS[2]]
    again = await _import(runtime, clerk, payout_csv(fixed), program="耕地地力保护补贴",
                          replace_batch=first.batch_id)
    assert again.replaced and again.batch_id == first.batch_id and again.revision == 2
    batch = await PayoutBatch.get(id=first.batch_id)
    assert (batch.revision, batch.row_count, batch.total_fen) == (2, 3, 192863)
    assert await PayoutRow.filter(batch_id=batch.id).count() == 3  # old rows gone, not added
    assert (await PayoutRow.get(name="李秀英")).amount_fen == 33300
    # 东湖村 and the township summary changed; 西岗村 did not.
    stale = {n.id for n in notices if n.kind == NoticeKind.PAYOUT_SUMMARY or
             n.draft_content["region"]["name"] == "东湖村"}
    assert set(again.stale_notices) == stale
    for notice in await corrections.stale_notices(batch.id):  # the existing correction flow
        await corrections.correct(notice, clerk, "李秀英面积更正为3.60亩")
        assert notice.state == NoticeState.DRAFT
    assert await AuditEvent.filter(action="replace_batch", subject=f"batch:{batch.id}").count()


async def test_replacing_needs_the_same_program_year_and_period(runtime):
    clerk = await _clerk()
    first = await _import(runtime, clerk, payout_csv(MONTHLY), period="2026-05")
    with pytest.raises(InvalidInput, match="不能用来替换"):
        await _import(runtime, clerk, payout_csv(MONTHLY), period="2026-06",
                      replace_batch=first.batch_id)
    with pytest.raises(NotFound):
        await _import(runtime, clerk, payout_csv(MONTHLY), period="2026-05", replace_batch=999)
    assert (await PayoutBatch.get(id=first.batch_id)).revision == 1


async def test_a_bad_replacement_sheet_leaves_the_batch_as_it_was(runtime):
    clerk = await _clerk()
    first = await _import(runtime, clerk, payout_csv(MONTHLY))
    bad = payout_csv([*MONTHLY, ("东湖村", "一组", "赵四", "1", "-5")])
    with pytest.raises(InvalidInput):
        await _import(runtime, clerk, bad, replace_batch=first.batch_id)
    batch = await PayoutBatch.get(id=first.batch_id)
    assert (batch.revision, batch.row_count) == (1, 2)
    assert await PayoutRow.filter(batch_id=batch.id).count() == 2
