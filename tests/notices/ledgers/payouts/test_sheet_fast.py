"""The sheet reader's fast paths (clean IDs, card numbers, phones, repeated amounts and areas)
decide exactly as the careful checks in notices.privacy.numbers and notices.money do."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notices.ledgers.payouts.rows import Collected, _clean_account, _clean_id
from notices.ledgers.payouts.sheet import read_payout_sheet
from notices.privacy.numbers import check_bank_account, mobile_digits, parse_id_number
from tests.notices.fixtures.books import HEADER, TITLE, Sheet, xlsx
from tests.notices.fixtures.numbers import CARD, luhn_complete, make_id, random_card, random_id
from villages.errors import InvalidInput

TODAY = date(2026, 3, 1)
DIGITS = "0123456789"


def careful_id(text: str) -> str:
    try:
        return parse_id_number(text, today=TODAY).normalised
    except InvalidInput:
        return ""


def careful_account(text: str) -> bool:
    try:
        return check_bank_account(text) == text
    except InvalidInput:
        return False


id_like = st.one_of(
    st.builds(lambda r: random_id(random.Random(r)), st.integers()),
    st.builds(lambda r: random_id(random.Random(r)).lower(), st.integers()),
    st.text(alphabet=DIGITS + "Xx", min_size=17, max_size=19),
    st.text(alphabet=DIGITS, min_size=17, max_size=17).map(lambda s: s + "X"),
    st.text(min_size=0, max_size=20),
)


@settings(max_examples=1500)
@given(id_like)
def test_a_clean_id_is_accepted_only_when_the_careful_check_accepts_it(text: str) -> None:
    fast = _clean_id(text, Collected(None, TODAY))
    careful = careful_id(text)
    assert fast in ("", careful)
    if len(text) == 18 and text.isascii() and text[:17].isdigit():
        assert fast == careful  # plain 18-character IDs never need the slow path


@pytest.mark.parametrize(
    ("born", "accepted"),
    [
        (date(2026, 3, 1), True),  # born today
        (date(2026, 3, 2), False),  # born tomorrow
        (date(1880, 1, 1), True),
        (date(1879, 12, 31), False),
    ],
)
def test_the_birth_date_bounds_match_the_careful_check(born: date, accepted: bool) -> None:
    text = make_id(born=born)
    out = Collected(None, TODAY)
    assert (_clean_id(text, out) == text) is accepted
    assert (careful_id(text) == text) is accepted
    assert (_clean_id(text, out) == text) is accepted  # and again, from the cache


def test_an_impossible_birth_date_is_refused() -> None:
    first17 = "41052119900230123"  # 30 February
    for check in "0123456789X":
        assert _clean_id(first17 + check, Collected(None, TODAY)) == ""


card_like = st.one_of(
    st.builds(lambda r, n: random_card(random.Random(r), n), st.integers(), st.integers(16, 19)),
    st.text(alphabet=DIGITS, min_size=14, max_size=21),
    st.text(alphabet=DIGITS, min_size=15, max_size=18).map(luhn_complete),
    st.text(min_size=0, max_size=20),
)


@settings(max_examples=1500)
@given(card_like)
def test_a_clean_card_number_is_accepted_exactly_when_the_careful_check_accepts_it(
    text: str,
) -> None:
    assert _clean_account(text) == careful_account(text)


@settings(max_examples=500)
@given(st.text(alphabet=DIGITS, min_size=11, max_size=11))
def test_eleven_plain_digits_are_kept_as_written_as_the_careful_path_would(text: str) -> None:
    assert (mobile_digits(text) or text) == text


def _sheet(rows: list[list[object]]) -> bytes:
    return xlsx(Sheet("发放清册", [[TITLE], HEADER, *rows]))


def _row(n: int, area: object, amount: object, rate: object = 92.5) -> list[object]:
    return [n, "张庄村", "1组", f"张{n}", make_id(seq=n), area, rate, amount, CARD, "", ""]


def test_repeated_amounts_and_areas_give_the_same_exact_values() -> None:
    rows = [_row(n, 2.5, 231.25) for n in range(1, 6)] + [_row(6, 0.35, 32.38)]
    parsed = read_payout_sheet(_sheet(rows), "x.xlsx", today=TODAY)
    assert parsed.problems == () and parsed.warnings == ()
    assert [r.amount_fen for r in parsed.rows] == [23125] * 5 + [3238]
    assert {str(r.quantity) for r in parsed.rows[:5]} == {"2.5"}


def test_a_bad_amount_repeated_on_many_rows_is_reported_on_every_row() -> None:
    rows = [_row(n, 1, 92.505) for n in range(1, 4)] + [_row(4, 1, -92.5), _row(5, 1, -92.5)]
    parsed = read_payout_sheet(_sheet(rows), "x.xlsx", today=TODAY)
    assert sorted(p.row for p in parsed.problems if "金额" in p.column) == [3, 4, 5, 6, 7]
    assert parsed.rows == ()


def test_a_repeated_mismatch_of_area_times_rate_is_warned_on_every_row() -> None:
    rows = [_row(n, 2.5, 231.26) for n in range(1, 4)]
    parsed = read_payout_sheet(_sheet(rows), "x.xlsx", today=TODAY)
    assert [w.row for w in parsed.warnings if "数量×标准" in w.message] == [3, 4, 5]
    assert len(parsed.rows) == 3


def test_text_longer_than_the_register_holds_is_a_problem_not_a_database_error() -> None:
    long_group = _row(1, 1, 92.5)
    long_group[2] = "第" * 51 + "组"
    long_area = _row(2, "1.00000000000000000001", 92.5)
    parsed = read_payout_sheet(_sheet([long_group, long_area]), "x.xlsx", today=TODAY)
    messages = {(p.row, p.column): p.message for p in parsed.problems}
    assert "村民小组名称过长" in messages[3, "村民小组"]
    assert "位数过多" in messages[4, "计税面积（亩）"]
    assert parsed.rows == ()
