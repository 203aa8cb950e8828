"""Masked views of personal data for notices (DESIGN §2, Privacy).

Online channels show a masked name and no ID at all; the village board may show the ID as
前6位********后4位. The same helpers mask numbers inside error messages and scanner findings,
so a message about a bad row never repeats the full number it complains about.
"""

from __future__ import annotations

import re

from villages.errors import InvalidInput

_WHITESPACE = re.compile(r"\s+")
# CJK unified ideographs (with extension A) and the compatibility block: a name containing
# them is written without spaces, so spaces inside it are padding ("张  三"), not separators.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def mask_name_online(name: str) -> str:
    """Mask a name for online channels: keep the first and last character only.

    "张三" → "张*", "张小三" → "张*三", "欧阳小明" → "欧**明", "李" → "*". Compound surnames get
    the same rule (a surname table would guess wrong on names like 欧阳 vs. 欧 + 阳…), and
    the mask keeps the length so a column of names still lines up.
    """
    text = name.strip()
    text = _WHITESPACE.sub("", text) if _CJK.search(text) else _WHITESPACE.sub(" ", text)
    n = len(text)
    if n == 0:
        return ""
    if n == 1:
        return "*"
    if n == 2:
        return text[0] + "*"
    return text[0] + "*" * (n - 2) + text[-1]


def mask_id_board(id_number: str) -> str:
    """Board view of a citizen ID: first 6 (region) + stars + last 4; length is kept.

    18 digits → 6 + "********" + 4; legacy 15 digits → 6 + "*****" + 4. Expects a normalised
    ID (see ``notices.privacy.numbers.check_id_number``); anything else is refused rather than
    shown.
    """
    text = id_number.strip().upper()
    if len(text) == 18:
        return text[:6] + "*" * 8 + text[-4:]
    if len(text) == 15:
        return text[:6] + "*" * 5 + text[-4:]
    raise InvalidInput("身份证号长度不对，无法打码", details={"length": len(text)})


def mask_number(text: str, *, head: int = 3, tail: int = 4) -> str:
    """Mask a bank account, phone or unknown number for messages: keep ``head`` and ``tail``.

    Short values are masked entirely except the last character, so a message never carries
    more than a fragment of whatever the clerk typed.
    """
    value = _WHITESPACE.sub("", text)
    if len(value) <= head + tail + 2:
        keep = min(tail, max(len(value) // 3, 1)) if len(value) > 3 else 0
        return "*" * (len(value) - keep) + value[len(value) - keep :]
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]
