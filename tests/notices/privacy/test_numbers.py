from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from notices.privacy.numbers import (
    EXCEL_DAMAGE_MESSAGE,
    check_bank_account,
    check_id_number,
    is_mobile,
    luhn_ok,
    parse_id_number,
)
from notices.privacy.scanner import find_personal_numbers
from tests.notices.fixtures.numbers import CARD, id_check_char, luhn_complete, make_id
from villages.errors import InvalidInput

VALID = make_id()  # 410521199001011235
TODAY = date(2026, 3, 1)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    region = draw(st.integers(min_value=110000, max_value=829999))
    seq = draw(st.integers(min_value=0, max_value=999))
    return make_id(str(region), born, seq)


@st.composite
def luhn_cards(draw: st.DrawFn) -> str:
    length = draw(st.integers(min_value=16, max_value=19))
    body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    return luhn_complete(body)


def test_check_digit_x() -> None:
    first17 = next(
        f"41052119900101{n:03d}"
        for n in range(1000)
        if id_check_char(f"41052119900101{n:03d}") == "X"
    )
    assert check_id_number(first17 + "x") == first17 + "X"
    assert check_id_number(first17 + "ｘ") == first17 + "X"


def test_normalisation() -> None:
    full_width = VALID.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    assert check_id_number(full_width) == VALID
    assert check_id_number(f" {VALID[:6]} {VALID[6:14]} {VALID[14:]}\u00a0") == VALID
    parsed = parse_id_number(VALID)
    assert parsed.normalised == VALID and not parsed.legacy and parsed.birth == date(1990, 1, 1)


def test_legacy_15_digits() -> None:
    parsed = parse_id_number("410521900101123")
    assert parsed.legacy and parsed.birth == date(1990, 1, 1)
    assert check_id_number("410521900101123") == "410521900101123"
    # A 15-digit number survives Excel's 15 significant digits intact.
    assert check_id_number(410521900101123.0) == "410521900101123"
    with pytest.raises(InvalidInput, match="出生日期不存在"):
        check_id_number("410521901301123")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "为空"),
        ("41052119900101123", "应为18位"),
        (VALID + "1", "应为18位"),
        ("41052119900101123Y", "最后一位只能是数字或X"),
        ("4105211990010A1235", "含有数字和X以外"),
        ("41052119900101123X", "校验码不正确"),  # the right one is 5
        (VALID[:17] + str((int(VALID[17]) + 1) % 10), "校验码不正确"),
        (make_id(born=date(2027, 1, 1)), "晚于今天"),
        (make_id(born=date(1850, 1, 1)), "出生日期不存在"),
    ],
)
def test_rejections(value: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_id_number(value, today=TODAY)
    assert reason in caught.value.message
    assert VALID not in caught.value.message  # the number itself is never echoed


def test_impossible_date_with_valid_check_digit() -> None:
    first17 = "41052119900230123"  # 30 February
    with pytest.raises(InvalidInput, match="出生日期不存在"):
        check_id_number(first17 + id_check_char(first17))


@pytest.mark.parametrize(
    "damaged",
    ["4.10521E+17", "4.10521e+17", "4.105211990010112E+17", VALID + ".0", "410521199001011000.0"],
)
def test_excel_damage_text(damaged: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_id_number(damaged)
    assert caught.value.message == EXCEL_DAMAGE_MESSAGE
    assert "文本" in caught.value.message


@pytest.mark.parametrize("cell", [float(VALID), 4.10521e17, 410521199001011235, 12.5, 0])
def test_excel_damage_number_cells(cell: float) -> None:
    with pytest.raises(InvalidInput, match="Excel转成了数字"):
        check_id_number(cell)


@given(valid_ids())
def test_generated_ids_are_accepted_and_found(id_number: str) -> None:
    assert check_id_number(id_number, today=TODAY) == id_number
    text = f"户主张三，身份证{id_number}，已发放"
    findings = find_personal_numbers(text)
    assert [(f.kind, f.start, f.end) for f in findings] == [("id18", 8, 26)]
    assert id_number not in findings[0].masked and id_number not in findings[0].message


@given(valid_ids(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_single_substitution_is_rejected(id_number: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(id_number[position])
    new = alphabet[(old + shift) % len(alphabet)]
    assume(new != id_number[position])
    changed = id_number[:position] + new + id_number[position + 1 :]
    with pytest.raises(InvalidInput):
        check_id_number(changed, today=TODAY)


def test_luhn() -> None:
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")
    assert not luhn_ok("")
    assert not luhn_ok("1234abcd")
    assert luhn_ok(CARD)


def test_bank_account() -> None:
    assert check_bank_account(CARD) == CARD
    assert check_bank_account(f"{CARD[:4]} {CARD[4:8]}-{CARD[8:]}") == CARD
    full_width = CARD.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    assert check_bank_account(full_width) == CARD
    for bad, reason in [
        (CARD[:-1] + str((int(CARD[-1]) + 1) % 10), "校验不通过"),
        ("123456789012345", "16到19位"),
        ("62220212345678901234", "16到19位"),
        ("6222a21234567890128", "只能包含数字"),
        ("", "为空"),
        ("6.22202E+18", "Excel"),
        (float(CARD), "Excel"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            check_bank_account(bad)
        assert reason in caught.value.message
        assert CARD not in caught.value.message


def test_mobile() -> None:
    assert is_mobile("13812345678")
    assert is_mobile("138 1234 5678")
    assert is_mobile("+86 138-1234-5678")
    assert is_mobile("１３８１２３４５６７８")
    assert not is_mobile("12812345678")
    assert not is_mobile("1381234567")
    assert not is_mobile("138123456789")
    assert not is_mobile("0371-12345678")


@given(luhn_cards())
def test_luhn_cards_are_found(card: str) -> None:
    text = f"一卡通账号：{card}。"
    findings = find_personal_numbers(text)
    assert len(findings) == 1
    assert findings[0].kind in ("bank", "id18")  # an 18-digit card may also be a valid ID
    assert text[findings[0].start : findings[0].end] == card
    assert card not in findings[0].masked


def test_scanner_kinds_and_masks() -> None:
    text = (
        f"身份证 {VALID}；旧证 410521900101123；卡号 {CARD}；手机 13812345678；"
        f"分组写法 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}；"
        "电话 138-1234-5678"
    )
    found = find_personal_numbers(text)
    assert [f.kind for f in found] == ["id18", "id15", "bank", "mobile", "bank", "mobile"]
    assert found[0].masked == "410521********1235"
    assert found[1].masked == "410521*****1123"
    assert found[3].masked == "138****5678"
    for finding in found:
        assert "*" in finding.masked
        assert finding.masked not in (VALID, CARD)


def test_scanner_full_width_offsets() -> None:
    full_width = VALID.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    text = f"号码：{full_width}"
    [finding] = find_personal_numbers(text)
    assert (finding.kind, finding.start, finding.end) == ("id18", 3, 21)


def test_scanner_ignores_embedded_and_invalid_numbers() -> None:
    assert find_personal_numbers(f"9{VALID}") == []  # 19 digits that fail Luhn
    assert find_personal_numbers(f"流水号{VALID}00123456") == []  # 26-digit run
    assert find_personal_numbers("213812345678") == []  # 12 digits: not a mobile
    assert find_personal_numbers("金额 1,234,567.89 元，面积 12345678901.5 亩") == []
    assert find_personal_numbers("410521901301123") == []  # 15 digits, no valid date


def test_scanner_whitelist() -> None:
    text = "监督电话：13900000000，联系人 13812345678"
    found = find_personal_numbers(text, whitelist=frozenset({"139-0000-0000"}))
    assert [f.masked for f in found] == ["138****5678"]


@given(valid_ids())
def test_masked_ids_are_never_findings(id_number: str) -> None:
    masked = id_number[:6] + "********" + id_number[-4:]
    assert find_personal_numbers(f"身份证号 {masked} 张三") == []


def test_random_text_never_raises() -> None:
    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice("0123456789 -xX张１２") for _ in range(rng.randint(0, 80)))
        for finding in find_personal_numbers(text):
            assert 0 <= finding.start < finding.end <= len(text)
