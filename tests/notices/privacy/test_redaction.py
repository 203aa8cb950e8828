"""Numbers inside a villager's free text are masked where they stand in staff listings,
whatever surrounds them (property tests), and nothing else in the text changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from notices.privacy.numbers import luhn_ok
from notices.privacy.redaction import mask_personal_numbers
from notices.privacy.scanner import find_personal_numbers
from tests.builders import make_id

# Words around a number: anything but digits and X, which would change what the number is.
words = st.text(st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="xX"),
                max_size=30)
births = st.dates().map(lambda d: d.strftime("%Y%m%d")).filter(lambda s: "1900" < s < "2020")
ids = st.builds(lambda b, seq: make_id(birth=b, seq=seq), births, st.integers(0, 999))
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def _luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


cards = st.from_regex(r"62[0-9]{14,16}", fullmatch=True).map(_luhn_complete)


@given(before=words, number=st.one_of(ids, mobiles, cards), after=words)
def test_a_number_in_any_text_is_masked_in_place(before, number, after):
    masked = mask_personal_numbers(f"{before}{number}{after}")
    assert number not in masked
    assert masked.startswith(before) and masked.endswith(after)
    assert not find_personal_numbers(masked)


@given(before=words, after=words)
def test_an_id_with_a_wrong_check_digit_is_still_masked(before, after):
    good = make_id()
    typo = good[:-1] + ("0" if good[-1] != "0" else "1")   # the scanner calls it no ID
    masked = mask_personal_numbers(f"{before}{typo}{after}")
    assert typo not in masked and typo[:3] in masked


@given(words)
def test_text_without_long_numbers_is_unchanged(text):
    assert mask_personal_numbers(f"{text}面积8亩，补贴925.00元") == f"{text}面积8亩，补贴925.00元"
