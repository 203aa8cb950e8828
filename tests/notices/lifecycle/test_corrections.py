"""Nothing changes silently after publication: amendments make notices stale, corrections
supersede and reach every channel, withdrawals are announced, versions can't be edited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tortoise import connections

from notices.delivery.consistency import consistency_matrix
from notices.ledgers.models import PayoutRow
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import (
    AuditEvent,
    Delivery,
    DeliveryPurpose,
    Notice,
    NoticeKind,
    NoticeState,
    NoticeVersion,
    VersionStatus,
    get_notice,
)
from notices.public import pages as public
from notices.public import verification
from tests.builders import make_id
from tests.conftest import deliver_all
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages.errors import CheckFailed, Conflict, Forbidden

pytestmark = pytest.mark.storage


async def _published(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    donghu = next(n for n in notices if n.draft_content["region"]["name"] == "东湖村")
    return clerk, reviewer, summary, notices, donghu


async def test_an_amended_row_makes_exactly_the_affected_notices_stale(runtime):
    clerk, _, _summary, notices, donghu = await _published(runtime)
    row = await PayoutRow.get(name="李秀英")
    stale = await corrections.amend_payout_row(row.id, clerk, "异议核实：面积应为3.60亩",
                                               amount_fen=33300)
    summary_notice = next(n for n in notices if n.kind == NoticeKind.PAYOUT_SUMMARY)
    assert sorted(stale) == sorted([donghu.id, summary_notice.id])  # not 西岗村
    matrix = {r.notice_id: r for r in await consistency_matrix()}
    assert matrix[donghu.id].ledger_stale and not matrix[donghu.id].ok
    assert await AuditEvent.filter(action="amend_payout_row").count() == 1


async def test_a_correction_supersedes_restarts_and_reaches_every_earlier_target(
        runtime, fake_wechat):
    state, config = fake_wechat
    clerk, reviewer, summary, _notices, donghu = await _published(runtime)
    state.add_robot("robot-key-donghu", "东湖村村务工作群")
    await deliver_all(config)
    first = await NoticeVersion.get(notice_id=donghu.id)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300)
    stale = await corrections.stale_notices(summary.batch_id)
    for notice in stale:
        await corrections.correct(notice, clerk, "李秀英补贴面积有误，已核实更正")
    # While the correction is in review the old version stays current and listed.
    page = await public.village_page("419901100201")
    assert [item["code"] for item in page["items"]] == [f"{first.verify_code[:4]}-"
                                                        f"{first.verify_code[4:]}"]
    await _publish_all(stale, clerk, reviewer, runtime)

    second = await NoticeVersion.get(notice_id=donghu.id, number=2)
    old = await NoticeVersion.get(id=first.id)
    assert old.status == VersionStatus.SUPERSEDED and second.status == VersionStatus.CURRENT
    assert second.content["correction"] == {"of": first.verify_code, "of_version": 1,
                                            "reason": "李秀英补贴面积有误，已核实更正"}
    assert second.content["total_fen"] == first.content["total_fen"] - 32375 + 33300
    check = await verification.verify(first.verify_code)
    assert check.status == "superseded" and check.reason.startswith("李秀英")
    assert check.superseded_by == f"{second.verify_code[:4]}-{second.verify_code[4:]}"
    # The robot that got v1 gets v2, and the card says 更正.
    robot_deliveries = await Delivery.filter(version=second)
    assert len(robot_deliveries) == 1
    assert not all(r.ok for r in await consistency_matrix())  # v2 not yet in the group
    await deliver_all(config)
    assert all(r.ok for r in await consistency_matrix())
    cards = [m.content for m in state.messages("robot-key-donghu") if m.msgtype == "markdown"]
    assert len(cards) == 2 and "更正" in cards[1] and first.verify_code[:4] in cards[1]


async def test_the_database_refuses_edits_to_a_published_version(runtime):
    *_, donghu = await _published(runtime)
    version = await NoticeVersion.get(notice_id=donghu.id)
    conn = connections.get("default")
    with pytest.raises(Exception, match="immutable"):
        await conn.execute_query(
            f"UPDATE notice_version SET fingerprint = 'x' WHERE id = {version.id}")
    with pytest.raises(Exception, match="immutable"):
        await conn.execute_query(f"DELETE FROM notice_version WHERE id = {version.id}")
    with pytest.raises(Exception, match=r"append-only|immutable"):
        await conn.execute_query("DELETE FROM audit_event")
    assert (await NoticeVersion.get(id=version.id)).fingerprint == version.fingerprint


async def test_withdrawal_is_announced_wherever_the_notice_went(runtime, fake_wechat):
    state, config = fake_wechat
    clerk, reviewer, _, _, donghu = await _published(runtime)
    state.add_robot("robot-key-donghu", "东湖村村务工作群")
    await deliver_all(config)
    with pytest.raises(Forbidden):
        await corrections.withdraw(donghu, clerk, "发错了")
    told = await corrections.withdraw(donghu, reviewer, "批次重复导入，整批作废")
    assert told == 1
    version = await NoticeVersion.get(notice_id=donghu.id)
    assert version.status == VersionStatus.WITHDRAWN
    check = await verification.verify(version.verify_code)
    assert check.status == "withdrawn" and check.reason == "批次重复导入，整批作废"
    notice_deliveries = await Delivery.filter(version=version, purpose=DeliveryPurpose.WITHDRAW)
    assert len(notice_deliveries) == 1
    assert (await public.village_page("419901100201"))["items"] == []
    await deliver_all(config)
    last = state.messages("robot-key-donghu")[-1]
    assert last.msgtype == "markdown" and "撤回" in last.content and "整批作废" in last.content
    with pytest.raises(Conflict):
        await corrections.withdraw(donghu, reviewer, "再撤一次")


async def test_correcting_an_unchanged_notice_is_refused(runtime):
    clerk, *_, donghu = await _published(runtime)
    with pytest.raises(Conflict, match="一致"):
        await corrections.correct(donghu, clerk, "想改一改")
    assert (await get_notice(donghu.id)).state == NoticeState.PUBLISHED


async def test_an_amendment_must_keep_quantity_times_standard_equal_to_the_amount(runtime):
    import csv
    import io

    from notices.ledgers.payouts.services import import_payouts
    from tests.builders import TOWNSHIP, create_county, create_staff, make_id
    from villages.errors import InvalidInput
    from villages.models import Role

    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    out = io.StringIO()
    csv.writer(out).writerows([
        ["村", "户主姓名", "身份证号码", "面积（亩）", "补贴标准", "补贴金额"],
        ["东湖村", "谢红梅", make_id(), "7.01", "92.50", "648.43"],
    ])
    summary = await import_payouts(out.getvalue().encode(), "x.csv", township_code=TOWNSHIP,
                                   program="耕地地力保护补贴", year=2026, actor=clerk,
                                   cipher=runtime.cipher)
    row = await PayoutRow.get(batch_id=summary.batch_id)
    with pytest.raises(InvalidInput) as caught:
        await corrections.amend_payout_row(row.id, clerk, "面积少算", amount_fen=70000)
    assert "648.43" in caught.value.message and "700.00" in caught.value.message
    await corrections.amend_payout_row(row.id, clerk, "面积少算0.6亩", quantity=Decimal("7.61"))
    row = await PayoutRow.get(id=row.id)
    assert (row.quantity, row.amount_fen) == ("7.61", 70393)  # 7.61 × 92.50 = 703.925 → 703.93


async def test_a_withdrawal_reason_holding_an_id_number_is_refused_before_anything_changes(
        runtime):
    _, reviewer, _, _, donghu = await _published(runtime)
    hidden = _spelled_id()
    with pytest.raises(CheckFailed) as caught:
        await corrections.withdraw(donghu, reviewer, f"误发了身份证号 {hidden} 的户")
    assert caught.value.details["hits"][0]["where"] == "撤回原因"
    assert "1971" not in caught.value.message  # the number is masked in the refusal
    version = await NoticeVersion.get(notice_id=donghu.id)
    assert version.status == VersionStatus.CURRENT
    assert not await Delivery.filter(purpose=DeliveryPurpose.WITHDRAW).exists()


async def test_a_correction_reason_holding_a_mobile_is_not_published(runtime):
    clerk, reviewer, summary, _, donghu = await _published(runtime)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300)
    stale = await corrections.stale_notices(summary.batch_id)
    for notice in stale:
        await corrections.correct(notice, clerk, "李秀英面积有误")
    # A reason stored before reasons were checked when written (or by any other path):
    # publication itself still reads it, as the web page will show it.
    await Notice.filter(id__in=[n.id for n in stale]).update(
        correction_reason="李秀英（电话 +86 131 5921 2363）面积有误")
    stale = [await Notice.get(id=n.id) for n in stale]
    for notice in stale:
        await lifecycle.submit(notice, clerk)
    for notice in stale:
        await lifecycle.approve(notice, reviewer)
    donghu = next(n for n in stale if n.id == donghu.id)
    with pytest.raises(CheckFailed) as caught:
        await lifecycle.publish(donghu, reviewer, runtime.publish_context())
    assert caught.value.details["hits"][0]["where"] == "correction.reason"
    assert await NoticeVersion.filter(notice_id=donghu.id).count() == 1


async def test_a_correction_reason_holding_a_number_is_refused_at_once(runtime):
    clerk, _, _, _, donghu = await _published(runtime)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300)
    with pytest.raises(CheckFailed) as caught:
        await corrections.correct(donghu, clerk, f"李秀英身份证 {_spelled_id()} 面积有误")
    assert caught.value.details["hits"][0]["where"] == "更正理由"
    assert (await Notice.get(id=donghu.id)).state == NoticeState.PUBLISHED


def _spelled_id() -> str:
    number = make_id(birth="19710211", seq=272)
    return f"{number[:6]}.{number[6:14]}.{number[14:]}"
