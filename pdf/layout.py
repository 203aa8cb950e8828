"""The table of a notice: columns, wrapped cells, and page breaks, computed before drawing.

Pagination is a single linear pass over pre-measured rows, so the page count ("共 y 页") is
known before anything is drawn and a 20,000-row list costs the same per row as a 20-row one.
Nothing here touches a canvas; tests inspect the result directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdf.amounts import amount_in_words, format_yuan
from pdf.fonts import FontSet, clean_text
from pdf.model import NoticeDoc, PayoutLine
from pdf.wrap import wrap

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4 portrait


@dataclass(frozen=True)
class Style:
    """Sizes in points. Body text stays ≥ 11 pt: most board readers are elderly."""

    margin_x: float = 15 * MM
    margin_top: float = 13 * MM
    margin_bottom: float = 10 * MM
    title_size: float = 20
    title_leading: float = 28
    body_size: float = 12
    body_leading: float = 20
    table_size: float = 12
    table_leading: float = 16
    pad_x: float = 4
    pad_y: float = 4
    footer_size: float = 11
    footer_leading: float = 15
    qr_size: float = 30 * MM  # large enough for an old phone camera at arm's length

    @property
    def content_left(self) -> float:
        return self.margin_x

    @property
    def content_right(self) -> float:
        return PAGE_WIDTH - self.margin_x

    @property
    def content_width(self) -> float:
        return PAGE_WIDTH - 2 * self.margin_x

    def row_height(self, lines: int) -> float:
        return 2 * self.pad_y + max(lines, 1) * self.table_leading


FIELDS = ("name", "group", "id_display", "quantity", "rate", "amount", "note")
# key: (default title, alignment, min width in em, max width in em or 0 = grows, wraps freely)
_COLUMN_SPECS: dict[str, tuple[str, str, float, float, bool]] = {
    "index": ("序号", "center", 2.5, 0, False),
    "name": ("姓名", "left", 4, 0, True),
    "group": ("村民小组", "left", 4, 8, False),
    "id_display": ("身份证号", "left", 5, 0, False),
    "quantity": ("数量", "right", 4, 8, False),
    "rate": ("标准(元)", "right", 4, 8, False),
    "amount": ("金额(元)", "right", 5, 0, False),
    "note": ("备注", "left", 4, 0, True),
}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    x: float
    width: float
    align: str


@dataclass(frozen=True)
class Cell:
    x: float
    width: float
    lines: tuple[str, ...]
    align: str = "left"
    bold: bool = False


@dataclass
class Row:
    kind: str  # "header" | "line" | "subtotal" | "total" | "words"
    cells: tuple[Cell, ...]
    height: float
    amount_fen: int = 0  # counted in the subtotal of the page this row (part) lands on
    top: float = 0.0     # y of the upper edge, set by pagination


@dataclass
class Page:
    number: int
    rows: list[Row] = field(default_factory=list)
    subtotal_fen: int = 0
    closing_top: float | None = None  # last page: where the closing block starts


def column_title(doc: NoticeDoc, key: str) -> str:
    override = getattr(doc, "column_titles", None) or {}
    if key in override:
        return clean_text(override[key]).strip()
    if key == "quantity" and doc.quantity_unit:
        return f"数量({clean_text(doc.quantity_unit).strip()})"
    if key == "rate" and doc.quantity_unit:
        return f"标准(元/{clean_text(doc.quantity_unit).strip()})"
    return _COLUMN_SPECS[key][0]


def cell_text(line: PayoutLine, key: str) -> str:
    if key == "amount":
        return format_yuan(line.amount_fen)
    return clean_text(getattr(line, key)).strip()


def check_columns(columns: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [c for c in columns if c not in FIELDS]
    if unknown or len(set(columns)) != len(columns):
        raise ValueError(f"columns must be distinct names from {FIELDS}, got {columns!r}")
    return ("index", *columns)


def plan_columns(
    keys: tuple[str, ...], titles: list[str], texts: list[list[str]], grand_total: str,
    fonts: FontSet, style: Style,
) -> list[Column]:
    """Fixed-size columns get their natural width (within limits); name/note share the rest."""
    em, pad = style.table_size, 2 * style.pad_x
    natural: list[float] = []
    for key, title, column in zip(keys, titles, texts, strict=True):
        widest = max((fonts.width(t, em) for t in set(column)), default=0.0)
        if key == "amount":
            widest = max(widest, fonts.width(grand_total, em))
        natural.append(max(widest, fonts.width(title, em) * 1.05) + pad)
    widths: list[float] = []
    for key, want in zip(keys, natural, strict=True):
        _, _, low, high, _ = _COLUMN_SPECS[key]
        low_pt, high_pt = low * em + pad, (high * em + pad if high else want)
        widths.append(min(max(want, low_pt), max(high_pt, low_pt)))
    flexible = [i for i, k in enumerate(keys) if _COLUMN_SPECS[k][4]]
    fixed_total = sum(w for i, w in enumerate(widths) if i not in flexible)
    room = style.content_width - fixed_total
    floor = sum(_COLUMN_SPECS[keys[i]][2] * em + pad for i in flexible)
    if room < floor:  # too many wide columns: shrink the fixed ones, they will wrap
        scale = (style.content_width - floor) / fixed_total
        widths = [w if i in flexible else w * scale for i, w in enumerate(widths)]
        room = floor
    if flexible:
        # Water-filling: short columns keep their natural width, long ones split the rest.
        pending = sorted(flexible, key=lambda i: natural[i])
        while pending:
            share = room / len(pending)
            i = pending.pop(0)
            widths[i] = max(min(natural[i], share), _COLUMN_SPECS[keys[i]][2] * em + pad)
            room -= widths[i]
        if room > 0:  # spare width goes to the flexible columns, so the table spans the page
            for i in flexible:
                widths[i] += room / len(flexible)
    else:
        total = sum(widths)
        widths = [w * style.content_width / total for w in widths]
    columns, x = [], style.content_left
    for key, title, width in zip(keys, titles, widths, strict=True):
        columns.append(Column(key, title, x, width, _COLUMN_SPECS[key][1]))
        x += width
    return columns


def _cell(style: Style, fonts: FontSet, x: float, width: float, text: str,
          align: str, bold: bool = False) -> Cell:
    inner = width - 2 * style.pad_x
    return Cell(x, width, tuple(wrap(text, inner, style.table_size, fonts)), align, bold)


def _summary_row(kind: str, label: str, amount: str, columns: list[Column],
                 fonts: FontSet, style: Style) -> Row:
    """本页小计/合计: the label spans the columns left of 金额, the amount sits in 金额."""
    at = next((i for i, c in enumerate(columns) if c.key == "amount"), None)
    if at is None:
        left, right = columns[0].x, columns[-1].x + columns[-1].width
        cells = (_cell(style, fonts, left, right - left, f"{label}：{amount} 元", "left", True),)
    else:
        label_end = columns[at].x
        cells = (_cell(style, fonts, columns[0].x, label_end - columns[0].x, label, "center", True),
                 _cell(style, fonts, columns[at].x, columns[at].width, amount, "right", True))
        if at + 1 < len(columns):
            end = columns[-1].x + columns[-1].width
            rest = columns[at + 1].x
            cells += (Cell(rest, end - rest, ()),)
    return Row(kind, cells, style.row_height(max(len(c.lines) for c in cells)))


def summary_rows(subtotal_fen: int, columns: list[Column], fonts: FontSet,
                 style: Style) -> Row:
    return _summary_row("subtotal", "本页小计", format_yuan(subtotal_fen), columns, fonts, style)


def total_rows(doc: NoticeDoc, columns: list[Column], fonts: FontSet, style: Style) -> list[Row]:
    total = _summary_row("total", "合计", format_yuan(doc.total_fen), columns, fonts, style)
    left, right = columns[0].x, columns[-1].x + columns[-1].width
    words = _cell(style, fonts, left, right - left,
                  f"合计金额（大写）：{amount_in_words(doc.total_fen)}", "left", True)
    return [total, Row("words", (words,), style.row_height(len(words.lines)))]


def line_rows(doc: NoticeDoc, columns: list[Column], texts: list[list[str]],
              fonts: FontSet, style: Style) -> list[Row]:
    rows: list[Row] = []
    for n, line in enumerate(doc.lines):
        cells = tuple(_cell(style, fonts, c.x, c.width, texts[j][n], c.align)
                      for j, c in enumerate(columns))
        height = style.row_height(max(len(c.lines) for c in cells))
        rows.append(Row("line", cells, height, line.amount_fen))
    return rows


def split_row(row: Row, lines: int, style: Style) -> tuple[Row, Row]:
    """Cut a row taller than a page after `lines` lines; the rest continues on the next page.

    The amount stays with the first part (where 序号 and 金额 are printed).
    """
    head = tuple(Cell(c.x, c.width, c.lines[:lines], c.align, c.bold) for c in row.cells)
    tail = tuple(Cell(c.x, c.width, c.lines[lines:], c.align, c.bold) for c in row.cells)
    tail_lines = max(len(c.lines) for c in tail)
    return (Row(row.kind, head, style.row_height(lines), row.amount_fen),
            Row(row.kind, tail, style.row_height(tail_lines), 0))


def paginate(rows: list[Row], header: Row, first_top: float, later_top: float, bottom: float,
             closing_height: float, subtotal_height: float, style: Style) -> list[Page]:
    """Place rows top-down; every page gets the header and a 本页小计 row, the last page also
    gets the closing block (totals, 大写, seal, QR) below its final rows.

    `bottom` is the lowest y a table row may reach (the footer's top edge).
    """
    pages = [Page(1)]
    floor = bottom + subtotal_height  # the 本页小计 row always fits under the last line row
    y = first_top - header.height

    def new_page() -> None:
        nonlocal y
        pages.append(Page(len(pages) + 1))
        y = later_top - header.height

    for row in rows:
        while row.height > y - floor:
            fresh = later_top - header.height - floor
            if row.height <= fresh and pages[-1].rows:
                new_page()
                continue
            fit = int((y - floor - 2 * style.pad_y) // style.table_leading)
            if fit < 1:
                new_page()
                continue
            head, row = split_row(row, fit, style)
            head.top = y
            pages[-1].rows.append(head)
            pages[-1].subtotal_fen += head.amount_fen
            new_page()
        row.top = y
        y -= row.height
        pages[-1].rows.append(row)
        pages[-1].subtotal_fen += row.amount_fen
    if y - floor < closing_height:
        # Keep the closing block with at least the final row, never alone on a page.
        last = pages[-1]
        carried = [last.rows.pop()] if len(last.rows) > 1 else []
        last.subtotal_fen -= sum(r.amount_fen for r in carried)
        new_page()
        for row in carried:
            row.top = y
            y -= row.height
            pages[-1].rows.append(row)
            pages[-1].subtotal_fen += row.amount_fen
    pages[-1].closing_top = y - subtotal_height
    return pages
