"""A published finance disclosure is corrected after a mis-booked entry: a township reviewer
reopens the signed period (audited, nobody else may), the published notice is stale from
that moment, the accountant re-imports, the committee signs again, and the correction is a
new version marked 更正 that supersedes the old code, restarts the 公示期 and reaches every
group the old one reached — on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from notices.delivery.consistency import consistency_matrix
from notices.kinds.finance import FinanceCheckFailed, create_finance_notice
from notices.ledgers.finance.reopen import reopen_period
from notices.ledgers.finance.services import import_finance, sign_off
from notices.ledgers.models import FinancePeriod
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import (
    AuditEvent,
    Delivery,
    NoticeState,
    NoticeVersion,
    VersionStatus,
    get_notice,
)
from notices.public import verification
from tests.builders import COUNTY, VILLAGE_A, create_staff
from tests.conftest import deliver_all
from tests.notices.kinds.test_finance import OPINION, _signed_draft, _to_review
from tests.notices.ledgers.finance.test_services import ENTRIES, ledger
from tests.pdf.readback import page_texts
from villages.errors import Conflict, Forbidden, InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage

# 记-002 村部电费 was booked as 356.40; the receipt says 365.40.
FIXED = [ENTRIES[0], ("2026-10-09", "记-002", "村部电费", "各项支出", "", "365.40"), ENTRIES[2]]
REASON = "记-002 村部电费金额记错，应为365.40元"


async def _published(runtime):
    clerk, reviewer, notice = await _signed_draft(runtime)
    await _to_review(notice, clerk, reviewer)
    ctx = replace(runtime.publish_context(), today=date(2026, 11, 5))
    first = await lifecycle.publish(notice, reviewer, ctx)
    return clerk, reviewer, notice, first


async def test_only_a_township_reviewer_reopens_and_the_audit_keeps_before_and_after(runtime):
    clerk, reviewer, notice, _ = await _published(runtime)
    supervisor = await create_staff("孙监督2", Role.VILLAGE_SUPERVISOR, VILLAGE_A)
    admin = await create_staff("county", Role.COUNTY_ADMIN, COUNTY)
    for who in (clerk, supervisor, admin):
        with pytest.raises(Forbidden):
            await reopen_period(VILLAGE_A, "2026-10", who, REASON)
    with pytest.raises(InvalidInput, match="理由"):
        await reopen_period(VILLAGE_A, "2026-10", reviewer, "  ")
    assert (await FinancePeriod.get(period="2026-10")).signed_off_at is not None

    done = await reopen_period(VILLAGE_A, "2026-10", reviewer, REASON)
    assert done.revision == 2 and done.was_signed_by == "孙监督" and done.was_opinion == OPINION
    period = await FinancePeriod.get(period="2026-10")
    assert (period.signed_off_at, period.signed_off_by_id, period.signoff_opinion,
            period.revision) == (None, None, "", 2)
    [event] = await AuditEvent.filter(action="finance_reopen")
    assert event.actor == reviewer.name and event.subject == f"finance:{period.id}"
    assert event.detail["reason"] == REASON
    assert event.detail["before"]["signed_off_by"] == "孙监督"
    assert event.detail["before"]["signoff_opinion"] == OPINION
    assert event.detail["before"]["revision"] == 1
    assert event.detail["after"] == {"revision": 2, "signed_off_by": None,
                                     "signed_off_at": None, "signoff_opinion": ""}
    with pytest.raises(Conflict, match="还没有签核"):
        await reopen_period(VILLAGE_A, "2026-10", reviewer, REASON)
    # The published disclosure is stale from the moment the period is reopened.
    [row] = await consistency_matrix(VILLAGE_A)
    assert row.notice_id == notice.id and row.ledger_stale and not row.ok


async def test_a_mis_booked_entry_is_corrected_everywhere_the_disclosure_went(
        runtime, fake_wechat):
    state, config = fake_wechat
    state.add_robot("robot-key-donghu", "东湖村村务工作群")
    clerk, reviewer, notice, first = await _published(runtime)
    await deliver_all(config)
    [before] = await consistency_matrix(VILLAGE_A)
    assert before.ok

    # Nothing to correct while the signed period still matches the disclosure.
    with pytest.raises(Conflict, match=r"没有需要更正的内容.*cunwu finance reopen"):
        await corrections.correct(notice, clerk, REASON)
    with pytest.raises(Conflict, match="finance reopen"):
        await import_finance(ledger(FIXED), "oct.csv", village_code=VILLAGE_A,
                             period_text="2026-10", actor=clerk)

    await reopen_period(VILLAGE_A, "2026-10", reviewer, REASON)
    with pytest.raises(FinanceCheckFailed, match="还没有重新签核"):
        await corrections.correct(notice, clerk, REASON)
    summary = await import_finance(ledger(FIXED), "oct-fixed.csv", village_code=VILLAGE_A,
                                   period_text="2026-10", actor=clerk)
    assert (summary.expense_fen, summary.closing_fen) == (457540, 5742460)
    supervisor = await create_staff("周监督", Role.VILLAGE_SUPERVISOR, VILLAGE_A)
    await sign_off(VILLAGE_A, "2026-10", supervisor, "经重新审核，电费凭证已核对，同意公开")

    # The worker may have closed the 公示期 meanwhile (it ended 11-11): either is corrected.
    notice = await get_notice(notice.id)
    assert notice.state in (NoticeState.PUBLISHED, NoticeState.CLOSED)
    await corrections.correct(notice, clerk, REASON)
    draft = await get_notice(notice.id)
    assert draft.state == NoticeState.DRAFT and draft.correction_reason == REASON
    assert draft.draft_content["balance"]["closing_fen"] == 5742460
    # Until the correction is published, v1 stays current (and stale in the matrix).
    assert (await verification.verify(first.verify_code)).status == "current"
    await _to_review(draft, clerk, reviewer)
    ctx = replace(runtime.publish_context(), today=date(2026, 11, 20))
    second = await lifecycle.publish(draft, reviewer, ctx)

    assert second.number == 2 and second.status == VersionStatus.CURRENT
    assert (await NoticeVersion.get(id=first.id)).status == VersionStatus.SUPERSEDED
    assert second.content["correction"] == {"of": first.verify_code, "of_version": 1,
                                            "reason": REASON}
    assert second.content["period"]["start"] == "2026-11-20"      # the 公示期 restarts
    assert second.content["supervision"]["by"] == "周监督"
    check = await verification.verify(first.verify_code)
    assert check.status == "superseded" and check.reason == REASON
    assert check.superseded_by == f"{second.verify_code[:4]}-{second.verify_code[4:]}"
    board = "".join(page_texts(runtime.store.read(second.pdf_file))).replace("\n", "")
    assert "更正" in board and first.verify_code[:4] in board
    assert "4,575.40" in board and "57,424.60" in board

    # The group that got v1 gets v2, marked 更正 and naming the code it replaces.
    assert await Delivery.filter(version=second).count() == 1
    await deliver_all(config)
    cards = [m.content for m in state.messages("robot-key-donghu") if m.msgtype == "markdown"]
    assert len(cards) == 2 and "更正" in cards[1] and first.verify_code[:4] in cards[1]
    [after] = await consistency_matrix(VILLAGE_A)
    assert after.version == 2 and not after.ledger_stale
    assert await AuditEvent.filter(action="correct", subject=f"notice:{notice.id}").exists()


async def test_a_reopened_period_cannot_change_the_opening_of_the_next_one(runtime):
    clerk, reviewer, _ = await _people_and_october(runtime)
    await import_finance(ledger([("2026-11-04", "记-001", "村部电费", "各项支出", "", "300.00")],
                                opening=None), "nov.csv", village_code=VILLAGE_A,
                         period_text="2026-11", actor=clerk)
    await reopen_period(VILLAGE_A, "2026-10", reviewer, REASON)
    with pytest.raises(InvalidInput) as refused:
        await import_finance(ledger(FIXED), "oct-fixed.csv", village_code=VILLAGE_A,
                             period_text="2026-10", actor=clerk)
    [problem] = refused.value.details["problems"]
    assert problem["column"] == "下期期初"
    assert "2026-11" in problem["message"] and "57,424.60" in problem["message"]
    assert (await FinancePeriod.get(period="2026-10")).expense_fen == 456640   # nothing saved
    # A fix that keeps the closing (a wrong 类别 here) goes through.
    recategorised = [ENTRIES[0], ("2026-10-09", "记-002", "村部电费", "其他", "", "356.40"),
                     ENTRIES[2]]
    summary = await import_finance(ledger(recategorised), "oct-fixed.csv",
                                   village_code=VILLAGE_A, period_text="2026-10", actor=clerk)
    assert summary.closing_fen == 5743360 and summary.by_category["其他"]["expense_fen"] == 35640


async def _people_and_october(runtime):
    from tests.notices.kinds.test_finance import _october, _people

    clerk, reviewer, supervisor = await _people()
    await _october(clerk)
    await sign_off(VILLAGE_A, "2026-10", supervisor, OPINION)
    return clerk, reviewer, supervisor


async def test_create_does_not_redraft_a_published_or_closed_disclosure(runtime):
    clerk, _, notice, _ = await _published(runtime)
    for state in (NoticeState.PUBLISHED, NoticeState.CLOSED):
        await type(notice).filter(id=notice.id).update(state=state)
        with pytest.raises(Conflict, match=f"cunwu notice correct {notice.id}"):
            await create_finance_notice(VILLAGE_A, "2026-10", clerk)
