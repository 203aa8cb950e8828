"""The 12-digit 统计用区划代码: PP CC DD TTT VVV (province, city, county, township, village)."""

from __future__ import annotations

import re

from villages.errors import InvalidInput
from villages.models import Level

_CODE = re.compile(r"^\d{12}$")


def level_of(code: str) -> Level:
    """The level a 12-digit code names, from where its trailing zeros start."""
    check_code(code)
    if code[9:] != "000":
        return Level.VILLAGE
    if code[6:9] != "000":
        return Level.TOWNSHIP
    if code[4:6] != "00":
        return Level.COUNTY
    if code[2:4] != "00":
        return Level.CITY
    return Level.PROVINCE


_PREFIX_LEN = {
    Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12,
}


def prefix_of(code: str) -> str:
    """The significant digits of a code: every region below it starts with them."""
    return code[: _PREFIX_LEN[level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level is Level.PROVINCE:
        return None
    keep = {Level.CITY: 2, Level.COUNTY: 4, Level.TOWNSHIP: 6, Level.VILLAGE: 9}[level]
    return code[:keep].ljust(12, "0")


def contains(outer_code: str, inner_code: str) -> bool:
    """Whether ``inner_code`` is ``outer_code`` or lies below it."""
    return inner_code.startswith(prefix_of(outer_code))


def check_code(code: str) -> None:
    if not _CODE.match(code or ""):
        raise InvalidInput(f"区划代码应为12位数字，收到“{code}”")
