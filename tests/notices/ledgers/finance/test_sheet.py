"""The finance ledger parser: whatever valid entries go in come back exactly (property)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notices.ledgers.finance.sheet import CATEGORIES, parse_period, read_finance_sheet
from villages.errors import InvalidInput

entry = st.tuples(
    st.integers(1, 31),
    st.sampled_from(CATEGORIES),
    st.booleans(),
    st.integers(1, 10**10),
    st.text(st.characters(whitelist_categories=("Lo",)), min_size=1, max_size=20),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(entry, min_size=1, max_size=30))
def test_parsed_entries_equal_what_was_written(entries):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["日期", "凭证号", "摘要", "类别", "收入", "支出", "经手人", "审批人"])
    for number, (day, category, is_income, fen, summary) in enumerate(entries, start=1):
        amount = f"{fen // 100}.{fen % 100:02d}"
        writer.writerow([f"2026-10-{day:02d}", f"记-{number}", summary, category,
                         amount if is_income else "", "" if is_income else amount, "甲", "乙"])
    sheet = read_finance_sheet(out.getvalue().encode("gb18030"), "x.csv", parse_period("2026-10"))
    assert sheet.problems == []
    assert [(r.income_fen or r.expense_fen, r.category, r.summary) for r in sheet.rows] == [
        (fen, category, summary) for _, category, _, fen, summary in entries]
    assert all(r.booked_on.month == 10 for r in sheet.rows)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
])
def test_periods_cover_whole_months_and_quarters(text, start, end):
    period = parse_period(text)
    assert (period.starts_on, period.ends_on) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-10", "2026/10", ""])
def test_a_bad_period_says_how_to_write_it(text):
    with pytest.raises(InvalidInput, match="2026-Q3"):
        parse_period(text)


def test_an_entry_named_like_a_total_row_is_still_an_entry():
    text = ("日期,凭证号,摘要,类别,收入,支出,经手人,审批人\n"
            "2026-10-01,记-1,合计,各项支出,,5.00,甲,乙\n"
            ",,本月合计,,,5.00,,\n")
    sheet = read_finance_sheet(text.encode(), "x.csv", parse_period("2026-10"))
    assert [(r.summary, r.expense_fen) for r in sheet.rows] == [("合计", 500)]
    assert sheet.stated_totals == (0, 500)
