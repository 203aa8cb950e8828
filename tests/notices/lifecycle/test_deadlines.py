"""Working-day deadlines follow the State Council schedule, say which calendar produced
them, and refuse — naming the year — when no schedule covers it."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notices.ledgers.models import PayoutBatch
from notices.lifecycle import deadlines
from notices.lifecycle.deadlines import CalendarMissing, WorkdayCalendar, import_schedule
from notices.lifecycle.due import due_items
from tests.builders import COUNTY, create_county, create_staff
from villages.errors import Forbidden, InvalidInput
from villages.models import Role

SCHEDULE_2027 = "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-06,休,春节\n2027-02-07,班,春节调休\n"


def test_a_weekend_is_skipped():
    deadline = WorkdayCalendar({}, {}).add_working_days(date(2026, 11, 20), 1)  # a Friday
    assert deadline.due == date(2026, 11, 23) and deadline.calendar == deadlines.LIBRARY


def test_national_day_is_skipped():
    deadline = WorkdayCalendar({}, {}).add_working_days(date(2026, 9, 30), 1)
    assert deadline.due.month == 10 and deadline.due.day > 7


def test_a_year_without_a_schedule_is_refused_by_name():
    with pytest.raises(CalendarMissing, match="2027年"):
        WorkdayCalendar({}, {}).add_working_days(date(2026, 12, 20), 20)


@settings(max_examples=80, deadline=None)
@given(st.dates(date(2010, 1, 1), date(2026, 10, 31)), st.integers(1, 40))
def test_the_due_day_is_a_workday_with_exactly_n_workdays_counted(start, days):
    due = WorkdayCalendar({}, {}).add_working_days(start, days).due
    assert chinese_calendar.is_workday(due)
    counted = sum(chinese_calendar.is_workday(start + timedelta(d))
                  for d in range(1, (due - start).days + 1))
    assert counted == days


@pytest.mark.storage
async def test_an_entered_year_is_used_and_named(db):
    await create_county()
    admin = await create_staff("boss", Role.COUNTY_ADMIN, COUNTY)
    assert await import_schedule(SCHEDULE_2027, 2027, "国办发明电〔2026〕9号", admin) == 3
    calendar = await WorkdayCalendar.load()
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 2, 7))         # a Sunday 调休 workday
    deadline = calendar.add_working_days(date(2026, 12, 30), 2)
    assert deadline.due == date(2027, 1, 4)               # 12-31, (01-01 休, weekend), 01-04
    assert "县录入2027年" in deadline.calendar and deadlines.LIBRARY in deadline.calendar


@pytest.mark.storage
async def test_only_the_county_enters_a_schedule_and_bad_rows_are_named(db):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, "419901100000")
    with pytest.raises(Forbidden):
        await import_schedule(SCHEDULE_2027, 2027, "x", clerk)
    admin = await create_staff("boss", Role.COUNTY_ADMIN, COUNTY)
    with pytest.raises(InvalidInput) as caught:
        await import_schedule("2027-13-01,休,?\n2026-10-01,休,国庆\n", 2027, "x", admin)
    assert [p["row"] for p in caught.value.details] == [1, 2]


@pytest.mark.storage
async def test_a_batch_without_a_notice_is_due_20_working_days_after_import(runtime):
    from tests.notices.lifecycle.test_workflow import _setup
    _, _, summary = await _setup(runtime)
    batch = await PayoutBatch.get(id=summary.batch_id)
    formed = batch.created_at.date()
    items = await due_items(formed + timedelta(days=60), "419901100")
    [item] = [i for i in items if i.kind == "payout_notice"]
    assert item.overdue and item.calendar
    fresh = await due_items(formed, "419901100")
    assert not next(i for i in fresh if i.kind == "payout_notice").overdue
