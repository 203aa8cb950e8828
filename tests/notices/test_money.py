from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notices.money import MAX_FEN, allocate, fen_from_cell, format_fen, parse_fen, round_half_up_fen
from villages.errors import InvalidInput

fens = st.integers(min_value=0, max_value=MAX_FEN)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1234.5", 123450),
        ("1,234.50", 123450),
        ("￥1,234.50", 123450),
        ("¥1234.5", 123450),
        ("１２３４．５０", 123450),
        ("１，２３４．５", 123450),
        (" 1 234 . 5 ", 123450),
        ("1234\u00a0元", 123400),
        ("1234元", 123400),
        ("人民币12元整", 1200),
        ("0", 0),
        ("0.01", 1),
        (".5", 50),
        ("7.", 700),
        ("1.230", 123),  # trailing zeros are not extra precision
        ("10000000000", MAX_FEN),
    ],
)
def test_parse_text(text: str, fen: int) -> None:
    assert parse_fen(text) == fen


def test_parse_decimal_and_int() -> None:
    assert parse_fen(Decimal("1234.50")) == 123450
    assert parse_fen(Decimal("1E+2")) == 10000
    assert parse_fen(Decimal("0E-30")) == 0
    assert parse_fen(12) == 1200  # int means whole yuan


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1.234", "两位小数"),
        ("0.001", "两位小数"),
        (Decimal("1.001"), "两位小数"),
        (Decimal("1E-7"), "两位小数"),
        ("NaN", "只能包含"),
        ("inf", "只能包含"),
        (Decimal("NaN"), "不是数字"),
        (Decimal("Infinity"), "不是数字"),
        ("", "为空"),
        ("   ", "为空"),
        ("元", "为空"),
        ("-5", "负数"),
        ("－5", "负数"),
        ("(12.00)", "负数"),
        (Decimal("-0.01"), "负数"),
        (-1, "负数"),
        ("12,34", "千分位"),
        ("1.2.3", "只能包含"),
        ("12a", "只能包含"),
        ("10000000000.01", "过大"),
        (Decimal("1E+999999"), "过大"),
        (10**11, "过大"),
        ("9" * 100, "过长"),
    ],
)
def test_parse_rejects(value: str | int | Decimal, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_fen(value, field="补贴金额")
    assert reason in caught.value.message
    assert "补贴金额" in caught.value.message  # names the field


def test_error_message_names_value() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_fen("1.234", field="发放金额")
    assert caught.value.message.startswith("发放金额“1.234”")
    assert caught.value.details["value"] == "1.234"


def test_float_and_bool_are_type_errors() -> None:
    with pytest.raises(TypeError):
        parse_fen(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_fen(True)


@pytest.mark.parametrize(
    ("cell", "fen"),
    [(1234.5, 123450), (3.0, 300), (0.1, 10), (12, 1200), ("1,234.50", 123450), (1e10, MAX_FEN)],
)
def test_fen_from_cell(cell: object, fen: int) -> None:
    assert fen_from_cell(cell) == fen


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (0.1 + 0.2, "ROUND"),  # 0.30000000000000004: an unrounded formula, refused not rounded
        (1234.5600000000002, "ROUND"),
        (1.005, "两位小数"),
        (float("nan"), "不是数字"),
        (float("inf"), "不是数字"),
        (-3.0, "负数"),
        (1e16, "过大"),
        (True, "不是数字"),
        (None, "为空"),
        ("", "为空"),
        (object(), "不是数字"),
    ],
)
def test_fen_from_cell_rejects(cell: object, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        fen_from_cell(cell)
    assert reason in caught.value.message


def test_format() -> None:
    assert format_fen(123450) == "1,234.50"
    assert format_fen(0) == "0.00"
    assert format_fen(7) == "0.07"
    assert format_fen(-5) == "-0.05"
    assert format_fen(MAX_FEN) == "10,000,000,000.00"


@given(fens)
def test_parse_format_round_trip(fen: int) -> None:
    assert parse_fen(format_fen(fen)) == fen


@given(fens)
def test_float_cells_with_two_decimals_are_exact(fen: int) -> None:
    # What calamine returns for a cell holding this amount: the nearest float.
    cell = float(format_fen(fen).replace(",", ""))
    assert fen_from_cell(cell) == fen


@given(st.lists(fens, max_size=50))
def test_sums_are_exact(amounts: list[int]) -> None:
    assert sum(parse_fen(format_fen(a)) for a in amounts) == sum(amounts)
    yuan = sum((Decimal(a) / 100 for a in amounts), Decimal(0))
    if sum(amounts) <= MAX_FEN:
        assert parse_fen(yuan) == sum(amounts)


@given(
    st.decimals(min_value=0, max_value=100000, places=4, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**7),
)
def test_round_half_up_matches_decimal(quantity: Decimal, rate_fen: int) -> None:
    expected = int((quantity * rate_fen).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert round_half_up_fen(quantity, rate_fen) == expected


def test_round_half_up_fixed() -> None:
    assert round_half_up_fen(Decimal("2.5"), 1) == 3  # 四舍五入, not banker's rounding
    assert round_half_up_fen(Decimal("3.5"), 1) == 4
    assert round_half_up_fen(Decimal("12.345"), 10512) == 129771  # 129770.64
    assert round_half_up_fen(Decimal("0.005"), 100) == 1  # 0.5 fen rounds up
    assert round_half_up_fen(Decimal("-2.5"), 1) == -3
    with pytest.raises(TypeError):
        round_half_up_fen(2.5, 100)  # type: ignore[arg-type]


@given(
    st.integers(min_value=0, max_value=10**12),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(any),
)
def test_allocate_sums_and_stays_within_one_fen(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - Fraction(total * weight, weight_sum)) < 1
        assert part >= 0


def test_allocate_fixed() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]  # ties go to the earlier weight
    assert allocate(10, [Decimal("0.5"), Decimal("1.5")]) == [3, 7]  # 2.5 → 3 by remainder order
    assert allocate(0, [0, 0]) == [0, 0]
    assert allocate(5, [0, 1]) == [0, 5]
    with pytest.raises(InvalidInput):
        allocate(5, [0, 0])
    with pytest.raises(InvalidInput):
        allocate(5, [1, -1])
    with pytest.raises(InvalidInput):
        allocate(-1, [1])
