"""Batches have a period (monthly programs import one batch a month) and a corrected sheet
re-imported for an existing batch is a correction of that batch, not a duplicate."""

from __future__ import annotations

import pytest

from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, Notice, NoticeKind, NoticeState
from tests.builders import OTHER_TOWNSHIP, TOWNSHIP, create_county, create_staff, payout_csv
from tests.notices.lifecycle.test_workflow import ROWS, _publish_all
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import Role

pytestmark = pytest.mark.storage
MONTHLY = [("东湖村", "一组", "张建国", "1", "300.00"), ("西岗村", "一组", "王志强", "1", "300.00")]


async def _clerk():
    await create_county()
    return await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)


async def _import(runtime, clerk, sheet: bytes, **kw):
    options = {"program": "高龄津贴", "year": 2026} | kw
    # Through the lifecycle's import, which lists the notices a replacement made stale.
    return await corrections.import_payout_sheet(
        sheet, "sheet.csv", township_code=TOWNSHIP, actor=clerk, cipher=runtime.cipher,
        **options)


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


async def test_probing_replace_tells_nothing_about_another_townships_batch(runtime):
    clerk = await _clerk()
    other = await create_staff("other-clerk", Role.TOWNSHIP_CLERK, OTHER_TOWNSHIP)
    theirs = await import_payouts(
        payout_csv([("柳河村", "一组", "赵大", "1", "300.00")]), "sheet.csv",
        township_code=OTHER_TOWNSHIP, actor=other, cipher=runtime.cipher,
        program="秘密项目", year=2025, period="2025-Q3")
    with pytest.raises(NotFound) as foreign:
        await _import(runtime, clerk, payout_csv(MONTHLY), replace_batch=theirs.batch_id)
    with pytest.raises(NotFound) as missing:
        await _import(runtime, clerk, payout_csv(MONTHLY), replace_batch=theirs.batch_id + 99)
    text = foreign.value.message
    assert "秘密项目" not in text and "2025" not in text and "Q3" not in text
    assert text == missing.value.message.replace(str(theirs.batch_id + 99),
                                                 str(theirs.batch_id))
    assert (await PayoutBatch.get(id=theirs.batch_id)).revision == 1


async def test_a_batch_replaced_before_publication_gets_its_notices_redrafted(runtime):
    clerk = await _clerk()
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    first = await _import(runtime, clerk, payout_csv(ROWS, total="1919.38"),
                          program="耕地地力保护补贴")
    notices = await lifecycle.create_payout_notices(first.batch_id, clerk)
    donghu = next(n for n in notices if n.draft_content["region"]["name"] == "东湖村")
    xigang = next(n for n in notices if n.draft_content["region"]["name"] == "西岗村")
    await lifecycle.submit(donghu, clerk)
    await lifecycle.approve(donghu, reviewer)  # approved, not yet published

    # The clerk finds a mistake: 西岗村 moves to 东湖村's sheet only, 李秀英 is corrected.
    fixed = [ROWS[0], ("东湖村", "二组", "李秀英", "3.60", "333.00")]
    again = await _import(runtime, clerk, payout_csv(fixed), program="耕地地力保护补贴",
                          replace_batch=first.batch_id)
    assert again.stale_notices == []  # nothing published: nothing to correct
    assert set(again.stale_drafts) == {n.id for n in notices}
    redrafted = await lifecycle.create_payout_notices(first.batch_id, clerk)
    assert {n.id for n in redrafted} == {donghu.id, next(
        n.id for n in notices if n.kind == NoticeKind.PAYOUT_SUMMARY)}
    fresh = await Notice.get(id=donghu.id)
    assert fresh.state == NoticeState.DRAFT and fresh.batch_revision == 2  # review again
    assert [r["amount_fen"] for r in fresh.draft_content["rows"]] == [92500, 33300]
    # 西岗村 has no rows left: its never-published draft is void, not left to publish.
    gone = await Notice.get(id=xigang.id)
    assert gone.state == NoticeState.WITHDRAWN and "已无发放记录" in gone.withdrawn_reason
    # The redrafted notices now go through review and publish as usual.
    assert await lifecycle.stale_drafts(first.batch_id) == []
    await _publish_all(redrafted, clerk, reviewer, runtime)
    with pytest.raises(Conflict, match="已有"):
        await lifecycle.create_payout_notices(first.batch_id, clerk)


async def test_a_replaced_batch_with_a_new_village_gets_a_draft_for_it(runtime):
    clerk = await _clerk()
    first = await _import(runtime, clerk, payout_csv(MONTHLY[:1]))
    [_village, summary] = await lifecycle.create_payout_notices(first.batch_id, clerk)
    await _import(runtime, clerk, payout_csv(MONTHLY), replace_batch=first.batch_id)
    again = await lifecycle.create_payout_notices(first.batch_id, clerk)
    regions = {n.draft_content["region"]["name"] for n in again
               if n.kind == NoticeKind.PAYOUT_VILLAGE}
    assert regions == {"东湖村", "西岗村"} and summary.id in {n.id for n in again}
    assert await Notice.filter(batch_id=first.batch_id).count() == 3
