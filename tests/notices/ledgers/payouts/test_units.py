"""Units of the quantity column: precision per unit, and the unit a mapped header names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notices.ledgers.payouts.header import match_header
from notices.ledgers.payouts.units import UNIT_DECIMALS, format_quantities, unit_in_name

quantities = st.decimals(min_value=0, max_value=99999, places=4, allow_nan=False,
                         allow_infinity=False).map(lambda d: f"{d.normalize():f}")


@given(st.sampled_from(["", *UNIT_DECIMALS]), st.lists(quantities, min_size=1, max_size=20))
def test_a_column_has_one_precision_and_keeps_every_value(unit, column):
    shown = format_quantities(unit, column)
    places = {len(s.partition(".")[2]) for s in shown}
    assert len(places) == 1
    assert [Decimal(s) for s in shown] == [Decimal(q) for q in column]
    assert places.pop() >= UNIT_DECIMALS.get(unit, 0)


@given(st.text(max_size=12))
def test_text_that_is_not_a_number_is_shown_as_typed(text):
    try:
        Decimal(text)
    except Exception:
        assert format_quantities("亩", [text]) == [text]


@pytest.mark.parametrize(("header", "unit"), [
    ("亩数", "亩"), ("面积/亩", "亩"), ("承包地(亩)", "亩"), ("人数", "人"), ("地块", ""),
])
def test_a_mapped_header_keeps_its_unit(header, unit):
    assert match_header(header, {header: "quantity"}) == ("quantity", unit)


def test_units_named_in_words():
    assert unit_in_name("亩数") == "亩" and unit_in_name("户数") == "户"
    assert unit_in_name("数") == "" and unit_in_name("面积") == ""
