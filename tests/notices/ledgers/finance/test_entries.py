"""A clerk adds, corrects or removes one finance entry by hand: the same checks as the
sheet import, the balances and the chain kept, nothing half-saved, every change audited
with before and after, and a signed period frozen until a reviewer reopens it."""

from __future__ import annotations

import pytest

from notices.ledgers.finance.entries import EntryInput, add_entry, delete_entry, edit_entry
from notices.ledgers.finance.reopen import reopen_period
from notices.ledgers.finance.services import import_finance, sign_off
from notices.ledgers.models import FinanceEntry, FinancePeriod
from notices.models import AuditEvent
from tests.builders import OTHER_TOWNSHIP, VILLAGE_A, create_staff
from tests.notices.kinds.test_finance import _october, _people
from tests.notices.ledgers.finance.test_services import ledger
from villages.errors import Conflict, Forbidden, InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage

PAPER = EntryInput(date="2026-10-25", voucher="记-004", summary="办公用品", category="各项支出",
                   expense="120.50", handler="张会计", approver="李卫东")


async def _state() -> tuple[int, int, int, int, int]:
    p = await FinancePeriod.get(period="2026-10")
    return (p.income_fen, p.expense_fen, p.closing_fen, p.revision,
            await FinanceEntry.filter(period=p).count())


async def test_an_entry_added_by_hand_moves_the_balances_and_is_audited(db):
    clerk, _, _ = await _people()
    await _october(clerk)
    assert await _state() == (1200000, 456640, 5743360, 1, 3)
    entry = await add_entry(VILLAGE_A, "2026-10", PAPER, clerk)
    # Numbered after the sheet's last row (row 6 of oct.csv), so it lists last.
    assert (entry.voucher_no, entry.expense_fen, entry.row_no) == ("记-004", 12050, 7)
    assert await _state() == (1200000, 468690, 5731310, 2, 4)
    [event] = await AuditEvent.filter(action="finance_entry_add")
    assert event.actor == "clerk" and event.detail["after_entry"]["expense_fen"] == 12050
    assert event.detail["before"]["closing_fen"] == 5743360
    assert event.detail["after"]["closing_fen"] == 5731310


async def test_a_bad_entry_names_every_field_and_saves_nothing(db):
    clerk, _, _ = await _people()
    await _october(clerk)
    bad = EntryInput(date="2026-11-02", voucher="记-005", summary="误工补贴", category="工资",
                     income="10.00", expense="3.333", handler="张会计", approver="")
    with pytest.raises(InvalidInput) as refused:
        await add_entry(VILLAGE_A, "2026-10", bad, clerk)
    columns = {p["column"] for p in refused.value.details["problems"]}
    assert {"日期", "类别", "审批人", "支出"} <= columns
    assert "不在本期（2026-10）内" in refused.value.message
    assert await _state() == (1200000, 456640, 5743360, 1, 3)
    assert not await AuditEvent.filter(action="finance_entry_add").exists()
    with pytest.raises(InvalidInput, match="余额或合计行"):
        await add_entry(VILLAGE_A, "2026-10", EntryInput(summary="期末余额", income="5.00"),
                        clerk)


async def test_a_first_period_by_hand_needs_its_opening_balance(db):
    clerk, _, _ = await _people()
    with pytest.raises(InvalidInput, match="--opening"):
        await add_entry(VILLAGE_A, "2026-10", PAPER, clerk)
    assert not await FinancePeriod.exists()
    await add_entry(VILLAGE_A, "2026-10", PAPER, clerk, opening_fen=100000)
    period = await FinancePeriod.get(period="2026-10")
    assert (period.opening_fen, period.closing_fen, period.revision, period.source_filename) \
        == (100000, 87950, 1, "手工录入")


async def test_an_entry_is_corrected_and_removed_with_the_reason_recorded(db):
    clerk, _, _ = await _people()
    await _october(clerk)
    electricity = await FinanceEntry.get(voucher_no="记-002")
    fixed = await edit_entry(electricity.id, {"expense": "365.40"}, clerk, "电费按发票改正")
    assert fixed.expense_fen == 36540
    assert await _state() == (1200000, 457540, 5742460, 2, 3)
    [event] = await AuditEvent.filter(action="finance_entry_edit")
    assert event.detail["reason"] == "电费按发票改正"
    assert (event.detail["before_entry"]["expense_fen"],
            event.detail["after_entry"]["expense_fen"]) == (35640, 36540)
    # Booked on the wrong side: giving the income clears the expense.
    moved = await edit_entry(electricity.id, {"income": "365.40", "category": "各项收入"},
                             clerk, "应为电费退款")
    assert (moved.income_fen, moved.expense_fen) == (36540, 0)
    with pytest.raises(InvalidInput, match="日期"):
        await edit_entry(electricity.id, {"date": "2026-09-30"}, clerk, "日期")
    with pytest.raises(InvalidInput, match="理由"):
        await edit_entry(electricity.id, {"summary": "电费"}, clerk, " ")
    await delete_entry(electricity.id, clerk, "重复记账")
    assert await _state() == (1200000, 421000, 5779000, 4, 2)
    assert await AuditEvent.filter(action="finance_entry_delete").count() == 1


async def test_a_signed_period_is_frozen_until_a_reviewer_reopens_it(db):
    clerk, reviewer, supervisor = await _people()
    await _october(clerk)
    await sign_off(VILLAGE_A, "2026-10", supervisor, "同意公开")
    electricity = await FinanceEntry.get(voucher_no="记-002")
    for attempt in (add_entry(VILLAGE_A, "2026-10", PAPER, clerk),
                    edit_entry(electricity.id, {"expense": "365.40"}, clerk, "改"),
                    delete_entry(electricity.id, clerk, "删")):
        with pytest.raises(Conflict, match="finance reopen"):
            await attempt
    await reopen_period(VILLAGE_A, "2026-10", reviewer, "电费记错")
    await edit_entry(electricity.id, {"expense": "365.40"}, clerk, "电费按发票改正")
    period = await FinancePeriod.get(period="2026-10")
    assert (period.closing_fen, period.revision, period.signed_off_at) == (5742460, 3, None)


async def test_a_change_that_would_move_the_next_opening_is_refused(db):
    clerk, _, _ = await _people()
    await _october(clerk)
    await import_finance(ledger([("2026-11-04", "记-001", "村部电费", "各项支出", "", "300.00")],
                                opening=None), "nov.csv", village_code=VILLAGE_A,
                         period_text="2026-11", actor=clerk)
    electricity = await FinanceEntry.get(voucher_no="记-002", period__period="2026-10")
    with pytest.raises(InvalidInput) as refused:
        await edit_entry(electricity.id, {"expense": "365.40"}, clerk, "电费")
    assert "2026-11" in refused.value.message and "57,424.60" in refused.value.message
    assert await _state() == (1200000, 456640, 5743360, 1, 3)
    assert (await FinanceEntry.get(id=electricity.id)).expense_fen == 35640
    with pytest.raises(InvalidInput, match="下一期"):
        await add_entry(VILLAGE_A, "2026-10", PAPER, clerk)
    await edit_entry(electricity.id, {"summary": "村部10月电费"}, clerk, "摘要写全")
    assert (await FinanceEntry.get(id=electricity.id)).summary == "村部10月电费"


async def test_only_the_village_s_own_clerks_and_cadres_enter_entries(db):
    clerk, reviewer, supervisor = await _people()
    await _october(clerk)
    stranger = await create_staff("clerk_b", Role.TOWNSHIP_CLERK, OTHER_TOWNSHIP)
    for who in (supervisor, reviewer, stranger):
        with pytest.raises(Forbidden):
            await add_entry(VILLAGE_A, "2026-10", PAPER, who)
    cadre = await create_staff("东湖文书", Role.VILLAGE_CADRE, VILLAGE_A)
    await add_entry(VILLAGE_A, "2026-10", PAPER, cadre)
    assert (await _state())[4] == 4
