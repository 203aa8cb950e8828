"""The due list follows each village's finance rhythm: a village that reports by quarter is
not flagged in the middle of a quarter; a quarter is due once it has ended, and the catalog
item 村级财务收支 decides how many days after (natural or working days). Fixed dates."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from notices.county.settings import list_settings, set_setting
from notices.kinds.catalog import edit_item
from notices.kinds.finance import create_finance_notice
from notices.ledgers.finance.services import import_finance, sign_off
from notices.lifecycle import workflow as lifecycle
from notices.lifecycle.due import due_items
from notices.models import AuditEvent
from tests.builders import (
    COUNTY,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE_A,
    VILLAGE_B,
    create_staff,
)
from tests.notices.kinds.test_finance import _people
from villages.errors import Forbidden, InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage


def quarter_ledger(*entries: tuple[str, str, str], opening: str = "20000.00") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["日期", "凭证号", "摘要", "类别", "收入", "支出", "经手人", "审批人"])
    writer.writerow(["", "", "上期结余", "", opening, "", "", ""])
    for day, income, expense in entries:
        writer.writerow([day, f"记-{day[5:7]}{day[8:]}", "村集体收支", "", income, expense,
                         "张会计", "李卫东"])
    return out.getvalue().encode()


async def _due(today: date, village: str = VILLAGE_A) -> list[tuple[str, str, bool]]:
    return [(i.what, i.due, i.overdue) for i in await due_items(today, village)
            if i.kind == "finance"]


async def _disclosed_q2(runtime):
    """东湖村 reports by quarter; its second quarter is signed and published."""
    clerk, reviewer, supervisor = await _people()
    await import_finance(quarter_ledger(("2026-04-10", "5000.00", ""),
                                        ("2026-06-20", "", "1200.00")),
                         "q2.csv", village_code=VILLAGE_A, period_text="2026-Q2", actor=clerk)
    await sign_off(VILLAGE_A, "2026-Q2", supervisor, "同意公开")
    notice = await create_finance_notice(VILLAGE_A, "2026-Q2", clerk)
    await lifecycle.submit(notice, clerk)
    await lifecycle.approve(notice, reviewer)
    await lifecycle.publish(notice, reviewer, runtime.publish_context())
    return clerk, reviewer, supervisor


async def test_a_quarterly_village_is_not_due_in_the_middle_of_a_quarter(runtime):
    await _disclosed_q2(runtime)
    # A monthly rule would say "2026-07 未导入" here; the village reports by quarter.
    for today in (date(2026, 7, 15), date(2026, 8, 15), date(2026, 9, 30)):
        assert await _due(today) == [], today
    # The day after the quarter ends, Q3 is due within the catalog's 10 natural days.
    assert await _due(date(2026, 10, 1)) == [("2026-Q3 村级财务未导入", "2026-10-10", False)]
    assert await _due(date(2026, 10, 10)) == [("2026-Q3 村级财务未导入", "2026-10-10", False)]
    assert await _due(date(2026, 10, 11)) == [("2026-Q3 村级财务未导入", "2026-10-10", True)]


async def test_an_ended_quarter_says_what_it_still_needs(runtime):
    clerk, _, supervisor = await _disclosed_q2(runtime)
    await import_finance(quarter_ledger(("2026-07-02", "800.00", ""), opening="23800.00"), "q3.csv",
                         village_code=VILLAGE_A, period_text="2026-Q3", actor=clerk)
    assert await _due(date(2026, 9, 15)) == []
    assert await _due(date(2026, 10, 12)) == [
        ("2026-Q3 村级财务待监督委员会签核，未公开", "2026-10-10", True)]
    await sign_off(VILLAGE_A, "2026-Q3", supervisor, "同意公开")
    [item] = [i for i in await due_items(date(2026, 10, 5), VILLAGE_A) if i.kind == "finance"]
    assert item.what == "2026-Q3 村级财务已签核，未公开"
    assert item.calendar.startswith("按季公开，期末后10个自然日")


async def test_the_catalog_item_decides_how_many_days_after_the_quarter(runtime):
    await _disclosed_q2(runtime)
    admin = await create_staff("county", Role.COUNTY_ADMIN, COUNTY)
    await edit_item("CWGK-01", {"limit_days": "15"}, admin)
    assert await _due(date(2026, 10, 12)) == [("2026-Q3 村级财务未导入", "2026-10-15", False)]
    # In working days the National Day holiday (10-01…10-07) does not count and the
    # Saturday 10-10 调休 workday does: the 10th working day after 09-30 is 10-20.
    await edit_item("CWGK-01", {"limit_days": "10", "limit_kind": "working"}, admin)
    [item] = [i for i in await due_items(date(2026, 10, 16), VILLAGE_A) if i.kind == "finance"]
    assert (item.due, item.overdue) == ("2026-10-20", False)
    assert "工作日" in item.calendar and "chinese-calendar" in item.calendar


async def test_a_rhythm_set_for_the_village_wins_over_its_periods(runtime):
    clerk, _, _ = await _people()
    await import_finance(quarter_ledger(("2026-06-03", "100.00", "")), "jun.csv",
                         village_code=VILLAGE_A, period_text="2026-06", actor=clerk)
    # Monthly by its periods: July is due in the middle of August.
    assert await _due(date(2026, 8, 15)) == [("2026-07 村级财务未导入", "2026-08-10", True)]
    before, after = await set_setting(f"finance_rhythm.{VILLAGE_A}", "按季", clerk)
    assert (before, after) == ("", "quarterly")
    [event] = await AuditEvent.filter(action="set_setting",
                                      subject=f"setting:finance_rhythm.{VILLAGE_A}")
    assert event.detail == {"before": "", "after": "quarterly", "village": "东湖村"}
    assert await _due(date(2026, 8, 15)) == [("2026-Q2 村级财务未导入", "2026-07-10", True)]
    assert {"key": f"finance_rhythm.{VILLAGE_A}", "value": "quarterly", "default": "",
            "help": "村级财务公开周期", "changed_by": "clerk"} in await list_settings()
    with pytest.raises(InvalidInput, match="monthly（按月）"):
        await set_setting(f"finance_rhythm.{VILLAGE_A}", "每年", clerk)
    other = await create_staff("clerk_b", Role.TOWNSHIP_CLERK, OTHER_TOWNSHIP)
    with pytest.raises(Forbidden):
        await set_setting(f"finance_rhythm.{VILLAGE_A}", "monthly", other)
    assert await set_setting(f"finance_rhythm.{VILLAGE_A}", "", clerk) == ("quarterly", "")
    assert await _due(date(2026, 8, 15)) == [("2026-07 村级财务未导入", "2026-08-10", True)]


async def test_a_village_that_never_imported_finance_is_due_by_quarter(runtime):
    await _people()
    # 西岗村 has no finance in Cunwu at all: its last ended quarter is still owed.
    assert await _due(date(2026, 8, 15), VILLAGE_B) == [
        ("2026-Q2 村级财务未导入（本村还没有导入过村级财务）", "2026-07-10", True)]
    assert await _due(date(2026, 7, 5), VILLAGE_B) == [
        ("2026-Q2 村级财务未导入（本村还没有导入过村级财务）", "2026-07-10", False)]
    # A rhythm set for it is followed, as for any village.
    clerk = await create_staff("clerk_west", Role.TOWNSHIP_CLERK, TOWNSHIP)
    await set_setting(f"finance_rhythm.{VILLAGE_B}", "按月", clerk)
    [(what, due, overdue)] = await _due(date(2026, 8, 15), VILLAGE_B)
    assert what.startswith("2026-07 村级财务未导入") and (due, overdue) == ("2026-08-10", True)
