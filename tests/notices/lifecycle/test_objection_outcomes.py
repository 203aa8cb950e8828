"""An upheld objection leads to a correction in one step, or to nothing at all — on SQLite
and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from notices.clock import today_in_china
from notices.kinds.general import create_general_notice, load_notice_yaml
from notices.ledgers.models import PayoutRow
from notices.lifecycle import closing, corrections
from notices.lifecycle import workflow as lifecycle
from notices.lifecycle.objection_outcomes import uphold
from notices.models import Notice, NoticeKind, NoticeState, NoticeVersion
from notices.objections import services as objections
from notices.objections.models import Objection, ObjectionStatus
from notices.public import verification
from tests.builders import VILLAGE_A
from tests.notices.kinds.test_general import YAML, _publish, _staff, _write
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages.errors import Conflict, InvalidInput

pytestmark = pytest.mark.storage
CONTACT = "13912345678"


async def _payout_objection(runtime, start: date | None = None):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    ctx = replace(runtime.publish_context(), today=start) if start else None
    if ctx is None:
        await _publish_all(notices, clerk, reviewer, runtime)
    else:
        for notice in notices:
            await lifecycle.submit(notice, clerk)
            await lifecycle.approve(notice, reviewer)
            await lifecycle.publish(notice, reviewer, ctx)
    village = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                   and n.draft_content["region"]["name"] == "东湖村")
    version = await NoticeVersion.get(notice_id=village.id)
    objection = (await objections.raise_objection(
        version.verify_code, "李秀英家面积是3.60亩，公示只有3.50亩", CONTACT, channel="web",
        cipher=runtime.cipher, today=start or today_in_china())).objection
    return clerk, reviewer, village, version, objection


async def test_upheld_with_correct_drafts_the_correction_and_the_answer_shows_publicly(runtime):
    clerk, reviewer, village, old, objection = await _payout_objection(runtime)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "异议核实", amount_fen=33300)
    done = await uphold(objection.number, clerk, "经核实属实，面积改为3.60亩", public=True,
                        correct=True)
    summary = await Notice.get(batch_id=village.batch_id, kind=NoticeKind.PAYOUT_SUMMARY)
    assert done.corrected == sorted([village.id, summary.id])   # the village and the summary
    assert (await Objection.get(id=objection.id)).status == ObjectionStatus.UPHELD
    for notice_id in done.corrected:
        notice = await Notice.get(id=notice_id)
        assert notice.state == NoticeState.DRAFT and objection.number in notice.correction_reason
        await lifecycle.submit(notice, clerk)
    for notice_id in done.corrected:
        notice = await Notice.get(id=notice_id)
        await lifecycle.approve(notice, reviewer)
        published = await lifecycle.publish(notice, reviewer, runtime.publish_context())
        if notice_id == village.id:
            new = published
    check = await verification.verify(old.verify_code)
    assert check.status == "superseded" and objection.number in check.reason
    answers = await objections.public_answers(new)
    # The answer as the clerk wrote it: its full-width comma is not folded to ",".
    assert [a["answer"] for a in answers] == ["经核实属实，面积改为3.60亩"]


async def test_upheld_with_correct_before_the_ledger_is_fixed_changes_nothing(runtime):
    clerk, _, village, _, objection = await _payout_objection(runtime)
    with pytest.raises(Conflict) as caught:
        await uphold(objection.number, clerk, "经核实属实", correct=True)
    assert "cunwu payouts amend" in caught.value.message
    assert (await Objection.get(id=objection.id)).status == ObjectionStatus.OPEN  # not half-saved
    assert (await Notice.get(id=village.id)).state == NoticeState.PUBLISHED


async def test_an_objection_answered_after_the_period_closed_can_still_correct(runtime):
    start = today_in_china() - timedelta(days=3)
    clerk, _, village, _, objection = await _payout_objection(runtime, start)
    await closing.close_expired(start + timedelta(days=8))
    assert (await Notice.get(id=village.id)).state == NoticeState.CLOSED
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "异议核实", amount_fen=33300)
    await uphold(objection.number, clerk, "经核实属实", correct=True)
    assert (await Notice.get(id=village.id)).state == NoticeState.DRAFT


async def test_a_general_notice_is_corrected_from_the_new_yaml_in_the_same_step(runtime,
                                                                              tmp_path):
    clerk, reviewer = await _staff()
    notice = await create_general_notice(
        load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A))), clerk, runtime.store)
    version = await _publish(notice, clerk, reviewer, runtime)
    objection = (await objections.raise_objection(
        version.verify_code, "缴费标准写错了吧，应是420元", CONTACT, channel="web",
        cipher=runtime.cipher, today=today_in_china())).objection
    with pytest.raises(InvalidInput) as caught:
        await uphold(objection.number, clerk, "属实，已更正", correct=True)
    assert "--file" in caught.value.message
    assert (await Objection.get(id=objection.id)).status == ObjectionStatus.OPEN
    fixed = load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A).replace(
        "400元", "420元")))
    await uphold(objection.number, clerk, "属实，已更正", correct=True, draft=fixed,
                 store=runtime.store)
    notice = await Notice.get(id=notice.id)
    assert notice.state == NoticeState.DRAFT and "420元" in str(notice.draft_content["body"])
    await lifecycle.submit(notice, clerk)
    await lifecycle.approve(notice, reviewer)
    new = await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert new.content["correction"]["of"] == version.verify_code
    assert (await verification.verify(version.verify_code)).status == "superseded"
