"""Property tests for the two small parsers a clerk types into: the period and --map."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notices.ledgers.payouts.column_maps import parse_map_options
from notices.ledgers.payouts.header import FIELD_LABELS, FIELDS
from notices.ledgers.payouts.services import check_period
from villages.errors import InvalidInput


@given(st.integers(2000, 2100), st.integers(1, 12))
def test_every_month_of_the_year_is_a_period(year: int, month: int) -> None:
    assert check_period(f" {year}-{month:02d} ", year) == f"{year}-{month:02d}"


@given(st.integers(2000, 2100), st.integers(1, 4))
def test_every_quarter_is_a_period_whatever_the_case(year: int, quarter: int) -> None:
    assert check_period(f"{year}-q{quarter}", year) == f"{year}-Q{quarter}"


@given(st.text(max_size=30), st.integers(2000, 2100))
def test_any_text_is_a_period_or_a_clear_refusal(text: str, year: int) -> None:
    try:
        cleaned = check_period(text, year)
    except InvalidInput as exc:
        assert "发放期间" in exc.message
    else:
        assert cleaned == "" or cleaned.startswith(str(year))


@given(st.lists(st.text(max_size=20), max_size=5))
def test_any_map_option_is_parsed_or_refused_in_words(options: list[str]) -> None:
    try:
        parsed = parse_map_options(options)
    except InvalidInput as exc:
        assert "列对应" in exc.message
    else:
        assert set(parsed.values()) <= {*FIELDS, ""}


@given(st.sampled_from(FIELDS), st.text(min_size=1, max_size=10).filter(
    lambda t: "=" not in t and t.strip()))
def test_a_field_may_be_named_by_its_label(field: str, header: str) -> None:
    assert parse_map_options([f"{header}={FIELD_LABELS[field]}"]) == {header.strip(): field}


def test_a_missing_equals_sign_is_refused() -> None:
    with pytest.raises(InvalidInput, match="列名=字段"):
        parse_map_options(["=金额"])
