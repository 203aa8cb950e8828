"""Validating the data rows of one payout sheet (the public API is in ``sheet.py``).

Per-row work is kept small on purpose: a county uploads 100k-row sheets, so cells are read
once, regexes are compiled at import, and the clean cases skip the normalising slow paths.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any, NamedTuple

from notices.ledgers.payouts.header import FIELD_LABELS, Header
from notices.ledgers.spreadsheet.grids import Grid
from notices.money import fen_from_cell, format_fen, round_half_up_fen
from notices.privacy.masking import mask_number
from notices.privacy.numbers import check_bank_account, mobile_digits, parse_id_number
from villages.errors import InvalidInput


class SheetRow(NamedTuple):  # a tuple: one per data row, and a frozen dataclass costs 3×
    sheet: str
    row: int  # 1-based row number as the clerk sees it in Excel
    village: str  # village name or 12-digit code as written
    group: str  # 村民小组 ("" if absent)
    name: str  # 户主姓名
    id_number: str  # normalised (validated) ID
    quantity: Decimal | None
    unit: str
    rate_fen: int | None  # 标准 in fen
    amount_fen: int
    bank_account: str  # "" if absent (validated if present)
    phone: str
    note: str


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # 0 when the problem is about the whole sheet or file
    column: str  # the header as written in the sheet, "" if not about one column
    value: str  # masked when it is an ID or bank number
    message: str


_INVISIBLE = str.maketrans({"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\xa0": " "})
_ODD_SPACE = re.compile("[\u200b\u200c\u200d\ufeff\xa0]")
_SPACES = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_TOTAL = re.compile(r"(本页|本村|全村|全镇|全乡|本组|总)?(合计|总计|共计)[:：]?")
_SUBTOTAL = re.compile(r".{0,12}小计[:：]?")
_FOOTER = re.compile(r"制表|审核|填表|负责人|签字|盖章|经办人|单位[:：]|日期[:：]")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,5})?")
# calamine shows a formula without a saved result, and an error value (#N/A, #DIV/0!), as an
# empty cell: the message has to cover both.
_FORMULA_HINT = (
    "（若此处是公式：公式出错或文件没有保存计算结果，请在Excel中检查后保存，或粘贴为数值）"
)
_FIELDS = ("village", "group", "name", "id_number", "quantity", "rate", "amount",
           "bank_account", "phone", "note")  # fmt: skip
_VILLAGE, _GROUP, _ID, _AMOUNT = 0, 1, 3, 6  # positions in _FIELDS
# What the register's columns hold (notices/ledgers/models.py): rows are stored without ORM
# validation, so longer text must be a problem here, not a database error later.
GROUP_CHARS = 50
QUANTITY_CHARS = 20
MIN_BIRTH_YEAR = 1880  # as notices.privacy.numbers
_UNSEEN: Any = object()


def cell_text(value: Any) -> str:
    """A cell as clean text; whole-number floats lose their ".0", dates become ISO dates."""
    if value.__class__ is str:
        if not value.isascii() and _ODD_SPACE.search(value):
            value = value.translate(_INVISIBLE)
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return "" if value is None else str(value)


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _label(cache: dict[str, str], value: Any) -> str:
    """Village and group cells repeat on thousands of rows: clean each distinct text once."""
    if value.__class__ is not str:
        return _nfkc(cell_text(value))
    label = cache.get(value)
    if label is None:
        label = cache[value] = _nfkc(cell_text(value))
    return label


def _quantity(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError
    if isinstance(value, float):
        number = Decimal(repr(value))  # repr round-trips; the float's binary tail is not data
    else:
        number = Decimal(_SPACES.sub("", _nfkc(str(value))).replace(",", "") or "x")
    if not number.is_finite() or number < 0 or number.adjusted() > 9:
        raise ValueError
    return number


class Collected:
    """Everything found so far, across the sheets of one upload."""

    def __init__(self, default_village: str | None, today: date | None) -> None:
        self.rows: list[SheetRow] = []
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.seen: dict[str, tuple[str, int]] = {}  # ID → first (sheet, row): duplicates
        self.labels: dict[str, str] = {}  # raw village/group text → cleaned text
        self.rates: dict[tuple[str, Any], int | None] = {}  # (sheet, rate cell) → fen
        # Amount and area cells repeat across a sheet (the same 亩 and 元 on many rows): each
        # distinct positive float is parsed once. Only floats: they are what cells hold, and
        # a value that fails is never cached, so every bad cell is still reported.
        self.amounts: dict[float, int] = {}
        self.quantities: dict[float, Decimal] = {}
        self.expected: dict[tuple[Decimal, int], int] = {}  # (quantity, rate) → rounded fen
        self.declared: int | None = None
        # One clock reading per upload: every row is judged against the same day.
        self.default_village, self.today = default_village, today or date.today()
        self.births: dict[str, bool] = {}  # YYYYMMDD of an ID → a real date, not after today

    def problem(self, sheet: str, row: int, column: str, value: str, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, value, message))

    def warn(self, sheet: str, row: int, column: str, value: str, message: str) -> None:
        self.warnings.append(Problem(sheet, row, column, value, message))


# Fast paths for the clean cells that make up nearly every row of a real sheet. They accept
# exactly what notices.privacy.numbers accepts and return "" / False for anything else, which then
# takes the careful path there (and gets its precise message).
# tests/notices/ledgers/payouts/test_sheet_fast.py
# holds them to that. The GB 11643 weights are 2^k mod 11, and 13 ≡ 2 (mod 11), so the
# weighted digit sum is 2 × int(first17, 13) mod 11: one C call instead of 17 products.
_ID_CHECK = "10X98765432"
_LUHN_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")  # digit sum of 2 × digit


def _clean_id(text: str, out: Collected) -> str:
    """A valid 18-digit ID written plainly, normalised (upper-case X); else ""."""
    if len(text) != 18 or not text.isascii() or not text[:17].isdigit():
        return ""
    value = text.upper()
    if _ID_CHECK[2 * int(value[:17], 13) % 11] != value[17]:
        return ""
    birth = value[6:14]
    ok = out.births.get(birth)
    if ok is None:
        year, month_day = divmod(int(birth), 10000)
        try:
            born = date(year, *divmod(month_day, 100))
        except ValueError:
            ok = False
        else:
            ok = out.births[birth] = year >= MIN_BIRTH_YEAR and born <= out.today
    return value if ok else ""


def _clean_account(text: str) -> bool:
    """A 16–19 digit bank card number written plainly that passes Luhn."""
    if not (16 <= len(text) <= 19 and text.isascii() and text.isdigit()):
        return False
    raw = text.encode()
    return (sum(raw[-1::-2]) + sum(raw[-2::-2].translate(_LUHN_DOUBLED)) - 48 * len(raw)) % 10 == 0


def _row_label(cells: list[Any]) -> str:
    """What a row without an ID is: "total", "subtotal", "footer", or ""."""
    for value in cells:
        if isinstance(value, str) and value and len(value) <= 30:
            compact = _SPACES.sub("", value)
            if _TOTAL.fullmatch(compact):
                return "total"
            if _SUBTOTAL.fullmatch(compact):
                return "subtotal"
            if _FOOTER.search(compact):
                return "footer"
    return ""


def _fill_merged(grid: Grid, columns: list[int]) -> None:
    """A merged village/group cell holds its text in the top row only; copy it down."""
    rows = grid.rows
    for (r0, c0), (r1, c1) in grid.merged or ():
        for col in columns:
            if c0 <= col <= c1 and r0 < len(rows):
                value = rows[r0][c0]
                for r in range(r0 + 1, min(r1 + 1, len(rows))):
                    if col < len(rows[r]) and rows[r][col] == "":
                        rows[r][col] = value


def read_rows(grid: Grid, header: Header, out: Collected) -> None:
    """Validate every data row below ``header``; a 合计 row ends the data."""
    cols, titles, sheet, rows = header.columns, header.titles, grid.name, grid.rows
    _fill_merged(grid, [cols[f] for f in ("village", "group") if f in cols])
    # Each row gets one extra "" cell at the end; absent fields read it through index -1, so a
    # single itemgetter call yields all ten fields in a fixed order.
    getter = itemgetter(*[cols.get(f, -1) for f in _FIELDS])
    width = max(cols.values()) + 1
    mapped_getter = itemgetter(*cols.values(), -1)  # always a tuple, even for one column
    blank = ("",) * (len(cols) + 1)
    fill_down = grid.merged is None  # CSV/ODS keep no merge info: blank means "same as above"
    last_village = last_group = ""
    total: int | None = None
    total_row = 0  # the 合计 row's sheet row, where a wrong total is reported
    row_sum, amounts_ok, after_total, subtotal_seen = 0, True, False, False
    for index in range(header.row + 1, len(rows)):
        cells = rows[index]
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        cells.append("")
        if mapped_getter(cells) == blank:
            continue
        values = list(getter(cells))
        excel_row = index + 1
        id_text = cell_text(values[_ID])
        if not id_text:
            if not any(map(cell_text, values)):
                continue  # only spaces
            label = _row_label(cells)
            if label == "total" and not after_total:
                after_total, total_row = True, excel_row
                total = _total(out, sheet, excel_row, titles["amount"], values[_AMOUNT])
                continue
            if label == "subtotal":
                subtotal_seen = True
                continue
            if after_total or (label == "footer" and not cell_text(values[_AMOUNT])):
                continue
        elif after_total:
            out.warn(sheet, excel_row, "", "", "合计行下面还有数据，这些行没有读入")
            continue
        if fill_down:
            if not cell_text(values[_VILLAGE]):
                values[_VILLAGE] = last_village
            if not cell_text(values[_GROUP]):
                values[_GROUP] = last_group
            last_village, last_group = values[_VILLAGE], values[_GROUP]
        amount = _row(out, sheet, excel_row, values, id_text, header)
        if amount is None:
            amounts_ok = False
        else:
            row_sum += amount
    if subtotal_seen:
        out.warn(sheet, 0, "", "", "表中有“小计”行，已跳过，未核对小计金额")
    if total is not None:
        out.declared = (out.declared or 0) + total
        if not amounts_ok:
            out.warn(sheet, total_row, titles["amount"], "", "有金额无法识别，未核对合计")
        elif total != row_sum:
            message = f"表内合计 {format_fen(total)} 元，逐行相加 {format_fen(row_sum)} 元"
            out.problem(sheet, total_row, titles["amount"], format_fen(total), message)


def _total(out: Collected, sheet: str, row: int, column: str, value: Any) -> int | None:
    if not cell_text(value):
        out.warn(sheet, row, column, "", "合计行没有金额，未核对合计")
        return None
    try:
        return fen_from_cell(value, field="合计金额")
    except InvalidInput as exc:
        out.problem(sheet, row, column, cell_text(value)[:50], exc.message)
        return None


def _row(
    out: Collected, sheet: str, row: int, values: list[Any], id_text: str, header: Header
) -> int | None:
    """Validate one data row, add it to ``out`` if clean; returns its amount if that parsed."""
    titles = header.titles
    found: list[tuple[str, str, str]] = []  # (field, shown value, message)
    village_v, group_v, name_v, id_v, quantity_v, rate_v, amount_v, bank_v, phone_v, note_v = values
    village = _label(out.labels, village_v) or (out.default_village or "")
    if not village:
        found.append(("village", "", "村名为空"))
    name = cell_text(name_v)
    if " " in name or "\u3000" in name or "\n" in name or "\t" in name:
        name = _CJK_GAP.sub("", _SPACES.sub(" ", name))  # "张  三" is padding, not a space
    if not name:
        found.append(("name", "", f"姓名为空{_FORMULA_HINT}"))
    elif len(name) > 40:
        found.append(("name", name[:40], "姓名过长"))
    group = _label(out.labels, group_v)
    if len(group) > GROUP_CHARS:
        found.append(("group", group[:50], f"村民小组名称过长（最多{GROUP_CHARS}个字）"))
    id_number = ""
    if not id_text:
        found.append(("id_number", "", f"身份证号码为空{_FORMULA_HINT}"))
    else:
        id_number = _clean_id(id_text, out) if id_v.__class__ is str else ""
        if not id_number:
            try:
                checked = parse_id_number(id_text if id_v.__class__ is str else id_v,
                                          today=out.today)  # fmt: skip
                id_number = checked.normalised
            except InvalidInput as exc:
                found.append(("id_number", mask_number(id_text), exc.message))
    amount: int | None = None
    if amount_v.__class__ is float:  # the usual cell: skip the text round trip
        amount = out.amounts.get(amount_v)
        amount_text = "x"
    else:
        amount_text = cell_text(amount_v)
        amount_v = amount_text if amount_v.__class__ is str else amount_v
    if amount is not None:
        pass
    elif not amount_text:
        found.append(("amount", "", f"金额为空{_FORMULA_HINT}"))
    else:
        try:
            amount = fen_from_cell(amount_v, field=titles["amount"])
        except InvalidInput as exc:
            found.append(("amount", cell_text(amount_v)[:50], exc.message))
        else:
            if amount_v.__class__ is float and amount_v > 0:
                out.amounts[amount_v] = amount
    quantity: Decimal | None = None
    if quantity_v.__class__ is float:
        quantity = out.quantities.get(quantity_v)
    if quantity is None and (
        quantity_v.__class__ is float or (quantity_v != "" and cell_text(quantity_v))
    ):
        try:
            quantity = _quantity(quantity_v)
        except (ValueError, InvalidOperation):
            shown = cell_text(quantity_v)[:50]
            found.append(("quantity", shown, "数量/面积不是有效的非负数字"))
        else:
            if len(str(quantity)) > QUANTITY_CHARS:
                shown = cell_text(quantity_v)[:50]
                found.append(("quantity", shown, "数量/面积的位数过多，请保留到小数点后几位"))
                quantity = None
            elif quantity_v.__class__ is float and quantity_v > 0:
                out.quantities[quantity_v] = quantity
    # One 标准 usually serves the whole sheet: parse each distinct value once, and warn about
    # an unusable one (e.g. 94.7453 元/亩, computed by division) once, not on every row.
    rate_key = (sheet, rate_v) if rate_v.__class__ in (float, str) else None
    rate = out.rates.get(rate_key, _UNSEEN) if rate_key else _UNSEEN
    if rate is _UNSEEN:
        rate = None
        if rate_v.__class__ is float or (rate_v != "" and cell_text(rate_v)):
            try:
                rate = fen_from_cell(rate_v, field=titles["rate"])
            except InvalidInput as exc:
                message = f"{exc.message}；未核对数量×标准（同一标准只提示一次）"
                out.warn(sheet, row, titles["rate"], cell_text(rate_v)[:50], message)
        if rate_key:
            out.rates[rate_key] = rate
    bank = ""
    bank_text = cell_text(bank_v)
    if bank_text:
        try:
            if bank_v.__class__ is str and _clean_account(bank_text):
                bank = bank_text
            else:
                bank = check_bank_account(bank_text if bank_v.__class__ is str else bank_v)
        except InvalidInput as exc:
            found.append(("bank_account", mask_number(bank_text), exc.message))
    phone = cell_text(phone_v)
    if len(phone) == 11 and phone.isascii() and phone.isdigit():
        pass  # what mobile_digits() would keep as it is, the usual cell
    elif phone:
        phone = _nfkc(phone)
        phone = mobile_digits(phone) or phone
    if phone and not (phone.isdigit() or _LANDLINE.fullmatch(phone.replace(" ", ""))):
        out.warn(sheet, row, titles["phone"], mask_number(phone), "联系电话不像手机号或座机号")
    if id_number:
        first = out.seen.setdefault(id_number, (sheet, row))
        if first != (sheet, row):
            where = f"第{first[1]}行" if first[0] == sheet else f"工作表“{first[0]}”第{first[1]}行"
            found.append(("id_number", mask_number(id_number), f"身份证号码与{where}重复"))
    if amount is not None and quantity is not None and rate is not None:
        expected = out.expected.get((quantity, rate))
        if expected is None:
            expected = out.expected[quantity, rate] = round_half_up_fen(quantity, rate)
        if expected != amount:
            message = (
                f"数量×标准 = {quantity} × {format_fen(rate)} = {format_fen(expected)} 元，"
                f"与金额 {format_fen(amount)} 元不一致"
            )
            out.warn(sheet, row, titles["amount"], format_fen(amount), message)
    if amount == 0:
        out.warn(sheet, row, titles["amount"], "0.00", "金额为0")
    if found:
        for field, shown, message in found:
            out.problem(sheet, row, titles.get(field, FIELD_LABELS[field]), shown, message)
    elif amount is not None:
        out.rows.append(SheetRow(
            sheet, row, village, group, name, id_number, quantity,
            header.unit, rate, amount, bank, phone, cell_text(note_v),
        ))  # fmt: skip
    return amount
