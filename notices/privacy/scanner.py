"""The privacy scanner: every ID, bank card and mobile number in a text, in any spelling.

People write these numbers in groups (``419901 1971 0211 2727``, ``6228.4828.0700.1594.502``),
with any separator (spaces of every width, ``. - － 、 / ·``, a line break or a table cell
between two parts), in full-width or Chinese numerals (``一三八…``, ``壹叁捌…``) and with a
country prefix (``+86``, ``0086``, ``86``). The scanner folds the text 1:1 (so offsets stay
those of the original), cuts it into *chains* of digit groups joined by separators, and tries
every run of consecutive groups that has the length of a personal number.

Joining groups is what catches the spellings, and also what could join two innocent numbers
(a date after an amount, a region code after a landline). Three rules keep that in check:
every group but the last has at least 3 digits (dates and decimals have 2-digit parts) unless
the number is spelt digit by digit; a group that is a whole number by itself (a mobile, an
official 监督电话) is never glued to its neighbours; and the number must pass its own check
(GB 11643 check digit and birth date, Luhn, mobile prefix).

The work per chain is bounded (a number has at most 19 digits, so at most 19 groups are tried
from each start): the scan stays linear in the text, which matters on 100k-row PDFs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from notices.privacy.masking import mask_id_board, mask_number
from notices.privacy.numbers import birth_date, id_check_char, luhn_ok

_CHINESE_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "貳": 2, "三": 3, "叁": 3,
    "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}
# In ordinary words (一卡通, 第三组) a numeral stands alone or in twos, far from 11 digits;
# glued to Arabic digits (户主张三13812345678) it starts a group of its own, so a name
# ending in 三 can't hide the number after it.


def _digit_fold_table() -> dict[int, str]:
    """Every decimal digit of the BMP (full-width, Arabic-Indic, …), Chinese numerals and the
    letter X in its forms, each mapped to one ASCII character. (Beyond the BMP a character
    class can't be a bitmap and the scan would slow down several times, for the mathematical
    bold digits no clerk types.)"""
    table: dict[int, str] = {}
    for code in range(0x80, 0x10000):
        value = unicodedata.decimal(chr(code), None)
        if value is not None:
            table[code] = str(value)
    table.update({ord(char): str(value) for char, value in _CHINESE_DIGITS.items()})
    table.update({ord(char): "X" for char in "xｘＸ"})
    return table


_FOLD = _digit_fold_table()
# Everything that folds to a digit, as one character class: the chains are found in the
# original text, and only their few characters are folded (folding a whole 100k-row text
# layer would cost more than the scan itself).
_HANZI = "[" + "".join(_CHINESE_DIGITS) + "]"
_ARABIC = "[0-9" + "".join(re.escape(chr(code)) for code, to in _FOLD.items()
                          if to != "X" and chr(code) not in _CHINESE_DIGITS) + "]"
_DIGIT = _ARABIC[:-1] + _HANZI[1:]
# Between two digit groups: any whitespace (every Unicode space and line break), invisible
# joiners, dots, dashes, 、 / | and the middle dots people put in numbers.
_SEPARATOR = (
    r"[\s\u00ad\u180e\u200b-\u200d\u2060\ufeff"
    r".．·・•‧∙\-－‐‑‒–—―−﹣_＿、/／\\|｜丨]"
)
# A chain: digit groups joined by short separator runs, in one of the two shapes a grouped
# number has: groups of 3 or more digits, the last one perhaps shorter (a date or a decimal
# has 2-digit parts inside, so it never chains), or single digits spelt one by one. Then an
# 18-digit ID's final X. A chain starts at a digit with no digit before it (a consuming first
# character lets the regex engine jump from digit to digit); the lookahead skips, inside the
# engine, chains too short to hold 11 digits.
_JOIN = f"{_SEPARATOR}{{1,6}}"
_CHAIN = re.compile(
    rf"{_DIGIT}(?<!{_DIGIT}{{2}})(?=(?:{_DIGIT}|{_SEPARATOR}){{10}})"
    rf"(?:(?:{_JOIN}{_DIGIT}){{10,}}(?!{_DIGIT})"
    rf"|{_DIGIT}{{2,}}(?:{_JOIN}{_DIGIT}{{3,}})*(?:{_JOIN}{_DIGIT}{{1,2}}(?!{_DIGIT}))?)"
    rf"(?:{_SEPARATOR}{{0,6}}[XxｘＸ](?![A-Za-z]))?"
)
_GROUP = re.compile(rf"(?:{_ARABIC}+|{_HANZI}+)[XxｘＸ]?|[XxｘＸ]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PREFIXES = ("0086", "86")
_LENGTHS = frozenset({11, 13, 15, 16, 17, 18, 19})
_LABELS = {"id18": "身份证号", "id15": "旧身份证号", "bank": "银行卡号", "mobile": "手机号"}


@dataclass(frozen=True)
class Finding:
    kind: str  # "id18" | "id15" | "bank" | "mobile"
    masked: str  # safe to show; the full number is never kept on the finding
    start: int  # offsets into the scanned text, end exclusive
    end: int

    @property
    def message(self) -> str:
        label = _LABELS[self.kind]
        return f"第{self.start + 1}个字符处有{label} {self.masked}，公开前必须删除或打码"


def fold_digits(text: str) -> str:
    """``text`` with every digit in ASCII and every separator removed: how numbers compare."""
    return re.sub(_SEPARATOR + "|[+＋]", "", text.translate(_FOLD))


def mobile_core(digits: str) -> str:
    """The 11 digits of a mobile number written with or without +86/0086/86; else ""."""
    if len(digits) == 11:
        return digits if _MOBILE.fullmatch(digits) else ""
    for prefix in _PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return mobile_core(digits[len(prefix):])
    return ""


def classify(digits: str) -> str | None:
    """Kind of personal number ``digits`` (ASCII digits, perhaps a final X) is, if any.

    IDs must start with a province code's first digit (1–8): a number starting 0 or 9 is an
    account, a prefixed phone or a serial, and that keeps ``0086…`` from reading as an old ID.
    """
    n = len(digits)
    if n == 18:
        if "1" <= digits[0] <= "8" and id_check_char(digits[:17]) == digits[17] \
                and birth_date(digits[6:14]):
            return "id18"
        return "bank" if digits[17] != "X" and luhn_ok(digits) else None
    if not digits.isdigit():
        return None
    if n == 15 and "1" <= digits[0] <= "8" and birth_date("19" + digits[6:12]):
        return "id15"
    if n in (11, 13, 15) and mobile_core(digits):
        return "mobile"
    if 16 <= n <= 19:
        return "bank" if luhn_ok(digits) else None
    return None


def _mask(kind: str, digits: str) -> str:
    if kind in ("id18", "id15"):
        return mask_id_board(digits)
    if kind == "bank":
        return mask_number(digits, head=4, tail=4)
    return mask_number(mobile_core(digits), head=3, tail=4)


def _whitelisted(allowed: frozenset[str], kind: str | None, digits: str) -> bool:
    return digits in allowed or (kind == "mobile" and mobile_core(digits) in allowed)


def allowed_numbers(whitelist: frozenset[str]) -> frozenset[str]:
    """The whitelist (监督电话 in any spelling) as the digit strings the scanner compares."""
    folded = {fold_digits(number).upper() for number in whitelist}
    return frozenset(folded | {core for number in folded if (core := mobile_core(number))})


def _shape_ok(kind: str, digits: str, parts: list[str]) -> bool:
    """Whether a number written in ``parts`` is written the way that kind of number is.

    A grouped mobile must start 1[3-9]; an 18-digit ID's check digit and birth date rarely
    pass by chance, but a long list of 3-digit counts offers thousands of tries, so a grouped
    ID has a group of 4 digits or more before its last (410521 …, 419 901 1971 …) and an old
    one starts with its 6-digit region. Luhn passes one run in ten, so a grouped card must
    look like one (4-4-4-4…, or a long head and a tail: BIN + rest, or a line break) and
    start like a card: a list of amounts (``1200、1350、2400、1800``) is not a card.
    """
    sizes = [len(part.rstrip("X")) for part in parts]
    if all(size <= 1 for size in sizes) or kind == "mobile":
        return True
    if kind == "id18":
        return max(sizes[:-1]) >= 4
    if kind == "id15":
        return sizes[0] >= 6
    if all(part.endswith("0") for part in parts):  # round numbers: 6200、4800、4700、3800 亩
        return False
    return digits[0] in "34569" and (
        all(size == 4 for size in sizes[:-1]) or (sizes[0] >= 6 and len(sizes) <= 3))


def _chain_findings(groups: list[tuple[str, int, int]],
                    allowed: frozenset[str]) -> list[Finding]:
    """The numbers in one chain of (folded digits, start, end) groups: at each group the
    longest run of groups that is a number, then on after it. Whitelisted numbers are consumed
    without a finding."""
    texts = [digits for digits, _, _ in groups]
    # A group that is a number (or an official number) by itself stays on its own, unless
    # joined to its neighbours it makes a valid 18-digit ID.
    whole = [len(t) >= 11 and (classify(t) is not None or _whitelisted(allowed, None, t))
             for t in texts]
    found: list[Finding] = []
    i = 0
    while i < len(groups):
        best: tuple[int, str | None, str] | None = None
        digits = ""
        inner_long = single_digits = True
        glues_whole = False
        inner_max = 0
        for j in range(i, len(groups)):
            if j > i:
                glues_whole = glues_whole or whole[i] or whole[j]
                inner_long = inner_long and len(texts[j - 1]) >= 3
                inner_max = max(inner_max, len(texts[j - 1]))
            single_digits = single_digits and len(texts[j].rstrip("X")) <= 1
            if not (inner_long or single_digits):
                break
            digits += texts[j]
            if len(digits) > 19:
                break
            if len(digits) not in _LENGTHS:
                continue
            if j > i and not single_digits and inner_max < 4:
                # 3-digit groups can only spell a mobile (_shape_ok): the cheap check alone
                # keeps long lists of counts fast.
                kind = "mobile" if mobile_core(digits) else None
            else:
                kind = classify(digits)
                if j > i and kind and not _shape_ok(kind, digits, texts[i:j + 1]):
                    kind = None
            if glues_whole:  # only an ID's check digit and birth date outweigh a whole number
                if kind == "id18":
                    best = (j, kind, digits)
            elif kind or _whitelisted(allowed, None, digits):
                best = (j, kind, digits)
        if best is None:
            i += 1
            continue
        j, kind, digits = best
        if kind and not _whitelisted(allowed, kind, digits):
            found.append(Finding(kind, _mask(kind, digits), groups[i][1], groups[j][2]))
        i = j + 1
    return found


def find_personal_numbers(text: str, whitelist: frozenset[str] = frozenset()) -> list[Finding]:
    """Every ID, bank card and mobile number in ``text`` that must not be published.

    ``whitelist`` holds official numbers (监督电话) in any spelling; they are compared as
    digits only. Findings are ordered by position and never overlap.
    """
    allowed = allowed_numbers(whitelist)
    found: list[Finding] = []
    for chain in _CHAIN.finditer(text):
        if chain.end() - chain.start() < 11:  # most amounts and dates: too short to hold one
            continue
        groups = [(g.group().translate(_FOLD).upper(), chain.start() + g.start(),
                   chain.start() + g.end()) for g in _GROUP.finditer(chain.group())]
        found.extend(_chain_findings(groups, allowed))
    return found
