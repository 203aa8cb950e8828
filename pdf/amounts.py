"""Money as printed on a notice: grouped digits and 中文大写 (capital numerals).

Integer fen in, text out; no float ever touches an amount.

The 大写 rules follow 《支付结算办法》 附件一《正确填写票据和结算凭证的基本规定》:

* 拾 is always preceded by a digit: 15 元 is 壹拾伍元, never 拾伍元.
* A run of zeros inside the number is written as a single 零 (1001 元 → 壹仟零壹元).
  Where the rules allow either, we pick one form and keep it:
  - a zero 万位/元位 followed by a non-zero 千位 gets no 零 (107000 元 → 壹拾万柒仟元整);
  - a zero 元位 followed by a non-zero 角 gets no 零 (1680.32 → 壹仟陆佰捌拾元叁角贰分).
* A zero 角 followed by a non-zero 分 always gets 零 after 元 (16409.02 → …元零贰分).
* 整 follows 元 when there are no 角/分; nothing follows 分. After 角 the rules make 整
  optional; we write none (1.50 → 人民币壹元伍角) so a number has exactly one spelling.
* Amounts under one 元 start at the first non-zero unit (0.50 → 人民币伍角).
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP_UNITS = ("", "拾", "佰", "仟")  # inside one 4-digit group
_MAX_YUAN = 10**16 - 1  # 玖仟…万亿: far beyond any budget; above it 亿 would repeat


def _check_fen(fen: int) -> None:
    # bool is an int subclass; True fen is a bug upstream, not one fen.
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"amount must be integer fen, got {type(fen).__name__}")


def format_yuan(fen: int) -> str:
    """12345 67 fen → "12,345.67"; negative amounts keep a leading minus sign."""
    _check_fen(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def _group_in_words(group: int) -> str:
    """0 < group < 10000, with inner zeros collapsed and no leading/trailing 零."""
    out: list[str] = []
    pending_zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            pending_zero = bool(out)  # only a zero *between* digits is spoken
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[digit] + _IN_GROUP_UNITS[position])
    return "".join(out)


def _yuan_in_words(yuan: int) -> str:
    """0 < yuan ≤ _MAX_YUAN → e.g. 壹亿零壹 (without the trailing 元).

    Splits at 亿 then 万 recursively, so 1,0001,0000,0000 reads 壹万零壹亿, not 壹万亿零壹亿.
    """
    for unit, name in ((10**8, "亿"), (10**4, "万")):
        if yuan >= unit:
            high, low = divmod(yuan, unit)
            words = _yuan_in_words(high) + name
            if low:
                # A zero in the highest place of the lower part is spoken once as 零.
                words += ("零" if low < unit // 10 else "") + _yuan_in_words(low)
            return words
    return _group_in_words(yuan)


def amount_in_words(fen: int) -> str:
    """Integer fen → 中文大写 for a notice total, e.g. 1234567 → 人民币壹万贰仟叁佰肆拾伍元陆角柒分.

    Raises ValueError for negative amounts (a payout notice never prints one) and for
    amounts beyond 万亿 units.
    """
    _check_fen(fen)
    if fen < 0:
        raise ValueError(f"negative amount cannot be written in 大写: {fen} fen")
    yuan, cents = divmod(fen, 100)
    if yuan > _MAX_YUAN:
        raise ValueError(f"amount too large for 大写: {fen} fen")
    jiao, fen_digit = divmod(cents, 10)
    if fen == 0:
        return "人民币零元整"
    out = ["人民币"]
    if yuan:
        out.append(_yuan_in_words(yuan) + "元")
    if cents == 0:
        out.append("整")
        return "".join(out)
    if jiao:
        out.append(DIGITS[jiao] + "角")
    elif yuan:
        out.append("零")  # 元零伍分: the rules require 零 where 角 is zero but 分 is not
    if fen_digit:
        out.append(DIGITS[fen_digit] + "分")
    return "".join(out)


def balance_in_words(fen: int) -> str:
    """大写 of a balance; a village account can be overdrawn, which the board must say."""
    return amount_in_words(fen) if fen >= 0 else "负" + amount_in_words(-fen)
