"""中文大写 and grouped amounts, checked against the 《支付结算办法》 examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdf.amounts import amount_in_words, format_yuan

DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def parse_integer(words: str) -> int:
    """Independent reader of a 大写 integer: split at the last 亿, then the last 万."""
    for unit, value in (("亿", 10**8), ("万", 10**4)):
        if unit in words:
            high, low = words.rsplit(unit, 1)
            return parse_integer(high) * value + parse_integer(low)
    total = digit = 0
    for ch in words.replace("零", ""):
        if ch in DIGIT:
            digit = DIGIT[ch]
        else:
            total += digit * SMALL[ch]
            digit = 0
    return total + digit


def parse_words(words: str) -> int:
    """Our 大写 back to fen (test-side, written from the reading rules, not the code)."""
    assert words.startswith("人民币")
    body = words[3:].removesuffix("整")
    yuan_part, _, cents_part = body.rpartition("元")
    fen = 0
    cents_part = cents_part.replace("零", "")
    for digit_char, unit in zip(cents_part[::2], cents_part[1::2], strict=True):
        fen += DIGIT[digit_char] * {"角": 10, "分": 1}[unit]
    return parse_integer(yuan_part) * 100 + fen


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (1234567, "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        (1002005, "人民币壹万零贰拾元零伍分"),
        (10000, "人民币壹佰元整"),
        (0, "人民币零元整"),
        (150, "人民币壹元伍角"),
        (10000000100, "人民币壹亿零壹元整"),
        (100010000, "人民币壹佰万零壹佰元整"),
        (1500, "人民币壹拾伍元整"),            # 拾 always takes a digit
        (1640902, "人民币壹万陆仟肆佰零玖元零贰分"),  # 角 zero, 分 not: 元零贰分
        (168032, "人民币壹仟陆佰捌拾元叁角贰分"),
        (10700000, "人民币壹拾万柒仟元整"),
        (100001, "人民币壹仟元零壹分"),
        (50, "人民币伍角"),
        (5, "人民币伍分"),
        (100000000000000, "人民币壹万亿元整"),
        (100010000000000, "人民币壹万零壹亿元整"),
        (10100000000, "人民币壹亿零壹佰万元整"),
    ],
)
def test_amount_in_words_matches_the_payment_rules(fen: int, words: str) -> None:
    assert amount_in_words(fen) == words


def test_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        amount_in_words(-1)


@pytest.mark.parametrize("bad", [1.5, True, "100"])
def test_non_integer_fen_is_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_yuan(bad)  # type: ignore[arg-type]


def test_amount_beyond_wan_yi_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        amount_in_words(10**18)


@pytest.mark.parametrize(
    ("fen", "text"),
    [(1234567, "12,345.67"), (0, "0.00"), (5, "0.05"), (100, "1.00"),
     (123456789012, "1,234,567,890.12"), (-150, "-1.50")],
)
def test_format_yuan_groups_thousands_and_keeps_two_decimals(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


amounts = st.integers(min_value=0, max_value=10**16 * 100 - 1)


@given(amounts)
def test_words_read_back_to_the_same_amount(fen: int) -> None:
    assert parse_words(amount_in_words(fen)) == fen


@given(amounts)
def test_words_follow_the_structural_rules(fen: int) -> None:
    words = amount_in_words(fen)
    assert words.startswith("人民币")
    assert "零零" not in words
    assert "拾" not in words or all(words[i - 1] in DIGIT for i, c in enumerate(words) if c == "拾")
    for unit in "万亿元角分":
        assert f"零{unit}" not in words or words == "人民币零元整"
    if fen % 100 == 0:
        assert words.endswith("元整")
    else:
        assert not words.endswith("整")
        assert words.endswith("分" if fen % 10 else "角")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_yuan_reads_back(fen: int) -> None:
    text = format_yuan(fen)
    sign = -1 if text.startswith("-") else 1
    yuan, cents = text.lstrip("-").replace(",", "").split(".")
    assert sign * (int(yuan) * 100 + int(cents)) == fen
    assert len(cents) == 2
