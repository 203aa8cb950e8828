"""Village finance: the balance chain holds across periods, problems are named, nothing is
half-saved, and the supervision committee's sign-off freezes a period."""

from __future__ import annotations

import csv
import io

import pytest

from notices.ledgers.finance.services import get_period, import_finance, sign_off
from notices.ledgers.models import FinanceEntry, FinancePeriod
from tests.builders import TOWNSHIP, VILLAGE_A, VILLAGE_B, create_county, create_staff
from villages.errors import Conflict, Forbidden, InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage

ENTRIES = [
    ("2026-10-03", "记-001", "村集体土地租金", "各项收入", "12000.00", ""),
    ("2026-10-09", "记-002", "村部电费", "各项支出", "", "356.40"),
    ("2026-10-20", "记-003", "道路维修材料费", "各项支出", "", "4210.00"),
]


def ledger(entries=ENTRIES, *, opening: str | None = "50000.00", closing: str | None = None,
           totals: tuple[str, str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["东湖村2026年10月村级财务收支明细"])
    writer.writerow(["日期", "凭证号", "摘要", "类别", "收入（元）", "支出（元）",
                     "经手人", "审批人"])
    if opening is not None:
        writer.writerow(["", "", "上月结余", "", opening, "", "", ""])
    for entry in entries:
        writer.writerow([*entry, "张会计", "李卫东"])
    if totals:
        writer.writerow(["", "", "本月合计", "", *totals, "", ""])
    if closing is not None:
        writer.writerow(["", "", "期末余额", "", closing, "", "", ""])
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
async def clerk(db):
    await create_county()
    return await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)


async def test_a_month_is_stored_with_opening_plus_income_minus_expense(clerk):
    summary = await import_finance(ledger(closing="57433.60", totals=("12000.00", "4566.40")),
                                   "oct.csv", village_code=VILLAGE_A, period_text="2026-10",
                                   actor=clerk)
    assert (summary.opening_fen, summary.income_fen, summary.expense_fen,
            summary.closing_fen) == (5000000, 1200000, 456640, 5743360)
    assert summary.by_category["各项支出"]["expense_fen"] == 456640
    assert await FinanceEntry.filter(period_id=summary.period_id).count() == 3


async def test_the_next_period_opens_with_the_previous_closing(clerk):
    await import_finance(ledger(), "oct.csv", village_code=VILLAGE_A, period_text="2026-10",
                         actor=clerk)
    nov = [("2026-11-05", "记-001", "光伏发电收益", "各项收入", "800.00", "")]
    with pytest.raises(InvalidInput) as caught:
        await import_finance(ledger(nov, opening="50000.00"), "nov.csv", village_code=VILLAGE_A,
                             period_text="2026-11", actor=clerk)
    problem = caught.value.details["problems"][0]
    assert problem["column"] == "期初余额"
    assert "50,000.00" in problem["message"] and "57,433.60" in problem["message"]
    assert await FinancePeriod.filter(period="2026-11").count() == 0
    fine = await import_finance(ledger(nov, opening=None), "nov.csv", village_code=VILLAGE_A,
                                period_text="2026-11", actor=clerk)
    assert fine.opening_fen == 5743360 and fine.closing_fen == 5823360


async def test_a_wrong_closing_row_is_refused_with_both_numbers(clerk):
    with pytest.raises(InvalidInput) as caught:
        await import_finance(ledger(closing="57433.00"), "oct.csv", village_code=VILLAGE_A,
                             period_text="2026-10", actor=clerk)
    message = caught.value.details["problems"][0]["message"]
    assert "57,433.00" in message and "57,433.60" in message


async def test_every_bad_row_is_named_and_nothing_is_saved(clerk):
    bad = [*ENTRIES,
           ("2026-09-30", "记-004", "上月的发票", "各项支出", "", "10.00"),
           ("2026-10-21", "记-005", "既收又支", "各项收入", "5.00", "5.00"),
           ("2026-10-22", "", "没有凭证号", "各项支出", "", "1.005")]
    with pytest.raises(InvalidInput) as caught:
        await import_finance(ledger(bad), "oct.csv", village_code=VILLAGE_A,
                             period_text="2026-10", actor=clerk)
    where = {(p["row"], p["column"]) for p in caught.value.details["problems"]}
    assert {(7, "日期"), (8, "收入/支出"), (9, "凭证号"), (9, "支出")} <= where
    assert await FinancePeriod.all().count() == 0 and await FinanceEntry.all().count() == 0


async def test_a_first_period_needs_an_opening_balance(clerk):
    with pytest.raises(InvalidInput, match="期初余额"):
        await import_finance(ledger(opening=None), "oct.csv", village_code=VILLAGE_A,
                             period_text="2026-10", actor=clerk)
    summary = await import_finance(ledger(opening=None), "oct.csv", village_code=VILLAGE_A,
                                   period_text="2026-10", actor=clerk, opening_fen=100)
    assert summary.closing_fen == 100 + 1200000 - 456640


async def test_a_quarter_cannot_overlap_an_imported_month(clerk):
    await import_finance(ledger(), "oct.csv", village_code=VILLAGE_A, period_text="2026-10",
                         actor=clerk)
    with pytest.raises(Conflict, match="重叠"):
        await import_finance(ledger(), "q4.csv", village_code=VILLAGE_A, period_text="2026-Q4",
                             actor=clerk)


async def test_sign_off_is_the_supervisors_and_freezes_the_period(clerk):
    await import_finance(ledger(), "oct.csv", village_code=VILLAGE_A, period_text="2026-10",
                         actor=clerk)
    other = await create_staff("sup-b", Role.VILLAGE_SUPERVISOR, VILLAGE_B)
    with pytest.raises(Forbidden):
        await sign_off(VILLAGE_A, "2026-10", other, "同意")
    with pytest.raises(Forbidden):
        await sign_off(VILLAGE_A, "2026-10", clerk, "同意")
    # Before sign-off a corrected ledger replaces the period.
    await import_finance(ledger(ENTRIES[:2]), "oct2.csv", village_code=VILLAGE_A,
                         period_text="2026-10", actor=clerk)
    record = await get_period(VILLAGE_A, "2026-10")
    assert record.revision == 2 and record.entry_count == 2
    supervisor = await create_staff("sup-a", Role.VILLAGE_SUPERVISOR, VILLAGE_A)
    await sign_off(VILLAGE_A, "2026-10", supervisor, "经审核，收支真实，同意公开")
    record = await get_period(VILLAGE_A, "2026-10")
    assert record.signed_off_by_id == supervisor.id and record.signoff_opinion.startswith("经审核")
    with pytest.raises(Conflict, match="签核"):
        await import_finance(ledger(), "oct3.csv", village_code=VILLAGE_A,
                             period_text="2026-10", actor=clerk)
