"""Reading a village accountant's monthly/quarterly ledger (.xlsx/.xls/.csv).

Rows are date, 凭证号, 摘要, category, income or expense, 经手人, 审批人, 备注. Around them the
sheet may carry a 期初余额 (上期结余) row, a 本期合计 row and a 期末余额 row: those are not
entries, they are claims the import checks against the entries. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from notices.ledgers.payouts.header import normalise_header
from notices.ledgers.payouts.sheet import Problem
from notices.ledgers.spreadsheet.grids import read_grids
from notices.money import fen_from_cell
from villages.errors import InvalidInput

# The 8 categories of 农村集体经济组织财务公开规定.
CATEGORIES = ("财务计划", "各项收入", "各项支出", "各项资产",
              "各类资源", "债权债务", "收益分配", "其他")
_CATEGORY_WORDS = {"计划": "财务计划", "收入": "各项收入", "支出": "各项支出", "资产": "各项资产",
                   "资源": "各类资源", "债": "债权债务", "分配": "收益分配", "其他": "其他"}
_SYNONYMS = {
    "date": ("日期", "记账日期", "业务日期", "发生日期"),
    "voucher": ("凭证号", "凭证编号", "凭证字号", "凭证号码", "单据号"),
    "summary": ("摘要", "事由", "内容", "收支事项"),
    "category": ("类别", "科目", "公开类别", "收支类别", "项目类别"),
    "income": ("收入", "收入金额", "收入(元)", "借方", "收入金额(元)"),
    "expense": ("支出", "支出金额", "支出(元)", "贷方", "支出金额(元)"),
    "handler": ("经手人", "经办人"),
    "approver": ("审批人", "批准人", "审核人"),
    "note": ("备注",),
}
_LOOKUP = {name: key for key, names in _SYNONYMS.items() for name in names}
_REQUIRED = ("date", "voucher", "summary", "income", "expense", "handler", "approver")
_OPENING = re.compile(r"(期初|上期|上月|上季)(余额|结余|结存)")
_CLOSING = re.compile(r"(期末|本期|本月|本季)(余额|结余|结存)")
_TOTAL = re.compile(r"^(本期|本月|本季)?合\s*计$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: date
    ends_on: date


def parse_period(text: str) -> Period:
    """``2026-10`` (a month) or ``2026-Q3`` (a quarter)."""
    match = _PERIOD.match(text.strip().upper())
    if not match:
        raise InvalidInput(f"期间“{text}”格式不对：月份写 2026-10，季度写 2026-Q3")
    year = int(match[1])
    first = int(match[2]) if match[2] else (int(match[3]) - 1) * 3 + 1
    last = first if match[2] else first + 2
    ends = date(year + (last == 12), last % 12 + 1, 1) - timedelta(days=1)
    return Period(match[0], date(year, first, 1), ends)


@dataclass(frozen=True)
class FinanceRow:
    row: int
    booked_on: date
    voucher_no: str
    summary: str
    category: str
    income_fen: int
    expense_fen: int
    handler: str
    approver: str
    note: str


@dataclass
class FinanceSheet:
    rows: list[FinanceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stated_opening_fen: int | None = None
    stated_closing_fen: int | None = None
    stated_totals: tuple[int, int] | None = None   # (income, expense) from the 合计 row
    sheet: str = ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u00a0", " ").strip()


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for index, cells in enumerate(rows[:5]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(cells):
            key = _LOOKUP.get(normalise_header(cell))
            if key and key not in columns:
                columns[key] = col
        if sum(k in columns for k in _REQUIRED) >= 5:
            return index, columns
    return None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(_text(value))
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def _category(text: str, income: int) -> str | None:
    if not text:
        return "各项收入" if income else "各项支出"
    if text in CATEGORIES:
        return text
    return next((full for word, full in _CATEGORY_WORDS.items() if word in text), None)


def read_finance_sheet(data: bytes, filename: str, period: Period) -> FinanceSheet:
    grids, _ = read_grids(data, filename, max_bytes=10 * 1024 * 1024, max_rows=20_000)
    for grid in grids:
        found = _find_header(grid.rows)
        if found:
            return _read_rows(grid.name, grid.rows, *found, period)
    raise InvalidInput("找不到表头：需要 日期、凭证号、摘要、收入、支出、经手人、审批人 等列")


class _Line:
    """One sheet row, with problem reporting that names the sheet, row and column."""

    def __init__(self, out: FinanceSheet, cols: dict[str, int], cells: list[Any], row: int):
        self.out, self.cols, self.cells, self.row = out, cols, cells, row

    def cell(self, key: str) -> Any:
        col = self.cols.get(key)
        return self.cells[col] if col is not None and col < len(self.cells) else None

    def text(self, key: str) -> str:
        return _text(self.cell(key))

    def problem(self, column: str, value: Any, message: str) -> None:
        self.out.problems.append(Problem(self.out.sheet, self.row, column, _text(value)[:50],
                                         message))

    def amount(self, key: str) -> int:
        value = self.cell(key)
        if _text(value) == "":
            return 0
        try:
            return fen_from_cell(value, field=_SYNONYMS[key][0])
        except InvalidInput as exc:
            self.problem(_SYNONYMS[key][0], value, exc.message)
            return 0


def _read_rows(sheet: str, rows: list[list[Any]], header: int, cols: dict[str, int],
               period: Period) -> FinanceSheet:
    out = FinanceSheet(sheet=sheet)
    missing = [k for k in _REQUIRED if k not in cols]
    if missing:
        names = "、".join(_SYNONYMS[k][0] for k in missing)
        raise InvalidInput(f"工作表“{sheet}”缺少列：{names}")
    for index in range(header + 1, len(rows)):
        if any(_text(c) for c in rows[index]):
            _read_line(_Line(out, cols, rows[index], index + 1), period)
    return out


def _read_line(line: _Line, period: Period) -> None:
    out = line.out
    label = line.text("summary") or line.text("date")
    # Balance and total lines carry no 凭证号; an entry that happens to be called 合计 does.
    if line.text("voucher"):
        label = ""
    if _OPENING.search(label):
        out.stated_opening_fen = line.amount("income") or line.amount("expense")
        return
    if _CLOSING.search(label):
        out.stated_closing_fen = line.amount("income") or line.amount("expense")
        return
    if _TOTAL.match(label.replace(" ", "")):
        out.stated_totals = (line.amount("income"), line.amount("expense"))
        return
    income, expense = line.amount("income"), line.amount("expense")
    if bool(income) == bool(expense):
        line.problem("收入/支出", f"{line.text('income')}/{line.text('expense')}",
                     "每行只能填收入或支出其中一项，且金额大于0")
    booked = _date(line.cell("date"))
    if booked is None:
        line.problem("日期", line.cell("date"), "日期看不懂，请写成 2026-10-05")
    elif not period.starts_on <= booked <= period.ends_on:
        line.problem("日期", booked.isoformat(), f"不在本期（{period.label}）内")
    category = _category(line.text("category"), income)
    if category is None:
        line.problem("类别", line.cell("category"), "类别应为：" + "、".join(CATEGORIES))
    fields = {k: line.text(k) for k in ("voucher", "summary", "handler", "approver")}
    for key, value in fields.items():
        if not value:
            line.problem(_SYNONYMS[key][0], "", "不能为空")
    if booked and category and bool(income) != bool(expense) and all(fields.values()):
        out.rows.append(FinanceRow(
            line.row, booked, fields["voucher"][:30], fields["summary"][:200], category,
            income, expense, fields["handler"][:50], fields["approver"][:50],
            line.text("note")[:200]))
