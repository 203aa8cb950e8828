"""Units of a payout's quantity column: how many decimals each is shown with, and the unit
a header names without brackets (亩数 → 亩).

A clerk types 3.5 on one row and 2.125 on the next; a board column must show one precision,
the one its unit is measured in (亩 to the hundredth, 人 and 户 whole), so the digits line up.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# Decimals a unit is usually measured to in subsidy lists.
UNIT_DECIMALS = {
    "亩": 2, "公顷": 4, "平方米": 2, "㎡": 2, "m2": 2, "m²": 2,
    "公斤": 2, "千克": 2, "kg": 2, "斤": 1, "吨": 3, "立方米": 2,
    "人": 0, "户": 0, "头": 0, "只": 0, "羽": 0, "株": 0, "棵": 0, "箱": 0, "个": 0,
    "份": 0, "间": 0, "台": 0, "天": 0, "月": 0, "年": 0, "岁": 0, "次": 0,
}  # fmt: skip
MAX_DECIMALS = 4  # what the ledger keeps (QUANTITY_CHARS, parse_quantity)


def unit_in_name(header: str) -> str:
    """The unit a header names in its words: 亩数 → 亩, 人数 → 人; "" if none."""
    stem = header.removesuffix("数")
    return stem if stem != header and stem in UNIT_DECIMALS else ""


def _decimals(text: str) -> int | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else None


def column_decimals(unit: str, quantities: list[str]) -> int:
    """One precision for a quantity column: the unit's, or the most any value needs if
    that is more (a digit the ledger holds is never dropped); for an unknown unit, the
    most any value needs."""
    needed = max((d for d in map(_decimals, quantities) if d is not None), default=0)
    return min(MAX_DECIMALS, max(UNIT_DECIMALS.get(unit, 0), needed))


def format_quantities(unit: str, quantities: list[str]) -> list[str]:
    """Each quantity with the column's precision (3.5 → 3.50 亩); text that is not a number
    (or is empty) is kept as it is."""
    places = column_decimals(unit, quantities)
    step = Decimal(1).scaleb(-places)
    out = []
    for text in quantities:
        try:
            out.append(text if _decimals(text) is None else f"{Decimal(text).quantize(step):f}")
        except InvalidOperation:  # more digits than Decimal's context holds: show as typed
            out.append(text)
    return out
