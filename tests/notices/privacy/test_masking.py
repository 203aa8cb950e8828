from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notices.privacy.masking import mask_id_board, mask_name_online, mask_number
from notices.privacy.scanner import find_personal_numbers
from tests.notices.fixtures.numbers import make_id
from villages.errors import InvalidInput

# Names as they occur: CJK (with the rare-character extension A), letters, the middle dot
# of transliterated names. No whitespace (stripped) and no "*" (it is the mask itself).
name_chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    st.sampled_from("·ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
)
names = st.text(alphabet=name_chars, min_size=1, max_size=12)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张小三", "张*三"),
        ("欧阳小明", "欧**明"),
        ("欧阳明", "欧*明"),  # compound surname: same rule, no surname table
        ("司马", "司*"),
        ("李", "*"),
        (" 张  三 ", "张*"),  # padding spaces between CJK characters are not part of a name
        ("阿卜杜拉·买买提", "阿******提"),
        ("Ali Hassan", "A********n"),
        ("", ""),
    ],
)
def test_mask_name_online(name: str, masked: str) -> None:
    assert mask_name_online(name) == masked


@given(names)
def test_masked_name_reveals_only_first_and_last(name: str) -> None:
    masked = mask_name_online(name)
    assert len(masked) == len(name)
    if len(name) >= 2:
        assert name not in masked
        assert masked[0] == name[0]
    if len(name) == 2:
        assert masked[1] == "*"  # the given name is never shown
    if len(name) >= 3:
        assert masked[1:-1] == "*" * (len(name) - 2)  # no middle character, by position
        assert masked[-1] == name[-1]
    if len(name) == 1:
        assert masked == "*"


def test_mask_id_board() -> None:
    assert mask_id_board("410521199001011235") == "410521********1235"
    assert mask_id_board("41052119900101123x") == "410521********123X"
    assert mask_id_board("410521900101123") == "410521*****1123"
    with pytest.raises(InvalidInput):
        mask_id_board("12345")


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(min_value=110000, max_value=829999),
    st.integers(min_value=0, max_value=999),
)
def test_board_mask_is_never_a_finding(born: date, region: int, seq: int) -> None:
    id18 = make_id(str(region), born, seq)
    id15 = id18[:6] + id18[8:17]
    for number in (id18, id15):
        masked = mask_id_board(number)
        assert len(masked) == len(number)
        assert find_personal_numbers(f"张三 {masked} 1组") == []
        assert find_personal_numbers(masked + masked) == []


def test_mask_number() -> None:
    assert mask_number("6222021234567890128", head=4, tail=4) == "6222***********0128"
    assert mask_number("13812345678") == "138****5678"
    assert mask_number("12345") == "****5"
    assert mask_number("12") == "**"
