"""Finding the header row of a payout sheet and mapping its columns to fields.

Every township's 一卡通 export names its columns a little differently, so headers are matched
by synonyms after normalising width, spaces and brackets. A confirmed mapping can be passed
back (header text → field) and takes precedence over the synonyms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from notices.ledgers.payouts.units import unit_in_name

FIELDS = (
    "village", "group", "name", "id_number", "quantity", "rate", "amount",
    "bank_account", "phone", "note",
)  # fmt: skip
FIELD_LABELS = {
    "village": "村", "group": "村民小组", "name": "姓名", "id_number": "身份证号码",
    "quantity": "数量/面积", "rate": "补贴标准", "amount": "金额", "bank_account": "账号",
    "phone": "联系电话", "note": "备注",
}  # fmt: skip
HEADER_ROWS = 5  # title rows above the header are common; deeper than row 5 is not a header

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "village": ("村", "行政村", "村名", "村委会", "村(社区)", "所属村", "村别", "村名称",
                "所在村", "村(居)", "村居委会", "社区", "村委"),
    "group": ("组", "村民小组", "组别", "小组", "组名", "所属组"),
    "name": ("户主姓名", "姓名", "户主", "农户姓名", "补贴对象", "补贴对象姓名", "户名",
             "领款人", "收款人", "收款人姓名", "持卡人", "持卡人姓名"),
    "id_number": ("身份证号码", "身份证号", "证件号码", "公民身份号码", "身份证",
                  "户主身份证号码", "户主身份证号", "证件号", "身份证件号码"),
    "quantity": ("面积", "计税面积", "承包面积", "补贴面积", "数量", "种植面积",
                 "实际种植面积", "确权面积", "核定面积", "补贴数量"),
    "rate": ("补贴标准", "标准", "单价", "补贴单价", "发放标准"),
    "amount": ("补贴金额", "金额", "发放金额", "应发金额", "实发金额", "补贴资金",
               "发放资金", "补助金额"),
    "bank_account": ("一卡通账号", "银行卡号", "账号", "社保卡号", "银行账号", "卡号",
                     "社会保障卡号", "一卡通卡号", "存折账号", "收款账号", "惠农卡号", "账户"),
    "phone": ("联系电话", "电话", "手机号", "手机号码", "联系方式", "电话号码", "手机"),
    "note": ("备注", "说明"),
}  # fmt: skip
SYNONYMS: dict[str, str] = {s: f for f, names in _SYNONYMS.items() for s in names}

_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_SPACES = re.compile(r"\s+")
_UNIT = re.compile(r"\(([^()]*)\)")
_SLASH_UNIT = re.compile(r"^(.+?)/([^/]{1,3})$")  # 面积/亩, 金额/元


def normalise_header(value: Any) -> str:
    """Width, spaces, line breaks, bracket shapes and required-field stars folded away."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value).translate(_BRACKETS)
    return _SPACES.sub("", text).strip("*:")


def match_header(text: str, overrides: Mapping[str, str]) -> tuple[str, str] | None:
    """(field, unit) for a normalised header, or None. Unit comes from 面积(亩) and the like."""
    if not text:
        return None
    if text in overrides:
        # A header the clerk mapped keeps its unit however it is written: 亩数, 面积/亩,
        # 承包地(亩); the board titles the column 数量（亩） from it.
        chosen = overrides[text]
        if not chosen:
            return None
        base = _UNIT.sub("", text)
        slash = _SLASH_UNIT.match(base)
        unit = _unit_of(text) or (slash.group(2) if slash else "") or unit_in_name(base)
        return chosen, unit
    if text in SYNONYMS:
        return SYNONYMS[text], ""
    unit = _unit_of(text)
    base = _UNIT.sub("", text)
    slash = _SLASH_UNIT.match(base)
    if base not in SYNONYMS and slash:
        base, unit = slash.group(1), slash.group(2)
    found = SYNONYMS.get(base)
    return (found, unit) if found else None


def _unit_of(text: str) -> str:
    match = _UNIT.search(text)
    return match.group(1) if match else ""


@dataclass
class Header:
    row: int  # 0-based grid index of the header row
    columns: dict[str, int]  # field → column index
    titles: dict[str, str]  # field → header text as written (for messages)
    unit: str  # quantity unit from the header, e.g. 亩
    column_map: dict[str, str]  # header text as written → field
    duplicates: list[str] = field(default_factory=list)  # notes on columns matched twice


def _scan_row(cells: Sequence[Any], row: int, overrides: Mapping[str, str]) -> Header:
    header = Header(row, {}, {}, "", {})
    for index, value in enumerate(cells):
        found = match_header(normalise_header(value), overrides)
        if not found:
            continue
        name, unit = found
        written = _SPACES.sub("", str(value))
        if name in header.columns:
            header.duplicates.append(
                f"“{written}”和“{header.titles[name]}”都像是{FIELD_LABELS[name]}列，"
                f"使用了“{header.titles[name]}”"
            )
            continue
        header.columns[name] = index
        header.titles[name] = written
        header.column_map[written] = name
        if name == "quantity":
            header.unit = unit
    return header


def find_header(
    rows: Sequence[Sequence[Any]], required: Sequence[str], overrides: Mapping[str, str]
) -> tuple[Header | None, list[str]]:
    """The best header among the first rows, or None plus the required fields it lacks."""
    best: Header | None = None
    for index, cells in enumerate(rows[:HEADER_ROWS]):
        candidate = _scan_row(cells, index, overrides)
        if best is None or len(candidate.columns) > len(best.columns):
            best = candidate
    if best is None or len(best.columns) < 2:
        return None, list(required)
    missing = [f for f in required if f not in best.columns]
    return (None, missing) if missing else (best, [])


@dataclass(frozen=True)
class Layout:
    """The header row a sheet most likely has, as a clerk would confirm it."""

    sheet: str
    signature: str  # SHA-256 of the normalised header cells, for remembering a mapping
    columns: tuple[str, ...]  # header cells as written ("" for an empty cell)


def layout_of(sheet: str, rows: Sequence[Sequence[Any]]) -> Layout | None:
    """The row among the first ``HEADER_ROWS`` with the most text cells (a title row has one),
    or None if no row has two."""
    import hashlib

    best: list[str] = []
    for cells in rows[:HEADER_ROWS]:
        texts = [_SPACES.sub("", v) if isinstance(v, str) else "" for v in cells]
        if sum(1 for t in texts if t) > sum(1 for t in best if t):
            best = texts
    while best and not best[-1]:
        best.pop()
    if sum(1 for t in best if t) < 2:
        return None
    digest = hashlib.sha256("\x1f".join(normalise_header(t) for t in best).encode()).hexdigest()
    return Layout(sheet, digest, tuple(best))
