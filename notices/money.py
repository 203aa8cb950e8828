"""Money as integer fen (分), end to end.

Floats never carry money here: binary floats cannot hold 0.1 exactly, so a sum of float yuan
drifts and a published total would disagree with the bank file. Every amount enters through
``parse_fen`` (text, ``Decimal``, whole yuan) or ``fen_from_cell`` (a spreadsheet cell, which
calamine hands over as a float) and leaves through ``format_fen``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from villages.errors import InvalidInput

MAX_FEN = 10**12  # 100 亿元: far above any payout list; bigger means a typo or a damaged cell
_MAX_TEXT = 64  # longer "amounts" are junk; refusing early keeps the regexes cheap

# The common case ("1234.5", "88") is matched without any normalisation work.
_PLAIN = re.compile(r"([0-9]{1,13})(?:\.([0-9]*))?")
# After normalisation: optional thousands separators in groups of three, optional decimals.
_GROUPED = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.([0-9]*))?")
_CENT = Decimal("0.01")
_LOOSE_GROUPS = re.compile(r"[0-9,]+(?:\.[0-9]*)?")
_SPACES = re.compile(r"\s+")
_PREFIXES = ("人民币", "RMB", "CNY", "¥", "￥")
_SUFFIXES = ("元整", "元", "圆")


def _fail(field: str, shown: object, reason: str) -> InvalidInput:
    text = str(shown)
    if len(text) > 40:
        text = text[:40] + "…"
    return InvalidInput(
        f"{field}“{text}”不是有效的金额：{reason}",
        details={"field": field, "value": text, "reason": reason},
    )


def _from_parts(whole: str, frac: str, field: str, shown: object) -> int:
    frac = frac.rstrip("0")  # "1.230" is the same amount as "1.23"
    if len(frac) > 2:
        raise _fail(field, shown, "最多只能有两位小数（到分）")
    fen = int(whole or "0") * 100 + int(frac.ljust(2, "0"))
    if fen > MAX_FEN:
        raise _fail(field, shown, "金额过大")
    return fen


def _from_decimal(value: Decimal, field: str, shown: object) -> int:
    if not value.is_finite():
        raise _fail(field, shown, "不是数字")
    if value < 0:
        raise _fail(field, shown, "发放金额不能为负数")
    # adjusted() is the power of ten of the leading digit: cheap, and it keeps 1E+999999 away
    # from the multiplication (which would overflow the decimal context).
    if value.adjusted() > 10 or value * 100 > MAX_FEN:
        raise _fail(field, shown, "金额过大")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    number = int("".join(map(str, digits)) or "0")
    if number == 0:
        return 0
    if exponent >= -2:
        return number * 10 ** (exponent + 2)
    # Below one fen is possible only if the digits reach the fen column at all.
    if len(digits) + exponent < -1:
        raise _fail(field, shown, "最多只能有两位小数（到分）")
    fen, rest = divmod(number, 10 ** (-exponent - 2))
    if rest:
        raise _fail(field, shown, "最多只能有两位小数（到分）")
    return fen


def _from_text(text: str, field: str) -> int:
    plain = _PLAIN.fullmatch(text)
    if plain:
        return _from_parts(plain.group(1), plain.group(2) or "", field, text)
    if len(text) > _MAX_TEXT:
        raise _fail(field, text, "内容过长")
    # NFKC folds full-width digits and punctuation (１２３４．５０, ，) to ASCII and NBSP to space.
    norm = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    for prefix in _PREFIXES:
        if norm.upper().startswith(prefix):
            norm = norm[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if norm.endswith(suffix):
            norm = norm[: -len(suffix)]
            break
    if not norm:
        raise _fail(field, text, "为空")
    if norm.startswith("-") or norm.startswith("−") or (norm[0] == "(" and norm[-1] == ")"):
        raise _fail(field, text, "发放金额不能为负数")
    match = _GROUPED.fullmatch(norm)
    if not match or not (match.group(1) or match.group(2)):
        if _LOOSE_GROUPS.fullmatch(norm):
            raise _fail(field, text, "千分位逗号应每三位一个")
        raise _fail(field, text, "只能包含数字、小数点和千分位逗号")
    return _from_parts((match.group(1) or "").replace(",", ""), match.group(2) or "", field, text)


def parse_fen(value: str | int | Decimal, *, field: str = "金额") -> int:
    """Parse an amount in yuan into fen. ``int`` means whole yuan. Floats are refused.

    Raises ``InvalidInput`` (Chinese message naming ``field`` and the value) for empty text,
    more than two decimals, NaN/inf, negatives and amounts above ``MAX_FEN``.
    """
    if isinstance(value, bool):  # bool is an int subclass; True is not 1 yuan
        raise TypeError("parse_fen: bool is not an amount")
    if isinstance(value, float):
        raise TypeError("parse_fen: floats are not accepted; use fen_from_cell or Decimal(repr(x))")
    if isinstance(value, int):
        if value < 0:
            raise _fail(field, value, "发放金额不能为负数")
        if value > MAX_FEN // 100:
            raise _fail(field, value, "金额过大")
        return value * 100
    if isinstance(value, Decimal):
        return _from_decimal(value, field, value)
    if isinstance(value, str):
        if not value.strip():
            raise _fail(field, value, "为空")
        return _from_text(value.strip(), field)
    raise TypeError(f"parse_fen: unsupported type {type(value).__name__}")


def fen_from_cell(value: object, *, field: str = "金额") -> int:
    """Fen from a spreadsheet cell as calamine returns it (float, int, str, …).

    A float goes through ``repr`` (the shortest text that round-trips), so 1234.5 is exact
    and 0.1+0.2 (repr 0.30000000000000004, typical of an unrounded Excel formula) is refused
    rather than silently rounded: the clerk must decide what the amount is.
    """
    if value.__class__ is float:
        text = repr(value)
        whole, _, frac = text.partition(".")  # "579.21", "3.0": most cells, no Decimal needed
        if whole.isdigit() and len(whole) <= 11 and frac.isdigit() and len(frac.rstrip("0")) <= 2:
            fen = int(whole) * 100 + int(frac[:2].ljust(2, "0"))
            if fen <= MAX_FEN:
                return fen
    if value is None or value == "":
        raise _fail(field, "", "为空")
    if isinstance(value, bool):
        raise _fail(field, value, "不是数字")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(field, value, "不是数字")
        text = repr(value)
        exact = Decimal(text)
        if exact.adjusted() <= 10 and exact != exact.quantize(_CENT, rounding=ROUND_HALF_UP):
            raise _fail(field, text, "超过两位小数（若是公式结果，请在Excel中用ROUND(…,2)取整）")
        return _from_decimal(exact, field, text)
    if isinstance(value, int | Decimal | str):
        return parse_fen(value, field=field)
    raise _fail(field, value, "不是数字")


def format_fen(fen: int) -> str:
    """1234 50 fen → "1,234.50" (thousands separators, always two decimals)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def round_half_up_fen(quantity: Decimal, rate_fen: int) -> int:
    """quantity × rate (fen per unit), rounded 四舍五入 to the fen."""
    if isinstance(quantity, float) or isinstance(rate_fen, float):
        raise TypeError("round_half_up_fen: floats are not accepted")
    # Exact rational arithmetic: no decimal context precision can round the product early.
    num, den = Decimal(quantity).as_integer_ratio()
    num *= rate_fen
    fen = (2 * abs(num) + den) // (2 * den)  # half up = half away from zero (ROUND_HALF_UP)
    return fen if num >= 0 else -fen


def allocate(total_fen: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Split ``total_fen`` in proportion to ``weights`` (largest remainder method).

    The parts always sum to ``total_fen`` exactly and each is within one fen of its exact
    share. Ties in the remainder go to the earlier weight, so the result is deterministic.
    """
    if total_fen < 0:
        raise InvalidInput("分配总额不能为负数", details={"total_fen": total_fen})
    shares = [Fraction(w) for w in weights]  # Fraction(Decimal) is exact
    if any(s < 0 for s in shares):
        raise InvalidInput("分配权重不能为负数")
    weight_sum = sum(shares, Fraction(0))
    if weight_sum == 0:
        if total_fen == 0:
            return [0] * len(shares)
        raise InvalidInput("分配权重之和为0，无法分配")
    exact = [total_fen * s / weight_sum for s in shares]
    parts = [math.floor(x) for x in exact]
    left = total_fen - sum(parts)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
