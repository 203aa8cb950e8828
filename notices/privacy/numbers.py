"""Citizen ID numbers (GB 11643-1999), bank accounts and mobile numbers: parsing and checks.

The scanner that finds them in published text is ``notices.privacy.scanner``.

Messages never include the number they reject: they end up in logs, screenshots and chat
groups, and a wrong ID is usually a real person's ID with one digit mistyped.
"""

from __future__ import annotations

import re
from datetime import date
from operator import mul
from typing import NamedTuple

from villages.errors import InvalidInput

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# Indexed by the ASCII code of a digit, so the checks can run over ``str.encode()`` bytes
# without an int() call per digit (100k-row sheets run these twice a row).
_LUHN_DOUBLE = (0,) * 48 + (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_WEIGHT_OFFSET = 48 * sum(_WEIGHTS)
_MIN_BIRTH_YEAR = 1880

# Full-width digits and X fold 1:1 to ASCII, so offsets found in the folded text are offsets
# in the original (NFKC could change lengths and would shift every finding after it).
_FOLD = str.maketrans({**{0xFF10 + i: str(i) for i in range(10)}, "ｘ": "X", "Ｘ": "X"})
_SEPARATORS = re.compile(r"[\s\-\u00a0\u3000]+")
# What Excel does to a long number typed into a "General" cell: 4.10521E+17, or the float
# repr of it, or "410521199001011000.0" after a round trip through another tool.
_EXCEL_DAMAGE = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+|[0-9]{10,}\.[0-9]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")

EXCEL_DAMAGE_MESSAGE = (
    "身份证号被Excel转成了数字，后几位已丢失；"
    "请把该列设为“文本”格式后重新填写（不要直接改回格式，要重新录入）"
)


class IdNumber(NamedTuple):  # a tuple: built once per sheet row, so it must be cheap
    normalised: str
    legacy: bool  # 15-digit first-generation number
    birth: date


def _fold(text: str) -> str:
    return _SEPARATORS.sub("", text.translate(_FOLD)).upper()


def id_check_char(first17: str) -> str:
    total = sum(map(mul, first17.encode(), _WEIGHTS)) - _WEIGHT_OFFSET
    return _CHECK_CHARS[total % 11]


def birth_date(digits8: str) -> date | None:
    """The date in an ID's YYYYMMDD digits, if it is a real day since 1880."""
    year, month_day = divmod(int(digits8), 10000)  # one int() instead of three
    try:
        born = date(year, *divmod(month_day, 100))
    except ValueError:
        return None
    return born if born.year >= _MIN_BIRTH_YEAR else None


def _id_error(reason: str) -> InvalidInput:
    return InvalidInput(reason, details={"field": "身份证号", "reason": reason})


def parse_id_number(text: object, *, today: date | None = None) -> IdNumber:
    """Validate a citizen ID; 18-digit numbers need a correct check digit, 15-digit ones a date.

    ``text`` may be a spreadsheet cell: a float or int there means Excel stored the ID as a
    number and dropped the digits past the 15th, which is reported as such. A 15-digit
    integral number survives Excel intact and is accepted as a legacy ID.
    """
    if text.__class__ is str and len(text) == 18 and text.isascii() and text[:17].isdigit():
        value = text.upper()  # the clean cell, no folding needed
    elif isinstance(text, bool):
        raise _id_error("身份证号格式不对")
    else:
        value = _normalise_id(text)
    return _validate_id(value, today)


def _normalise_id(text: object) -> str:
    if isinstance(text, float | int):
        if isinstance(text, float) and text.is_integer() and 10**14 <= text < 10**15:
            text = str(int(text))
        elif isinstance(text, int) and 10**14 <= text < 10**15:
            text = str(text)
        else:
            raise _id_error(EXCEL_DAMAGE_MESSAGE)
    if not isinstance(text, str):
        raise _id_error("身份证号格式不对")
    value = _fold(text)
    if not value:
        raise _id_error("身份证号为空")
    if _EXCEL_DAMAGE.fullmatch(value):
        raise _id_error(EXCEL_DAMAGE_MESSAGE)
    return value


def _validate_id(value: str, today: date | None) -> IdNumber:
    if len(value) == 18 and value[:17].isdigit() and value[:17].isascii():
        if value[17] not in "0123456789X":
            raise _id_error("身份证号最后一位只能是数字或X")
        if id_check_char(value[:17]) != value[17]:
            raise _id_error("身份证号校验码不正确（可能有数字抄错）")
        born = birth_date(value[6:14])
        legacy = False
    elif len(value) == 15 and value.isdigit() and value.isascii():
        born = birth_date("19" + value[6:12])
        legacy = True
    elif not (value.isascii() and value.rstrip("X").isdigit()):
        raise _id_error("身份证号含有数字和X以外的字符")
    else:
        raise _id_error(f"身份证号应为18位（旧号码为15位），这里是{len(value)}位")
    if born is None:
        raise _id_error("身份证号中的出生日期不存在")
    if born > (today or date.today()):
        raise _id_error("身份证号中的出生日期晚于今天")
    return IdNumber(value, legacy, born)


def check_id_number(text: object, *, today: date | None = None) -> str:
    """The normalised ID (half-width, upper-case X, no spaces) or ``InvalidInput``."""
    return parse_id_number(text, today=today).normalised


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check used by bank card numbers."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return False
    raw = digits.encode()
    plain = sum(raw[-1::-2]) - 48 * len(raw[-1::-2])
    doubled = sum(map(_LUHN_DOUBLE.__getitem__, raw[-2::-2]))
    return (plain + doubled) % 10 == 0


def check_bank_account(text: object) -> str:
    """A 16–19 digit bank card number passing Luhn, normalised; else ``InvalidInput``."""
    # The clean cell needs no folding; anything else goes the long way for a precise message.
    clean = isinstance(text, str) and 16 <= len(text) <= 19 and text.isascii()
    if clean and isinstance(text, str) and text.isdigit() and luhn_ok(text):
        return text
    if isinstance(text, float | int) and not isinstance(text, bool):
        raise InvalidInput(
            "银行卡号被Excel转成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写",
            details={"field": "银行卡号"},
        )
    if not isinstance(text, str):
        value = ""
    elif text.isascii() and text.isdigit():
        value = text
    else:
        value = _fold(text)
    if not value:
        raise InvalidInput("银行卡号为空", details={"field": "银行卡号"})
    if _EXCEL_DAMAGE.fullmatch(value):
        raise InvalidInput(
            "银行卡号被Excel转成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写",
            details={"field": "银行卡号"},
        )
    if not (value.isascii() and value.isdigit()):
        raise InvalidInput("银行卡号只能包含数字", details={"field": "银行卡号"})
    if not 16 <= len(value) <= 19:
        raise InvalidInput(
            f"银行卡号应为16到19位，这里是{len(value)}位", details={"field": "银行卡号"}
        )
    if not luhn_ok(value):
        raise InvalidInput("银行卡号校验不通过（可能有数字抄错）", details={"field": "银行卡号"})
    return value


def mobile_digits(text: str) -> str:
    """The 11 digits of a mainland mobile number (+86/0086, spaces, dashes allowed), or ""."""
    if _MOBILE.fullmatch(text):
        return text
    value = _fold(text)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    return value if _MOBILE.fullmatch(value) else ""


def is_mobile(text: str) -> bool:
    """Mainland mobile number: 11 digits, 1[3-9]…; a +86/0086 prefix is allowed."""
    return bool(mobile_digits(text))
